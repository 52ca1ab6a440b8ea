"""Read-only finders for the curators' dashboard: what deserves a curator's look.

Four questions, each answered with ranked candidates and the evidence a curator
needs to decide (nothing here writes to the database):

1. ``page_suggestions`` / ``pages_to_assign``: which author an anonymous page
   may belong to (papers shared with the author's profile, rarer papers weighing
   more; similar vocabulary; co-authors in common);
2. ``duplicate_paper_candidates``: pairs of papers that may be one paper but
   were not joined by the importer (which joins only when certain);
3. ``duplicate_author_candidates``: authors whose names are the same up to case,
   accents, word order or initials (authors are never merged automatically);
4. ``mixed_profiles`` / ``profile_clusters``: profiles whose papers fall into
   groups sharing no co-author and little vocabulary (homonyms on one page).

Work that grows with the catalogue goes through blocking keys, never all pairs:
candidates come from the page's papers and their authors' co-authors, papers are
compared only within groups sharing the start or end of a title or abstract
(cut by the database in one scan), and authors only within (family name,
initial) groups.
Each finder runs a fixed number of queries, however many rows it looks at; the
counts are documented on each function. Tombstones (merged records) are never
candidates.

Text similarity uses TF-IDF over folded words. The word weights come from an
evenly spaced sample of the catalogue's papers (:func:`catalogue_vocabulary`),
so a word found in every other abstract ("language", "model") says little and a
rare one ("pde", "decentralized") says a lot. The pure helpers (words, vectors,
name rules, clustering) take plain values and are unit-tested on their own.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import Left, Lower, Right, RowNumber
from rapidfuzz import fuzz

from catalog.models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    Paper,
    SourceEntry,
    SourcePage,
)
from catalog.names import PersonName, parse_name
from catalog.normalize import clean_text, fold
from catalog.selectors import page_list

from .models import DismissedPair

# --- words and vectors (pure) ------------------------------------------------------

# Function words and the boilerplate of abstracts: they tell no two topics apart.
_STOP_WORDS = """
    a about above across after again against all almost along also although among an and
    another any are around as at be because been before being below between both but by can
    cannot could did do does doing done down due during each either et etc even ever every
    few for from further had has have having here how however i if in into is it its itself
    just least less many may might more most much must near neither no nor not of off often
    on once one only onto or other others otherwise our ours out over own per rather same
    several shall should since so some such than that the their theirs them themselves then
    there thereby therefore these they this those though three through thus to together too
    two under until up upon us use used uses using very via was we well were what when where
    whether which while who whom whose why will with within without would yet you your
    abstract approach approaches paper papers present presents propose proposed proposes
    result results show shows shown study studies new novel method methods work
    pre non multi
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
MIN_WORD_LENGTH = 3


def stem(word: str) -> str:
    """A light plural stemmer: 'networks' -> 'network', 'studies' -> 'study',
    'processes' -> 'process'.

    Enough to let a singular and a plural meet; 'process' and 'analysis' stay whole.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _content_word(word: str) -> str:
    """The stem of a folded word, or "" for a stop word, a number or a short word."""
    if len(word) < MIN_WORD_LENGTH or word.isdigit() or word in STOP_WORDS:
        return ""
    return stem(word)


def words(text: str) -> list[str]:
    """The content words of a text: folded, stemmed, without stop words and numbers."""
    return [w for w in map(_content_word, fold(text).split()) if w]


@dataclass(frozen=True)
class Vocabulary:
    """Document frequencies of words in a sample of ``documents`` papers."""

    documents: int
    frequencies: dict[str, int] = field(default_factory=dict, hash=False)
    _idf: dict[str, float] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        frequencies: Counter[str] = Counter()
        documents = 0
        for text in texts:
            frequencies.update(set(words(text)))
            documents += 1
        return cls(documents, dict(frequencies))

    def idf(self, word: str) -> float:
        """log((N + 1) / (df + 0.5)): about 0 for a word in every document, highest
        for a word the sample never saw."""
        value = self._idf.get(word)
        if value is None:
            frequency = self.frequencies.get(word, 0)
            value = self._idf[word] = max(0.0, math.log((self.documents + 1) / (frequency + 0.5)))
        return value


Vector = dict[str, float]


def text_vector(texts: Iterable[str], vocabulary: Vocabulary) -> Vector:
    """The TF-IDF vector of some texts taken together, of unit length ({} for no words).

    Term frequency is damped (1 + log count): a word repeated ten times in one
    abstract does not outweigh ten distinct words.
    """
    return counts_vector(Counter(word for text in texts for word in words(text)), vocabulary)


def counts_vector(counts: Counter[str], vocabulary: Vocabulary) -> Vector:
    """The TF-IDF vector of word counts (see :func:`text_vector`)."""
    weights = {w: (1.0 + math.log(n)) * vocabulary.idf(w) for w, n in counts.items() if n > 0}
    return normalized({w: x for w, x in weights.items() if x > 0})


def normalized(vector: Vector) -> Vector:
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {w: x / norm for w, x in vector.items()} if norm else {}


def add_vectors(vectors: Iterable[Vector]) -> Vector:
    """The unit-length sum (the centroid's direction) of vectors."""
    total: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for word, weight in vector.items():
            total[word] += weight
    return normalized(total)


def cosine(u: Vector, v: Vector) -> float:
    """Cosine of two unit-length vectors (0 when either is empty)."""
    if len(u) > len(v):
        u, v = v, u
    return sum(weight * v.get(word, 0.0) for word, weight in u.items())


def shared_words(u: Vector, v: Vector, *, limit: int = 5) -> tuple[str, ...]:
    """The words that contribute most to the cosine of u and v, best first."""
    if len(u) > len(v):
        u, v = v, u
    common = ((-(weight * v[word]), word) for word, weight in u.items() if word in v)
    return tuple(word for _, word in heapq.nsmallest(limit, common))


def top_words(vector: Vector, *, limit: int = 8) -> tuple[str, ...]:
    """The heaviest words of a vector: what makes a group of papers distinctive."""
    return tuple(w for _, w in heapq.nsmallest(limit, ((-x, w) for w, x in vector.items())))


def rarity_weight(profiles: int) -> float:
    """What a shared paper says about identity: 1 / log2(1 + profiles listing it).

    1 profile -> 1.0, 2 -> 0.63, 3 -> 0.5, 40 -> 0.19: a paper on many profiles
    (a large collaboration's report) says little about who a page is.
    """
    return 1.0 / math.log2(1 + max(profiles, 1))


def text_similarity(a: str, b: str, *, cutoff: float = 0.0) -> float:
    """Similarity of two folded texts in [0, 1]: the normalized Indel similarity
    (rapidfuzz's ratio), which counts characters inserted and deleted; 0 below
    ``cutoff`` (rapidfuzz then stops early)."""
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b, score_cutoff=cutoff * 100) / 100.0


