"""The facts the page-to-author matcher reads, gathered for several pages at once:
``gather`` (pages -> :class:`GatheredPage`) and ``decision_examples`` (curators'
decisions as labelled examples for ``manage.py train_matcher``).

Candidates are the authors of the page's papers (the MAX_DIRECT_CANDIDATES with
the most rarity-weighted papers), then the co-authors they share most
(MAX_COAUTHOR_CANDIDATES); for each, the facts of
:mod:`curation.matcher.features` (papers held, co-author links through papers
not on the page, words, venues, profile size). :mod:`.suggestions` judges them
with the model. Reads only.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import Left, RowNumber

from catalog.bulk import chunks
from catalog.models import Appearance, Author, Authorship, DecidedBy, SourceEntry, SourcePage

from ..matcher.features import CLOSE_PAPER, CandidateFacts, PageFacts, features
from ..models import RejectedSuggestion
from .common import ABSTRACT_CHARS, catalogue_vocabulary, coauthorship, paper_label
from .text import (
    Vector,
    Vocabulary,
    cosine,
    counts_cosine,
    counts_vector,
    rarity_weight,
    shared_words,
    text_vector,
    words,
)

MAX_DIRECT_CANDIDATES = 20  # authors of the page's papers kept, best paper evidence first
MAX_COAUTHOR_CANDIDATES = 10  # co-authors of those authors kept, most in common first
MAX_TEXT_PAPERS = 30  # a candidate's vocabulary comes from their newest papers


@dataclass
class _PageData:
    """What one page brings: its papers, who lists them, its words and venues."""

    entries: int = 0
    papers: dict[int, str] = field(default_factory=dict)  # paper id -> label
    texts: list[str] = field(default_factory=list)
    venues: set[int] = field(default_factory=set)
    authors_of: dict[int, set[int]] = field(default_factory=dict)  # paper -> live authors
    # The authors of the page's papers with the strongest paper evidence: the
    # direct candidates, and the co-authors the others are compared with.
    members: frozenset[int] = frozenset()
    candidates: list[int] = field(default_factory=list)
    common: dict[int, set[int]] = field(default_factory=dict)  # candidate -> members
    vector: Vector = field(default_factory=dict)  # the page's words


@dataclass(frozen=True)
class CandidateData:
    """One candidate's facts for the model, and what the curator is shown."""

    author_id: int
    facts: CandidateFacts
    common_coauthors: frozenset[int]
    shared_words: tuple[str, ...]


@dataclass(frozen=True)
class GatheredPage:
    """Everything the model reads about one page (see :func:`gather`)."""

    page_id: int
    facts: PageFacts
    labels: dict[int, str]
    candidates: dict[int, CandidateData]


def gather(pages: Sequence[SourcePage], *, keep_rejected: bool = False) -> dict[int, GatheredPage]:
    """The facts about several pages and their candidates, with one query per kind
    of data for them all (9 queries; 1 when no page has a known paper). Used by
    the finder and by ``train_matcher`` to turn curators' decisions into examples.
    Candidates a curator rejected for a page are left out, unless ``keep_rejected``.

    Tombstones are dropped in Python rather than by a ``merged_into IS NULL``
    condition, which would lead SQLite to start from every live paper or author.
    """
    data = {page.pk: _PageData() for page in pages}
    # Query 1: the pages' entries, the paper each resolved to, and the claim it makes.
    claims: dict[int, set[int]] = defaultdict(set)  # authorship -> pages of interest claiming
    for page_id, paper_id, merged, authorship_id, venue_id, title, abstract, paper_title, start in (
        SourceEntry.objects.filter(page__in=list(data))
        .order_by()
        .values_list(
            "page_id",
            "paper_id",
            "paper__merged_into_id",
            "authorship_id",
            "venue_id",
            "title",
            Left("abstract", ABSTRACT_CHARS),
            "paper__title",
            Left("paper__abstract", 60),
        )
    ):
        page_data = data[page_id]
        page_data.entries += 1
        page_data.texts.append(f"{title} {abstract}")
        if venue_id is not None:
            page_data.venues.add(venue_id)
        if merged is None:
            page_data.papers[paper_id] = paper_label(paper_title, start)
        if authorship_id is not None:
            claims[authorship_id].add(page_id)
    own = _claimed_only_by(claims)
    # Query 2: who lists the pages' papers (live authors only).
    all_papers = {p for d in data.values() for p in d.papers}
    listed: dict[int, list[tuple[int, int]]] = defaultdict(list)  # paper -> authorships
    for chunk in chunks(all_papers):
        for authorship_id, paper_id, author_id, merged in Authorship.objects.filter(
            paper_id__in=chunk
        ).values_list("id", "paper_id", "author_id", "author__merged_into_id"):
            if merged is None:
                listed[paper_id].append((authorship_id, author_id))
    for page_id, page_data in data.items():
        page_data.authors_of = {
            paper_id: {a for authorship, a in listed[paper_id] if own.get(authorship) != page_id}
            for paper_id in page_data.papers
        }
        page_data.candidates = _direct_candidates(page_data.authors_of)
        page_data.members = frozenset(page_data.candidates)
    # Queries 3-4: co-authors of the direct candidates, through papers of a few authors.
    members = {a for d in data.values() for a in d.candidates}
    papers_of, authors_of_paper = coauthorship(members)
    for page_data in data.values():
        _add_coauthor_candidates(page_data, papers_of, authors_of_paper)
    # Query 5: rejected suggestions.
    rejected = _rejected(list(data)) if not keep_rejected else defaultdict(set)
    for page_id, page_data in data.items():
        page_data.candidates = [a for a in page_data.candidates if a not in rejected[page_id]]
    candidates = {a for d in data.values() for a in d.candidates}
    if not candidates:
        return {page_id: _gathered(page_id, d, {}) for page_id, d in data.items()}
    # Queries 6-9: the candidates' words and profile sizes, their papers' venues, the
    # catalogue's word weights.
    words_of = _author_words(candidates)
    venues_of = _venues({p for w in words_of.values() for p in w.by_paper})
    vocabulary = catalogue_vocabulary()
    for page_data in data.values():
        page_data.vector = text_vector(page_data.texts, vocabulary)
    return {
        page_id: _gathered(
            page_id, page_data, _candidates(page_data, words_of, venues_of, vocabulary)
        )
        for page_id, page_data in data.items()
    }


