"""Which author an anonymous page may belong to: ``page_suggestions`` for one page,
``pages_to_assign`` for the queue of unassigned anonymous pages.

A candidate is an author listing the page's papers (rarer papers weigh more), or
a co-author of those authors; each is scored on the papers shared, the co-authors
in common and the likeness of vocabularies, and shown with that evidence. Holds
the ``Suggestion``/``SharedPaper``/``PageToAssign`` results and the scoring
steps. Reads only, never writes. Text helpers are in :mod:`.text`, the shared
catalogue readers (word weights, co-authors, authors by id) in :mod:`.common`.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import Left, RowNumber

from catalog.bulk import chunks
from catalog.models import Author, Authorship, SourceEntry, SourcePage
from catalog.selectors import page_list

from ..models import RejectedSuggestion
from .common import (
    ABSTRACT_CHARS,
    author_order,
    authors_by_id,
    catalogue_vocabulary,
    coauthorship,
    paper_label,
)
from .text import Vocabulary, cosine, counts_vector, rarity_weight, shared_words, text_vector, words

MAX_DIRECT_CANDIDATES = 20  # authors of the page's papers kept, best paper evidence first
MAX_COAUTHOR_CANDIDATES = 10  # co-authors of those authors kept, most in common first
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
    that only this page claims are not evidence for it; authors a curator said it
    is not (``RejectedSuggestion``) are never offered. At most 8 queries.
    """
    return _suggest([page], limit=limit)[page.pk]


def pages_to_assign(
    *, limit: int = 50, suggestions: int = 3, reuse: Mapping[int, PageToAssign] | None = None
) -> list[PageToAssign]:
    """Unassigned anonymous pages (by source name) with their top suggestions.

    Every page is worked out together: 9 queries for any number of pages (one
    for the pages, then those of :func:`page_suggestions`, once), 1 when none
    waits; one more per 5,000 ids a query would list. Each page gets exactly the
    suggestions :func:`page_suggestions` gives it alone. ``reuse``: results
    computed before for pages nothing has changed since (page id -> result);
    those pages keep them and are not worked out again.
    """
    reuse = reuse or {}
    pages = list(
        page_list()
        .filter(kind=SourcePage.Kind.ANONYMOUS, author__isnull=True)
        .defer("raw_text")
        .order_by("source")[:limit]
    )
    fresh = [page for page in pages if page.pk not in reuse]
    found = _suggest(fresh, limit=suggestions) if fresh else {}
    return [
        reuse[page.pk]
        if page.pk in reuse
        else PageToAssign(
            page=page, entry_count=page.entry_count, suggestions=tuple(found[page.pk])
        )
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
            evidence[page_id].papers[paper_id] = paper_label(paper_title, start)
        if authorship_id is not None:
            claims[authorship_id].add(page_id)
    own = _claimed_only_by(claims)
    # Query 2: who lists the pages' papers (live authors only).
    all_papers = {p for e in evidence.values() for p in e.papers}
    listed: dict[int, list[tuple[int, int]]] = defaultdict(list)  # paper -> authorships
    for chunk in chunks(all_papers):
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
    papers_of, authors_of_paper = coauthorship(members)
    for page_evidence in evidence.values():
        _add_coauthor_candidates(page_evidence, papers_of, authors_of_paper)
    # Queries 4-6: the candidates' words, the catalogue's word weights.
    candidates = {a for e in evidence.values() for a in e.candidates}
    if not candidates:
        return {page_id: [] for page_id in evidence}
    words_of = _author_words(candidates)
    vocabulary = catalogue_vocabulary()
    rejected = _rejected(list(evidence))
    ranked = {
        page_id: [
            r
            for r in _rank(page_evidence, words_of, vocabulary)
            if r.author_id not in rejected[page_id]
        ][:limit]
        for page_id, page_evidence in evidence.items()
    }
    # Query 7: the authors shown.
    shown = {
        a for found in ranked.values() for r in found for a in (r.author_id, *r.common_coauthors)
    }
    authors = authors_by_id(shown)
    return {
        page_id: [
            Suggestion(
                author=authors[r.author_id],
                score=r.score,
                paper_score=r.paper_score,
                shared_papers=r.shared_papers,
                coauthor_score=r.coauthor_score,
                common_coauthors=tuple(
                    sorted(
                        (authors[a] for a in r.common_coauthors if a in authors), key=author_order
                    )
                ),
                text_similarity=r.text_similarity,
                shared_words=r.shared_words,
            )
            for r in found
            if r.author_id in authors  # not deleted meanwhile (an undone split)
        ]
        for page_id, found in ranked.items()
    }


def _rejected(page_ids: list[int]) -> dict[int, set[int]]:
    """Page -> authors a curator said it is not (``RejectedSuggestion``): one query."""
    found: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(page_ids):
        for page_id, author_id in RejectedSuggestion.objects.filter(page_id__in=chunk).values_list(
            "page_id", "author_id"
        ):
            found[page_id].add(author_id)
    return found


def _claimed_only_by(claims: dict[int, set[int]]) -> dict[int, int]:
    """Authorship -> page, for authorships whose every claiming entry is on that one
    page (evidence the page cannot give itself). One query, only when a page's
    entries claim authorships at all (never for an unassigned page)."""
    if not claims:
        return {}
    pages_of: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(claims):
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
    """An author's word counts, in total and per paper (to leave a page's papers out),
    and the number of their authorships."""

    total: Counter[str] = field(default_factory=Counter)
    by_paper: dict[int, Counter[str]] = field(default_factory=dict)
    profile_papers: int = 0

    def without(self, papers: Iterable[int]) -> Counter[str]:
        left_out = [self.by_paper[p] for p in papers if p in self.by_paper]
        if not left_out:
            return self.total
        counts = self.total.copy()
        for paper_counts in left_out:
            counts.subtract(paper_counts)
        return +counts  # drops words counted zero times


def _author_words(author_ids: set[int]) -> dict[int, _AuthorWords]:
    """The word counts of each author's MAX_TEXT_PAPERS newest live papers, and the
    number of their authorships: one query (window functions rank and count each
    author's papers in the database)."""
    found: dict[int, _AuthorWords] = defaultdict(_AuthorWords)
    counted: dict[int, Counter[str]] = {}
    for chunk in chunks(author_ids):
        rows = (
            Authorship.objects.filter(author_id__in=chunk)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=[F("author_id")], order_by=F("paper_id").desc()
                ),
                total=Window(Count("id"), partition_by=[F("author_id")]),
            )
            .filter(rank__lte=MAX_TEXT_PAPERS)
            .values_list(
                "author_id",
                "paper_id",
                "paper__merged_into_id",
                "total",
                "paper__title",
                Left("paper__abstract", ABSTRACT_CHARS),
            )
        )
        for author_id, paper_id, merged, total, title, abstract in rows:
            found[author_id].profile_papers = total
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