DROPPED_SUBTITLE = 0.9
MIN_MAIN_TITLE_WORDS = 3
_SUBTITLE_MARKS = (": ", " - ", " \u2013 ", " \u2014 ", "? ", ". ", " (", " [")


def main_title(title: str) -> str:
    """The folded title before its first subtitle mark (': ', ' - ', '? ', ' (' ...)."""
    cut = min((i for i in (title.find(mark) for mark in _SUBTITLE_MARKS) if i > 0), default=-1)
    return fold(title[:cut] if cut > 0 else title)


def dropped_subtitle(a: str, b: str) -> bool:
    """Whether one title is the other without its subtitle ('Anxiety about electronic
    data hacking' / '...: Predictors and relations with ...'), the shorter one
    holding at least MIN_MAIN_TITLE_WORDS content words."""
    short, long_ = sorted((a, b), key=len)
    folded = fold(short)
    return (
        folded != fold(long_)
        and folded == main_title(long_)
        and len(words(folded)) >= MIN_MAIN_TITLE_WORDS
    )


def title_similarity(
    a: str, b: str, key_a: str, key_b: str, *, cutoff: float = 0.0
) -> float | None:
    """Similarity of two titles (as written, and folded), None below ``cutoff``.

    :func:`text_similarity` of the folded titles, except that a title that is the
    other without its subtitle counts DROPPED_SUBTITLE (see :func:`dropped_subtitle`).
    """
    similarity = text_similarity(key_a, key_b, cutoff=cutoff)
    short, long_ = sorted((key_a, key_b), key=len)
    prefix = long_.startswith(short + " ")  # cheap test first: most pairs stop here
    if similarity < DROPPED_SUBTITLE and prefix and dropped_subtitle(a, b):
        similarity = DROPPED_SUBTITLE
    if similarity < cutoff or (cutoff and not similarity):
        return None
    return similarity


# --- the catalogue's vocabulary --------------------------------------------------

VOCABULARY_SAMPLE = 2000
ABSTRACT_CHARS = 3000  # abstracts are cut here for word statistics and vectors


def catalogue_vocabulary(*, sample: int = VOCABULARY_SAMPLE) -> Vocabulary:
    """Word document frequencies over up to ``sample`` live papers, evenly spaced
    by id (deterministic, no random sort). Two queries: the id range, the sample."""
    live = Paper.objects.filter(merged_into__isnull=True)
    bounds = live.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return Vocabulary(0, {})
    low, high = bounds["low"], bounds["high"]
    if high - low + 1 <= sample:
        chosen = live.filter(id__range=(low, high))
    else:
        step = (high - low) / sample
        chosen = live.filter(id__in=sorted({low + int(i * step) for i in range(sample)}))
    rows = chosen.values_list("title", Left("abstract", ABSTRACT_CHARS))
    return Vocabulary.from_texts(f"{title} {abstract}" for title, abstract in rows)


def _paper_label(title: str, abstract_start: str) -> str:
    """What a paper is called in a list (as ``Paper.__str__``)."""
    return title or f"[abstract only] {abstract_start[:60]}"


def _chunks(values: Iterable, size: int = 5000) -> Iterator[list]:
    """Lists of at most ``size`` values: ``id IN (...)`` lists a database accepts."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _authors_by_id(ids: Iterable[int]) -> dict[int, Author]:
    """Authors by id in one query per 5,000 (``in_bulk`` takes one per 999 on SQLite)."""
    found: dict[int, Author] = {}
    for chunk in _chunks(ids):
        found.update((author.pk, author) for author in Author.objects.filter(id__in=chunk))
    return found


# --- 1. which author an anonymous page belongs to ----------------------------------

MAX_DIRECT_CANDIDATES = 20  # authors of the page's papers kept, best paper evidence first
MAX_COAUTHOR_CANDIDATES = 10  # co-authors of those authors kept, most in common first
MAX_LINK_AUTHORS = 50  # papers with more live authors do not make co-authors (consortia)
MAX_TEXT_PAPERS = 30  # a candidate's vocabulary comes from their newest papers
# The score: weights of the three kinds of evidence, each in [0, 1].
PAPER_WEIGHT, COAUTHOR_WEIGHT, TEXT_WEIGHT = 0.6, 0.2, 0.2


@dataclass(frozen=True)
class SharedPaper:
    """A paper on the page that the candidate's profile also lists."""

    paper_id: int
    label: str
    profiles: int  # live authors listing it (this page's own claims left out)
    weight: float  # rarity_weight(profiles)


@dataclass(frozen=True)
class Suggestion:
    """An author the page may belong to, with the evidence.

    ``paper_score``: the rarity-weighted share of the page's papers that the
    profile lists; ``coauthor_score``: the share of the authors of the page's
    papers (the MAX_DIRECT_CANDIDATES with the most paper evidence) who are the
    candidate or wrote another paper with the candidate (``common_coauthors``);
    ``text_similarity``: cosine of the page's words and the candidate's (papers
    on the page left out). ``score`` weighs them 0.6 / 0.2 / 0.2.
    """

    author: Author
    score: float
    paper_score: float
    shared_papers: tuple[SharedPaper, ...]
    coauthor_score: float
    common_coauthors: tuple[Author, ...]
    text_similarity: float
    shared_words: tuple[str, ...]


@dataclass(frozen=True)
class PageToAssign:
    page: SourcePage
    entry_count: int
    suggestions: tuple[Suggestion, ...]


def page_suggestions(page: SourcePage, *, limit: int = 5) -> list[Suggestion]:
    """Authors the page may belong to, best first (at most ``limit``).

    Meant for an unassigned anonymous page, correct for any page: authorships
    that only this page claims are not evidence for it. At most 7 queries.
    """
    return _suggest([page], limit=limit)[page.pk]


def pages_to_assign(*, limit: int = 50, suggestions: int = 3) -> list[PageToAssign]:
    """Unassigned anonymous pages (by source name) with their top suggestions.

    Every page is worked out together: 8 queries for any number of pages (one
    for the pages, then those of :func:`page_suggestions`, once), 1 when none
    waits; one more per 5,000 ids a query would list. Each page gets exactly the
    suggestions :func:`page_suggestions` gives it alone.
    """
    pages = list(
        page_list()
        .filter(kind=SourcePage.Kind.ANONYMOUS, author__isnull=True)
        .defer("raw_text")
        .order_by("source")[:limit]
    )
    if not pages:
        return []
    found = _suggest(pages, limit=suggestions)
    return [
        PageToAssign(page=page, entry_count=page.entry_count, suggestions=tuple(found[page.pk]))
        for page in pages
    ]