def _candidates(
    page: _PageData,
    words_of: dict[int, _AuthorWords],
    venues_of: dict[int, set[int]],
    vocabulary: Vocabulary,
) -> dict[int, CandidateData]:
    """The facts of each of the page's candidates; a paper on several candidates'
    profiles is compared with the page once."""
    closeness: dict[int, bool] = {}
    return {
        author_id: _candidate(
            author_id,
            page,
            words_of.get(author_id, _AuthorWords()),
            venues_of,
            vocabulary,
            closeness,
        )
        for author_id in page.candidates
    }


def _gathered(
    page_id: int, page_data: _PageData, candidates: dict[int, CandidateData]
) -> GatheredPage:
    facts = PageFacts(
        entries=page_data.entries,
        authors_of={p: frozenset(a) for p, a in page_data.authors_of.items()},
        venues=frozenset(page_data.venues),
    )
    return GatheredPage(page_id, facts, page_data.papers, candidates)


def _candidate(
    author_id: int,
    page: _PageData,
    author_words: _AuthorWords,
    venues_of: dict[int, set[int]],
    vocabulary: Vocabulary,
    closeness: dict[int, bool],
) -> CandidateData:
    page_vector = page.vector
    vector = counts_vector(author_words.without(page.papers), vocabulary)
    others = [p for p in author_words.by_paper if p not in page.papers]
    close = 0
    venues: set[int] = set()
    for paper_id in others:
        if paper_id not in closeness:
            similarity = counts_cosine(page_vector, author_words.by_paper[paper_id], vocabulary)
            closeness[paper_id] = similarity >= CLOSE_PAPER
        close += closeness[paper_id]
        venues |= venues_of.get(paper_id, set())
    common = page.common.get(author_id, set())
    links = {o for o, members in page.common.items() if author_id in members} | common
    facts = CandidateFacts(
        profile_papers=author_words.profile_papers,
        links=frozenset(links - {author_id}),
        text=round(cosine(page_vector, vector), 4),
        close_papers=close,
        other_papers=len(others),
        venues=frozenset(venues),
    )
    return CandidateData(author_id, facts, frozenset(common), shared_words(page_vector, vector))


def _venues(paper_ids: set[int]) -> dict[int, set[int]]:
    """Paper -> venue ids: one query per 5,000 papers."""
    found: dict[int, set[int]] = defaultdict(set)
    for chunk in chunks(paper_ids):
        for paper_id, venue_id in Appearance.objects.filter(paper_id__in=chunk).values_list(
            "paper_id", "venue_id"
        ):
            found[paper_id].add(venue_id)
    return found


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
    page: _PageData, papers_of: dict[int, set[int]], authors_of: dict[int, set[int]]
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


def decision_examples() -> list[tuple[str, str, str, int, tuple[float, ...]]]:
    """Curators' decisions as labelled examples: (group, page, author slug, label,
    feature values). A page a curator assigned: its author is the positive, the
    other candidates negatives (a page given a new author has only negatives); a
    suggestion a curator rejected on a page not assigned yet: one negative. The
    group is the page's author (or the page), so one person's pages stay together.
    """
    assigned = list(
        SourcePage.objects.filter(
            kind=SourcePage.Kind.ANONYMOUS, assigned_by=DecidedBy.CURATOR, author__isnull=False
        ).order_by("source")
    )
    rejected: dict[int, set[int]] = defaultdict(set)
    for page_id, author_id in RejectedSuggestion.objects.filter(
        page__author__isnull=True
    ).values_list("page_id", "author_id"):
        rejected[page_id].add(author_id)
    open_pages = list(SourcePage.objects.filter(pk__in=rejected).order_by("source"))
    gathered = gather([*assigned, *open_pages], keep_rejected=True)
    slugs = dict(
        Author.objects.filter(
            pk__in={a for g in gathered.values() for a in g.candidates}
        ).values_list("pk", "slug")
    )
    examples = []
    for page in [*assigned, *open_pages]:
        found = gathered[page.pk]
        rows = features(found.facts, {a: c.facts for a, c in found.candidates.items()})
        for author_id, values in sorted(rows.items()):
            if page.author_id is not None:
                label = int(author_id == page.author_id)
                group = f"author:{page.author_id}"
            elif author_id in rejected[page.pk]:
                label, group = 0, f"page:{page.pk}"
            else:
                continue
            examples.append(
                (group, page.source, slugs.get(author_id, str(author_id)), label, values)
            )
    return examples