@dataclass
class _PageEvidence:
    """What one page brings to the scoring: its papers, who lists them, its words."""

    papers: dict[int, str] = field(default_factory=dict)  # paper id -> label
    texts: list[str] = field(default_factory=list)
    authors_of: dict[int, set[int]] = field(default_factory=dict)  # paper -> live authors
    # The authors of the page's papers with the strongest paper evidence: the
    # direct candidates, and the co-authors the others are compared with.
    members: frozenset[int] = frozenset()
    candidates: list[int] = field(default_factory=list)
    common: dict[int, set[int]] = field(default_factory=dict)  # candidate -> members


@dataclass(frozen=True)
class _Ranked:
    """A suggestion before its authors are fetched: ids only."""

    author_id: int
    score: float
    paper_score: float
    shared_papers: tuple[SharedPaper, ...]
    coauthor_score: float
    common_coauthors: frozenset[int]
    text_similarity: float
    shared_words: tuple[str, ...]


def _suggest(pages: Sequence[SourcePage], *, limit: int) -> dict[int, list[Suggestion]]:
    """Suggestions for several pages, with one query per kind of data for them all.

    Tombstones are dropped in Python rather than by a ``merged_into IS NULL``
    condition, which would lead SQLite to start from every live paper or author.
    """
    evidence = {page.pk: _PageEvidence() for page in pages}
    # Query 1: the pages' entries, the paper each resolved to, and the claim it makes.
    claims: dict[int, set[int]] = defaultdict(set)  # authorship -> pages of interest claiming
    for page_id, paper_id, merged, authorship_id, title, abstract, paper_title, start in (
        SourceEntry.objects.filter(page__in=list(evidence))
        .order_by()
        .values_list(
            "page_id",
            "paper_id",
            "paper__merged_into_id",
            "authorship_id",
            "title",
            Left("abstract", ABSTRACT_CHARS),
            "paper__title",
            Left("paper__abstract", 60),
        )
    ):
        evidence[page_id].texts.append(f"{title} {abstract}")
        if merged is None:
            evidence[page_id].papers[paper_id] = _paper_label(paper_title, start)
        if authorship_id is not None:
            claims[authorship_id].add(page_id)
    own = _claimed_only_by(claims)
    # Query 2: who lists the pages' papers (live authors only).
    all_papers = {p for e in evidence.values() for p in e.papers}
    listed: dict[int, list[tuple[int, int]]] = defaultdict(list)  # paper -> authorships
    for chunk in _chunks(all_papers):
        for authorship_id, paper_id, author_id, merged in Authorship.objects.filter(
            paper_id__in=chunk
        ).values_list("id", "paper_id", "author_id", "author__merged_into_id"):
            if merged is None:
                listed[paper_id].append((authorship_id, author_id))
    for page_id, page_evidence in evidence.items():
        authors_of = {
            paper_id: {a for authorship, a in listed[paper_id] if own.get(authorship) != page_id}
            for paper_id in page_evidence.papers
        }
        page_evidence.authors_of = authors_of
        page_evidence.candidates = _direct_candidates(authors_of)
        page_evidence.members = frozenset(page_evidence.candidates)
    # Query 3: co-authors of the direct candidates, through papers of a few authors.
    members = {a for e in evidence.values() for a in e.candidates}
    papers_of, authors_of_paper = _coauthorship(members)
    for page_evidence in evidence.values():
        _add_coauthor_candidates(page_evidence, papers_of, authors_of_paper)
    # Queries 4-6: the candidates' words, the catalogue's word weights.
    candidates = {a for e in evidence.values() for a in e.candidates}
    if not candidates:
        return {page_id: [] for page_id in evidence}
    words_of = _author_words(candidates)
    vocabulary = catalogue_vocabulary()
    ranked = {
        page_id: _rank(page_evidence, words_of, vocabulary)[:limit]
        for page_id, page_evidence in evidence.items()
    }
    # Query 7: the authors shown.
    shown = {
        a for found in ranked.values() for r in found for a in (r.author_id, *r.common_coauthors)
    }
    authors = _authors_by_id(shown)
    return {
        page_id: [
            Suggestion(
                author=authors[r.author_id],
                score=r.score,
                paper_score=r.paper_score,
                shared_papers=r.shared_papers,
                coauthor_score=r.coauthor_score,
                common_coauthors=tuple(
                    sorted((authors[a] for a in r.common_coauthors), key=_author_order)
                ),
                text_similarity=r.text_similarity,
                shared_words=r.shared_words,
            )
            for r in found
        ]
        for page_id, found in ranked.items()
    }


def _claimed_only_by(claims: dict[int, set[int]]) -> dict[int, int]:
    """Authorship -> page, for authorships whose every claiming entry is on that one
    page (evidence the page cannot give itself). One query, only when a page's
    entries claim authorships at all (never for an unassigned page)."""
    if not claims:
        return {}
    pages_of: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(claims):
        for authorship_id, page_id in (
            SourceEntry.objects.filter(authorship_id__in=chunk)
            .order_by()
            .values_list("authorship_id", "page_id")
            .distinct()
        ):
            pages_of[authorship_id].add(page_id)
    return {a: next(iter(pages)) for a, pages in pages_of.items() if len(pages) == 1}


def _direct_candidates(authors_of: dict[int, set[int]]) -> list[int]:
    """Authors listing the page's papers, best rarity-weighted evidence first."""
    evidence: dict[int, float] = defaultdict(float)
    for authors in authors_of.values():
        for author_id in authors:
            evidence[author_id] += rarity_weight(len(authors))
    ranked = sorted(evidence, key=lambda a: (-evidence[a], a))
    return ranked[:MAX_DIRECT_CANDIDATES]


def _coauthorship(author_ids: set[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """(author -> papers, paper -> live authors) over the live papers of these
    authors that have at most MAX_LINK_AUTHORS live authors: one query (a window
    function counts each paper's authors in the database)."""
    papers_of: dict[int, set[int]] = defaultdict(set)
    authors_of: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(author_ids):
        rows = (
            Authorship.objects.filter(
                paper_id__in=Authorship.objects.filter(author_id__in=chunk).values("paper_id"),
            )
            .annotate(
                live=Q(author__merged_into__isnull=True, paper__merged_into__isnull=True),
                size=Window(Count("id"), partition_by=[F("paper_id")]),
            )
            .filter(size__lte=MAX_LINK_AUTHORS)
            .values_list("paper_id", "author_id", "live")
        )
        for paper_id, author_id, live in rows:
            if live:
                papers_of[author_id].add(paper_id)
                authors_of[paper_id].add(author_id)
    return papers_of, authors_of


def _add_coauthor_candidates(
    page: _PageEvidence, papers_of: dict[int, set[int]], authors_of: dict[int, set[int]]
) -> None:
    """Co-authors in common, through papers not on the page (those are counted as
    shared papers already); the best connected co-authors become candidates too."""
    common: dict[int, set[int]] = defaultdict(set)
    for member in page.members:
        for paper_id in papers_of.get(member, ()):
            if paper_id in page.papers:
                continue
            for other in authors_of[paper_id]:
                if other != member:
                    common[other].add(member)
    direct = set(page.candidates)
    extra = heapq.nsmallest(
        MAX_COAUTHOR_CANDIDATES, ((-len(common[a]), a) for a in common if a not in direct)
    )
    page.candidates = [*page.candidates, *(a for _, a in extra)]
    page.common = common


@dataclass
class _AuthorWords:
    """An author's word counts, in total and per paper (to leave a page's papers out)."""

    total: Counter[str] = field(default_factory=Counter)
    by_paper: dict[int, Counter[str]] = field(default_factory=dict)

    def without(self, papers: Iterable[int]) -> Counter[str]:
        left_out = [self.by_paper[p] for p in papers if p in self.by_paper]
        if not left_out:
            return self.total
        counts = self.total.copy()
        for paper_counts in left_out:
            counts.subtract(paper_counts)
        return +counts  # drops words counted zero times


def _author_words(author_ids: set[int]) -> dict[int, _AuthorWords]:
    """The word counts of each author's MAX_TEXT_PAPERS newest live papers: one
    query (a window function ranks each author's papers in the database)."""
    found: dict[int, _AuthorWords] = defaultdict(_AuthorWords)
    counted: dict[int, Counter[str]] = {}
    for chunk in _chunks(author_ids):
        rows = (
            Authorship.objects.filter(author_id__in=chunk)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=[F("author_id")], order_by=F("paper_id").desc()
                )
            )
            .filter(rank__lte=MAX_TEXT_PAPERS)
            .values_list(
                "author_id",
                "paper_id",
                "paper__merged_into_id",
                "paper__title",
                Left("paper__abstract", ABSTRACT_CHARS),
            )
        )
        for author_id, paper_id, merged, title, abstract in rows:
            if merged is not None:
                continue
            if paper_id not in counted:
                counted[paper_id] = Counter(words(f"{title} {abstract}"))
            found[author_id].by_paper[paper_id] = counted[paper_id]
            found[author_id].total.update(counted[paper_id])
    return found


def _rank(
    page: _PageEvidence, words_of: dict[int, _AuthorWords], vocabulary: Vocabulary
) -> list[_Ranked]:
    """Score every candidate of a page; best first (ties by author id)."""
    profiles = {paper_id: len(listed) for paper_id, listed in page.authors_of.items()}
    weights = {paper_id: rarity_weight(n) for paper_id, n in profiles.items()}
    total_weight = sum(weights.values())
    page_vector = text_vector(page.texts, vocabulary)
    ranked = []
    for author_id in page.candidates:
        shared = tuple(
            SharedPaper(paper_id, label, profiles[paper_id], round(weights[paper_id], 3))
            for paper_id, label in sorted(page.papers.items(), key=lambda item: item[1])
            if author_id in page.authors_of[paper_id]
        )
        paper_score = sum(s.weight for s in shared) / total_weight if total_weight else 0.0
        common = page.common.get(author_id, set())
        circle = len(common) + (author_id in page.members)
        coauthor_score = circle / len(page.members) if page.members else 0.0
        author_words = words_of.get(author_id, _AuthorWords())
        vector = counts_vector(author_words.without(page.papers), vocabulary)
        similarity = cosine(page_vector, vector)
        score = (
            PAPER_WEIGHT * paper_score + COAUTHOR_WEIGHT * coauthor_score + TEXT_WEIGHT * similarity
        )
        ranked.append(
            _Ranked(
                author_id=author_id,
                score=round(score, 3),
                paper_score=round(paper_score, 3),
                shared_papers=shared,
                coauthor_score=round(coauthor_score, 3),
                common_coauthors=frozenset(common),
                text_similarity=round(similarity, 3),
                shared_words=shared_words(page_vector, vector),
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.author_id))
    return ranked


def _author_order(author: Author) -> tuple[str, str]:
    return (author.sort_key, author.slug)


# --- 2. papers that may be one paper ------------------------------------------------

# Blocking keys: papers are compared only with papers whose folded title, or
# whose abstract, starts or ends with the same characters. A typo, a subtitle or
# a changed sentence leaves one end of the text alone. A key shared by more than
# MAX_PAPER_BLOCK papers (a common opening such as "in this paper we") is
# skipped; the other keys still bring such papers together. The database cuts
# the keys, so an abstract is read whole only for the pairs worth a closer look.
TITLE_KEY_CHARS = 20
ABSTRACT_KEY_CHARS = 100
MAX_PAPER_BLOCK = 50
# A title of fewer content words than MIN_SPECIFIC_TITLE_WORDS that more than
# MAX_SAME_TITLE papers share ("editorial notes") is weak evidence: alone, it
# counts COMMON_TITLE_FACTOR of its similarity, which ranks such pairs last.
MAX_SAME_TITLE = 3
MIN_SPECIFIC_TITLE_WORDS = 5
COMMON_TITLE_FACTOR = 0.5
# A pair is a candidate when its titles are this similar (and its abstracts, when
# both have one, not unrelated), or when its abstracts are this similar.
TITLE_THRESHOLD = 0.85
ABSTRACT_THRESHOLD = 0.8
UNRELATED_ABSTRACTS = 0.5


@dataclass(frozen=True)
class PaperSide:
    """One paper of a candidate pair, as the curator compares it."""

    id: int
    slug: str
    title: str  # "" for an abstract-only paper
    abstract: str
    venues: tuple[str, ...]


@dataclass(frozen=True)
class PaperPair:
    """Two live papers that may be one. ``first`` has the smaller id.

    Similarities are in [0, 1] on folded text, None when a side has no title (or
    no abstract). ``blocks`` names the keys that brought the pair together.
    """

    first: PaperSide
    second: PaperSide
    score: float
    title_similarity: float | None
    abstract_similarity: float | None
    shared_authors: tuple[str, ...]
    blocks: tuple[str, ...]


def paper_pair_score(
    title_similarity: float | None,
    abstract_similarity: float | None,
    *,
    common_title: bool = False,
) -> float:
    """The score of a pair from its similarities; 0 when it is no candidate.

    Titles alike (>= 0.85) make a candidate unless both abstracts exist and are
    unrelated (< 0.5: two papers that share a generic title); abstracts alike
    (>= 0.8) make one whatever the titles. The score is the mean of the
    similarities known, halved for a ``common_title`` with no abstracts to
    compare (see MAX_SAME_TITLE).
    """
    t, a = title_similarity, abstract_similarity
    titles_alike = (
        t is not None and t >= TITLE_THRESHOLD and (a is None or a >= UNRELATED_ABSTRACTS)
    )
    abstracts_alike = a is not None and a >= ABSTRACT_THRESHOLD
    if not (titles_alike or abstracts_alike):
        return 0.0
    known = [s for s in (t, a) if s is not None]
    factor = COMMON_TITLE_FACTOR if common_title and a is None else 1.0
    return round(factor * sum(known) / len(known), 3)


def duplicate_paper_candidates(*, limit: int = 100) -> list[PaperPair]:
    """Pairs of live papers that may be the same paper, best score first.

    Pairs a curator dismissed are left out. Queries: the blocking keys of every
    paper (one scan), the texts of the pairs worth a closer look, the dismissed
    pairs, then the venues and authors of the pairs returned: 5 (1 when no two
    papers share a key; one more per 5,000 papers looked at closely).
    """
    titles, blocks = _paper_blocks()
    papers_per_title = Counter(key for _, key in titles.values())
    # Titles first (short, cheap); abstracts only for pairs whose titles are alike
    # or that share the start or end of an abstract.
    closer: list[tuple[int, int, float | None, bool]] = []
    for (low, high), names in blocks.items():
        t = None
        (title_low, key_low), (title_high, key_high) = titles[low], titles[high]
        if key_low and key_high:
            t = title_similarity(title_low, title_high, key_low, key_high, cutoff=TITLE_THRESHOLD)
        if t is not None or any(name.startswith("abstract") for name in names):
            common = _common_title(key_low, papers_per_title) and key_low == key_high
            closer.append((low, high, t, common))
    if not closer:
        return []
    records = _paper_records({paper_id for low, high, *_ in closer for paper_id in (low, high)})
    scored: list[tuple[float, int, int, float | None, float | None]] = []
    for low, high, t, common in closer:
        (_, title_low, _, key_low, abstract_low) = records[low]
        (_, title_high, _, key_high, abstract_high) = records[high]
        a = None
        if abstract_low and abstract_high:
            cutoff = UNRELATED_ABSTRACTS if t is not None else ABSTRACT_THRESHOLD
            a = text_similarity(abstract_low, abstract_high, cutoff=cutoff)
        if t is None and a:  # titles told nothing: show how (un)alike they are
            t = (
                title_similarity(title_low, title_high, key_low, key_high)
                if key_low and key_high
                else None
            )
        score = paper_pair_score(t, a, common_title=common)
        if score > 0:
            scored.append((score, low, high, t, a))
    if not scored:
        return []
    dismissed = set(
        DismissedPair.objects.filter(kind=DismissedPair.Kind.PAPER).values_list("low_id", "high_id")
    )
    scored = [s for s in scored if (s[1], s[2]) not in dismissed]
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    top = scored[:limit]
    ids = {paper_id for _, low, high, _, _ in top for paper_id in (low, high)}
    venues: dict[int, list[str]] = defaultdict(list)
    authors: dict[int, dict[int, str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        for paper_id, venue in (
            Appearance.objects.filter(paper_id__in=chunk)
            .order_by("venue__name")
            .values_list("paper_id", "venue__name")
        ):
            venues[paper_id].append(venue)
        for paper_id, author_id, name in Authorship.objects.filter(
            paper_id__in=chunk, author__merged_into__isnull=True
        ).values_list("paper_id", "author_id", "author__display_name"):
            authors[paper_id][author_id] = name

    def side(paper_id: int) -> PaperSide:
        slug, title, abstract, _, _ = records[paper_id]
        return PaperSide(paper_id, slug, title, abstract, tuple(venues[paper_id]))

    return [
        PaperPair(
            first=side(low),
            second=side(high),
            score=score,
            title_similarity=None if t is None else round(t, 3),
            abstract_similarity=None if a is None else round(a, 3),
            shared_authors=tuple(
                sorted(name for a_id, name in authors[low].items() if a_id in authors[high])
            ),
            blocks=tuple(blocks[(low, high)]),
        )
        for score, low, high, t, a in top
    ]


def _paper_blocks() -> tuple[dict[int, tuple[str, str]], dict[tuple[int, int], list[str]]]:
    """(id -> (title, title key), (low id, high id) -> names of the keys the pair shares),
    from one scan of the papers that reads the start and end of each abstract.

    Tombstones are dropped here rather than by the query: ``merged_into IS NULL``
    makes SQLite walk that index and fetch every row by id, slower than a scan.
    """
    keyed: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in _BLOCK_NAMES}
    titles: dict[int, tuple[str, str]] = {}
    rows = Paper.objects.order_by().values_list(
        "id",
        "merged_into_id",
        "title",
        "title_key",
        Lower(Left("abstract", ABSTRACT_KEY_CHARS)),
        Lower(Right("abstract", ABSTRACT_KEY_CHARS)),
    )
    title_start, title_end, abstract_start, abstract_end = keyed.values()
    for paper_id, merged, title, tkey, start, end in rows.iterator(chunk_size=5000):
        if merged is not None:
            continue
        titles[paper_id] = (title, tkey)
        if tkey:
            title_start[tkey[:TITLE_KEY_CHARS]].append(paper_id)
            title_end[tkey[-TITLE_KEY_CHARS:]].append(paper_id)
        if start:
            abstract_start[start].append(paper_id)
            abstract_end[end].append(paper_id)
    blocks: dict[tuple[int, int], list[str]] = defaultdict(list)
    for name, groups in keyed.items():
        for ids in groups.values():
            if 1 < len(ids) <= MAX_PAPER_BLOCK:
                for pair in combinations(sorted(ids), 2):
                    blocks[pair].append(name)
    return titles, blocks


def _common_title(key: str, papers_per_title: Counter[str]) -> bool:
    """A short title that many papers share ("editorial notes", "atypical hemolytic
    uremic syndrome"): weak evidence that two of them are one paper."""
    return papers_per_title[key] > MAX_SAME_TITLE and len(words(key)) < MIN_SPECIFIC_TITLE_WORDS


_BLOCK_NAMES = ("title start", "title end", "abstract start", "abstract end")


def _paper_records(ids: set[int]) -> dict[int, tuple[str, str, str, str, str]]:
    """id -> (slug, title, abstract, title key, folded abstract) of these papers."""
    records = {}
    for chunk in _chunks(ids):
        for paper_id, slug, title, abstract, tkey in Paper.objects.filter(id__in=chunk).values_list(
            "id", "slug", "title", "abstract", "title_key"
        ):
            records[paper_id] = (slug, title, abstract, tkey, fold(abstract))
    return records


# --- 3. authors that may be one person ------------------------------------------------

SAME_NAME = "same name"
CASE_OR_ACCENTS = "same name up to case, accents or punctuation"
WORD_ORDER = "same name in another order"
MIDDLE_NAME = "a middle name missing"
INITIALS = "initials"
SHORT_GIVEN = "shortened given name"
SWAPPED = "family and given names swapped"
NAME_RULE_STRENGTH = {
    SAME_NAME: 1.0,
    CASE_OR_ACCENTS: 1.0,
    WORD_ORDER: 0.95,
    MIDDLE_NAME: 0.85,
    INITIALS: 0.8,
    SHORT_GIVEN: 0.7,
    SWAPPED: 0.6,
}
# An initial-only name ("L. Wang") compatible with more authors than this says
# nothing about which one it is: it is not paired at all.
MAX_INITIAL_MATCHES = 20
# A block of more names than this (a very common family name and initial) is cut
# by first given name: inside it, only names with the same first given name meet.
MAX_NAME_BLOCK = 2000


@dataclass(frozen=True)
class NameForm:
    """A name as compared: as written, folded family name (no spaces), folded given names."""

    written: str
    family: str
    given: tuple[str, ...]

    @classmethod
    def of(cls, name: PersonName, written: str) -> NameForm:
        return cls(
            clean_text(written), fold(name.family).replace(" ", ""), tuple(fold(name.given).split())
        )

    @classmethod
    def parse(cls, written: str) -> NameForm:
        return cls.of(parse_name(written), written)

    def blocking_keys(self) -> set[tuple[str, str]]:
        """(family, first initial), and the same for the name read the other way
        round, so that a swapped name lands in the block of its twin."""
        keys = {(self.family, self.given[0][0] if self.given else "")}
        if self.given and self.family:
            keys.add(("".join(self.given), self.family[0]))
        return keys


def _given_compatible(x: str, y: str) -> str | None:
    """How two given-name words can be one: 'same', 'initial' (I / Ilya), 'prefix'
    (Jeff / Jeffrey, at least three letters), or None."""
    if x == y:
        return "same"
    short, long_ = sorted((x, y), key=len)
    if not long_.startswith(short):
        return None
    if len(short) == 1:
        return "initial"
    return "prefix" if len(short) >= 3 else None


def _given_rule(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """The rule by which two lists of given names can name one person.

    The first names must agree; the shorter list's other names must agree, in
    order, with some of the longer list's ('Jose Garcia' / 'Jose M. Garcia').
    """
    if not a or not b:
        return None
    short, long_ = sorted((a, b), key=len)
    kinds = {_given_compatible(short[0], long_[0])}
    position = 1
    for word in short[1:]:
        while position < len(long_) and _given_compatible(word, long_[position]) is None:
            position += 1
        if position == len(long_):
            return None
        kinds.add(_given_compatible(word, long_[position]))
        position += 1
    if None in kinds:
        return None
    if "initial" in kinds:
        return INITIALS
    if "prefix" in kinds:
        return SHORT_GIVEN
    return MIDDLE_NAME if len(short) != len(long_) else None


def name_rule(a: NameForm, b: NameForm) -> str | None:
    """Which rule makes two names possibly one person's, or None."""
    if a.family == b.family and a.family:
        if a.given == b.given:
            if a.written == b.written:
                return SAME_NAME
            return CASE_OR_ACCENTS if fold(a.written) == fold(b.written) else WORD_ORDER
        return _given_rule(a.given, b.given)
    if a.given and b.given and a.family == "".join(b.given) and "".join(a.given) == b.family:
        return SWAPPED
    return None


@dataclass(frozen=True)
class SharedCoauthor:
    author: Author
    with_first: int  # papers written with the first author of the pair
    with_second: int


@dataclass(frozen=True)
class AuthorPair:
    """Two live authors that may be one person. ``first`` has the smaller id.

    ``first_name``/``second_name`` are the variants that matched under ``rule``.
    """

    first: Author
    second: Author
    first_name: str
    second_name: str
    rule: str
    score: float
    shared_coauthors: tuple[SharedCoauthor, ...]
    shared_papers: int


def author_pair_score(rule: str, shared_coauthors: int, shared_papers: int) -> float:
    """0.4 for the name rule's strength, 0.4 for co-authors in common (two give
    0.63 of it), 0.2 for papers on both profiles (one gives 0.63 of it)."""
    return round(
        0.4 * NAME_RULE_STRENGTH[rule]
        + 0.4 * (1 - math.exp(-shared_coauthors / 2))
        + 0.2 * (1 - math.exp(-shared_papers)),
        3,
    )


def name_candidate_pairs(
    forms: dict[int, set[NameForm]],
) -> dict[tuple[int, int], tuple[str, NameForm, NameForm]]:
    """(low id, high id) -> (rule, low's name, high's name) for authors one of whose
    names may be the other's. Names are compared only within a blocking key's
    block (a block larger than MAX_NAME_BLOCK is cut by first given name); the
    strongest rule over all the pair's variants wins.
    """
    blocks: dict[tuple[str, ...], list[tuple[int, NameForm]]] = defaultdict(list)
    for author_id, variants in forms.items():
        for form in variants:
            for key in form.blocking_keys():
                blocks[key].append((author_id, form))
    for key in [k for k, members in blocks.items() if len(members) > MAX_NAME_BLOCK]:
        for author_id, form in blocks.pop(key):
            blocks[(*key, form.given[0] if form.given else "")].append((author_id, form))

    found: dict[tuple[int, int], tuple[str, NameForm, NameForm]] = {}
    by_initials: dict[tuple[int, NameForm], set[int]] = defaultdict(set)
    for members in blocks.values():
        for (id_a, form_a), (id_b, form_b) in combinations(members, 2):
            if id_a == id_b:
                continue
            rule = name_rule(form_a, form_b)
            if rule is None:
                continue
            if rule == INITIALS:
                by_initials[(id_a, form_a)].add(id_b)
                by_initials[(id_b, form_b)].add(id_a)
            (low, low_form), (high, high_form) = sorted(
                ((id_a, form_a), (id_b, form_b)), key=_first
            )
            best = found.get((low, high))
            if best is None or NAME_RULE_STRENGTH[rule] > NAME_RULE_STRENGTH[best[0]]:
                found[(low, high)] = (rule, low_form, high_form)
    return {
        pair: (rule, a, b)
        for pair, (rule, a, b) in found.items()
        if rule != INITIALS
        or max(len(by_initials[(pair[0], a)]), len(by_initials[(pair[1], b)]))
        <= MAX_INITIAL_MATCHES
    }


def _first(item: tuple) -> object:
    return item[0]


def duplicate_author_candidates(*, limit: int = 100) -> list[AuthorPair]:
    """Pairs of live authors whose names may be one person's, best score first.

    Every name variant counts (``AuthorName`` rows and the author's own parts).
    Dismissed pairs are left out. Never merges anything: a queue for curators.
    Queries: the authors, their names, the dismissed pairs, the candidates'
    authorships, their co-authors, then the authors shown: 6 (2 when no two
    names match).
    """
    forms: dict[int, set[NameForm]] = defaultdict(set)
    for author_id, display, family, given in Author.objects.filter(
        merged_into__isnull=True
    ).values_list("id", "display_name", "family_name", "given_name"):
        forms[author_id].add(NameForm.of(PersonName(family, given), display))
    for author_id, name in AuthorName.objects.filter(author__merged_into__isnull=True).values_list(
        "author_id", "name"
    ):
        forms[author_id].add(NameForm.parse(name))
    candidates = name_candidate_pairs(forms)
    if not candidates:
        return []
    dismissed = set(
        DismissedPair.objects.filter(kind=DismissedPair.Kind.AUTHOR).values_list(
            "low_id", "high_id"
        )
    )
    candidates = {pair: found for pair, found in candidates.items() if pair not in dismissed}
    involved = {author_id for pair in candidates for author_id in pair}
    papers: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(involved):
        for author_id, paper_id in Authorship.objects.filter(
            author_id__in=chunk, paper__merged_into__isnull=True
        ).values_list("author_id", "paper_id"):
            papers[author_id].add(paper_id)
    small_papers_of, authors_of = _coauthorship(involved)

    def coauthors(author_id: int) -> Counter[int]:
        return Counter(
            other
            for paper_id in small_papers_of.get(author_id, ())
            for other in authors_of[paper_id]
            if other != author_id
        )

    scored = []
    for (low, high), (rule, low_form, high_form) in candidates.items():
        with_low, with_high = coauthors(low), coauthors(high)
        common = {c: (with_low[c], with_high[c]) for c in with_low.keys() & with_high.keys()}
        common.pop(low, None)
        common.pop(high, None)
        shared = len(papers[low] & papers[high])
        score = author_pair_score(rule, len(common), shared)
        scored.append((score, low, high, rule, low_form, high_form, common, shared))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    top = scored[:limit]
    shown = _authors_by_id({a for s in top for a in (s[1], s[2], *s[6])})
    pairs = []
    for score, low, high, rule, low_form, high_form, common, shared in top:
        coauthor_list = sorted(
            (SharedCoauthor(shown[c], n_low, n_high) for c, (n_low, n_high) in common.items()),
            key=lambda c: (-(c.with_first + c.with_second), *_author_order(c.author)),
        )
        pairs.append(
            AuthorPair(
                first=shown[low],
                second=shown[high],
                first_name=low_form.written,
                second_name=high_form.written,
                rule=rule,
                score=score,
                shared_coauthors=tuple(coauthor_list),
                shared_papers=shared,
            )
        )
    return pairs


# --- 4. profiles that mix people ---------------------------------------------------------

# Two papers of a profile are linked when they share a co-author (other than the
# profile's author, on a paper of at most MAX_LINK_AUTHORS authors) or when their
# vocabularies are alike (cosine >= link). The linked groups then join the main
# group (the largest) when their words are alike enough taken together (centroid
# cosine >= join), or somewhat alike and published in a venue the main group
# also uses (>= join_same_venue). What is left apart is a candidate for a split.
# A title alone is a short text whose cosines run higher, so papers without an
# abstract get thresholds of their own: these were chosen on the seeds (with
# abstracts) and on the AMiner name-disambiguation data (titles only), see
# tests/benchmarks/bench_finders.py.


@dataclass(frozen=True)
class Thresholds:
    link: float
    join: float
    join_same_venue: float


WITH_ABSTRACTS = Thresholds(link=0.12, join=0.08, join_same_venue=0.04)
TITLES_ONLY = Thresholds(link=0.3, join=0.25, join_same_venue=0.04)
MIN_PROFILE_PAPERS = 4
MAX_PROFILES_EXAMINED = 500
MAX_PROFILE_PAPERS = 400  # a profile's newest papers considered
PROFILE_BATCH = 100  # profiles whose data one query fetches


@dataclass(frozen=True)
class PaperFeatures:
    """What clustering knows of a paper: its words, co-authors and venues."""

    id: int
    vector: Vector = field(hash=False)
    coauthors: frozenset[int] = frozenset()
    venues: frozenset[str] = frozenset()
    has_abstract: bool = True


def _thresholds(*groups: Sequence[PaperFeatures]) -> Thresholds:
    """WITH_ABSTRACTS when every side has an abstract to compare, else TITLES_ONLY."""
    with_text = all(any(p.has_abstract for p in group) for group in groups)
    return WITH_ABSTRACTS if with_text else TITLES_ONLY


def cluster_papers(papers: Sequence[PaperFeatures]) -> list[list[PaperFeatures]]:
    """Group a profile's papers (pure; see the constants above). Main group first,
    then the others by size (ties: smallest paper id first), each in id order."""
    parent = {p.id: p.id for p in papers}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    by_coauthor: dict[int, list[int]] = defaultdict(list)
    for paper in papers:
        for coauthor in paper.coauthors:
            by_coauthor[coauthor].append(paper.id)
    for ids in by_coauthor.values():
        for other in ids[1:]:
            union(ids[0], other)
    # Text links only between papers sharing one of their heaviest words.
    by_word: dict[str, list[PaperFeatures]] = defaultdict(list)
    for paper in papers:
        for word in top_words(paper.vector, limit=10):
            by_word[word].append(paper)
    for group in by_word.values():
        for a, b in combinations(group, 2):
            linked = find(a.id) == find(b.id)
            if not linked and cosine(a.vector, b.vector) >= _thresholds([a], [b]).link:
                union(a.id, b.id)
    components: dict[int, list[PaperFeatures]] = defaultdict(list)
    for paper in sorted(papers, key=lambda p: p.id):
        components[find(paper.id)].append(paper)
    groups = sorted(components.values(), key=lambda g: (-len(g), g[0].id))
    if len(groups) < 2:
        return groups
    # Join what is close enough to the main group, until nothing moves.
    main, rest = list(groups[0]), groups[1:]
    moved = True
    while moved and rest:
        moved = False
        for group in list(rest):
            if _joins(group, main):
                main.extend(group)
                rest.remove(group)
                moved = True
    # What is left joins up among itself by the same rule.
    merged: list[list[PaperFeatures]] = []
    for group in rest:
        for other in merged:
            if _joins(group, other):
                other.extend(group)
                break
        else:
            merged.append(list(group))
    others = sorted(
        (sorted(g, key=lambda p: p.id) for g in merged), key=lambda g: (-len(g), g[0].id)
    )
    return [sorted(main, key=lambda p: p.id), *others]


def _joins(group: Sequence[PaperFeatures], main: Sequence[PaperFeatures]) -> bool:
    thresholds = _thresholds(group, main)
    similarity = cosine(add_vectors(p.vector for p in group), add_vectors(p.vector for p in main))
    if similarity >= thresholds.join:
        return True
    venues = frozenset().union(*(p.venues for p in main))
    shares_venue = any(p.venues & venues for p in group)
    return shares_venue and similarity >= thresholds.join_same_venue


@dataclass(frozen=True)
class ClusterPaper:
    id: int
    slug: str
    label: str
    venues: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    """A group of a profile's papers. ``similarity``: cosine of its words with the
    main (first) cluster's, 1.0 for the main cluster itself."""

    papers: tuple[ClusterPaper, ...]
    words: tuple[str, ...]
    venues: tuple[str, ...]
    coauthors: tuple[Author, ...]
    similarity: float

    @property
    def paper_ids(self) -> tuple[int, ...]:
        return tuple(p.id for p in self.papers)


@dataclass(frozen=True)
class MixedProfile:
    """A profile whose papers fall apart into clusters; ``separation`` is 1 minus
    the highest similarity of another cluster with the main one."""

    author: Author
    paper_count: int
    clusters: tuple[Cluster, ...]
    separation: float


def profile_clusters(author: Author) -> list[Cluster]:
    """The clusters of an author's papers, main one first (one cluster when the
    profile holds together). 6 queries: the word sample (2), the papers, their
    co-authors and venues, the co-authors shown."""
    vocabulary = catalogue_vocabulary()
    groups = _profile_groups([author.pk], vocabulary)[author.pk]
    names = _authors_by_id(_coauthor_ids(groups))
    return _clusters(groups, names)


def mixed_profiles(
    *,
    limit: int = 50,
    min_papers: int = MIN_PROFILE_PAPERS,
    max_profiles: int = MAX_PROFILES_EXAMINED,
) -> list[MixedProfile]:
    """Profiles of at least ``min_papers`` papers that fall into two clusters or
    more, best separated first.

    Bounded work: the ``max_profiles`` largest profiles are examined (largest
    first, as homonyms pile papers up), each on its MAX_PROFILE_PAPERS newest
    papers. Queries: the profile sizes, the word sample (2), 3 per batch of
    PROFILE_BATCH profiles (papers, co-authors, venues), then the authors shown:
    7 for up to 100 profiles examined.
    """
    sizes = dict(
        Authorship.objects.filter(author__merged_into__isnull=True, paper__merged_into__isnull=True)
        .values_list("author_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_papers)
        .order_by("-n", "author_id")[:max_profiles]
    )
    if not sizes:
        return []
    vocabulary = catalogue_vocabulary()
    split: dict[int, list[_Group]] = {}
    for chunk in _chunks(sizes, PROFILE_BATCH):
        for author_id, groups in _profile_groups(chunk, vocabulary).items():
            if len(groups) > 1:
                split[author_id] = groups
    if not split:
        return []
    shown = _authors_by_id({*split, *(c for g in split.values() for c in _coauthor_ids(g))})
    found = []
    for author_id, groups in split.items():
        clusters = _clusters(groups, shown)
        separation = 1 - max(c.similarity for c in clusters[1:])
        found.append(
            MixedProfile(shown[author_id], sizes[author_id], tuple(clusters), round(separation, 3))
        )
    found.sort(key=lambda m: (-m.separation, -m.paper_count, *_author_order(m.author)))
    return found[:limit]


@dataclass(frozen=True)
class _Group:
    """A cluster before its co-authors are fetched."""

    papers: tuple[ClusterPaper, ...]
    features: tuple[PaperFeatures, ...]
    vector: Vector = field(hash=False)
    similarity: float


def _coauthor_ids(groups: Sequence[_Group]) -> set[int]:
    return {c for group in groups for paper in group.features for c in paper.coauthors}


def _clusters(groups: Sequence[_Group], authors: dict[int, Author]) -> list[Cluster]:
    return [
        Cluster(
            papers=group.papers,
            words=top_words(group.vector),
            venues=tuple(sorted({v for p in group.papers for v in p.venues})),
            coauthors=tuple(
                sorted(
                    (authors[c] for c in _coauthor_ids([group]) if c in authors),
                    key=_author_order,
                )
            ),
            similarity=group.similarity,
        )
        for group in groups
    ]


def _profile_groups(author_ids: list[int], vocabulary: Vocabulary) -> dict[int, list[_Group]]:
    """The clusters of several profiles, from 3 queries: their papers, the papers'
    co-authors, the papers' venues."""
    papers: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for author_id, paper_id, merged, slug, title, abstract in (
        Authorship.objects.filter(author_id__in=author_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("author_id")], order_by=F("paper_id").desc())
        )
        .filter(rank__lte=MAX_PROFILE_PAPERS)
        .values_list(
            "author_id",
            "paper_id",
            "paper__merged_into_id",
            "paper__slug",
            "paper__title",
            Left("paper__abstract", ABSTRACT_CHARS),
        )
    ):
        if merged is None:
            papers[author_id].append((paper_id, slug, title, abstract))
    _, authors_of = _coauthorship(set(author_ids))
    venues: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks({p[0] for rows in papers.values() for p in rows}):
        for paper_id, venue in (
            Appearance.objects.filter(paper_id__in=chunk)
            .order_by("venue__name")
            .values_list("paper_id", "venue__name")
        ):
            venues[paper_id].append(venue)
    result = {}
    for author_id in author_ids:
        rows = sorted(papers.get(author_id, []))
        features = [
            PaperFeatures(
                id=paper_id,
                vector=text_vector([f"{title} {abstract}"], vocabulary),
                coauthors=frozenset(authors_of.get(paper_id, set()) - {author_id}),
                venues=frozenset(venues[paper_id]),
                has_abstract=bool(abstract),
            )
            for paper_id, _, title, abstract in rows
        ]
        shown = {
            paper_id: ClusterPaper(
                paper_id, slug, _paper_label(title, abstract), tuple(venues[paper_id])
            )
            for paper_id, slug, title, abstract in rows
        }
        groups = cluster_papers(features)
        vectors = [add_vectors(p.vector for p in group) for group in groups]
        result[author_id] = [
            _Group(
                papers=tuple(shown[p.id] for p in group),
                features=tuple(group),
                vector=vector,
                similarity=1.0 if index == 0 else round(cosine(vector, vectors[0]), 3),
            )
            for index, (group, vector) in enumerate(zip(groups, vectors, strict=True))
        ]
    return result
