"""The facts the page-to-author matcher reads, gathered for several pages at once:
``gather`` (pages -> :class:`GatheredPage`) and ``decision_examples`` (curators'
decisions as labelled examples for ``manage.py train_matcher``).

Candidates are those of :mod:`.suggestions` (authors of the page's papers, then
their co-authors), found with its helpers; for each, the facts of
:mod:`curation.matcher.features` (papers held, co-author links, words, venues,
profile size). The model is not yet what orders the curators' suggestions
(``page_suggestions`` keeps the hand-set score): it is trained and measured by
``manage.py train_matcher`` and tests/benchmarks/bench_matcher.py. Reads only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models.functions import Left

from catalog.bulk import chunks
from catalog.models import Appearance, Author, Authorship, DecidedBy, SourceEntry, SourcePage

from ..matcher.features import CLOSE_PAPER, CandidateFacts, PageFacts, features
from ..models import RejectedSuggestion
from .common import ABSTRACT_CHARS, catalogue_vocabulary, coauthorship, paper_label
from .suggestions import (
    _add_coauthor_candidates,
    _author_words,
    _AuthorWords,
    _claimed_only_by,
    _direct_candidates,
    _rejected,
)
from .text import Vector, Vocabulary, cosine, counts_vector, shared_words, text_vector


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
    of data for them all (8 queries; 1 when no page has a known paper). Used by
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
    # Query 3: co-authors of the direct candidates, through papers of a few authors.
    members = {a for d in data.values() for a in d.candidates}
    papers_of, authors_of_paper = coauthorship(members)
    for page_data in data.values():
        _add_coauthor_candidates(page_data, papers_of, authors_of_paper)
    # Query 4: rejected suggestions.
    rejected = _rejected(list(data)) if not keep_rejected else defaultdict(set)
    for page_id, page_data in data.items():
        page_data.candidates = [a for a in page_data.candidates if a not in rejected[page_id]]
    candidates = {a for d in data.values() for a in d.candidates}
    if not candidates:
        return {page_id: _gathered(page_id, d, {}) for page_id, d in data.items()}
    # Queries 5-8: the candidates' words and profile sizes, their papers' venues, the
    # catalogue's word weights.
    words_of = _author_words(candidates)
    venues_of = _venues({p for w in words_of.values() for p in w.by_paper})
    vocabulary = catalogue_vocabulary()
    paper_vectors: dict[int, Vector] = {}
    for page_data in data.values():
        page_data.vector = text_vector(page_data.texts, vocabulary)
    return {
        page_id: _gathered(
            page_id,
            page_data,
            {
                author_id: _candidate(
                    author_id,
                    page_data,
                    words_of.get(author_id, _AuthorWords()),
                    venues_of,
                    vocabulary,
                    paper_vectors,
                )
                for author_id in page_data.candidates
            },
        )
        for page_id, page_data in data.items()
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
    paper_vectors: dict[int, Vector],
) -> CandidateData:
    page_vector = page.vector
    vector = counts_vector(author_words.without(page.papers), vocabulary)
    others = [p for p in author_words.by_paper if p not in page.papers]
    close = 0
    venues: set[int] = set()
    for paper_id in others:
        if paper_id not in paper_vectors:
            paper_vectors[paper_id] = counts_vector(author_words.by_paper[paper_id], vocabulary)
        close += cosine(page_vector, paper_vectors[paper_id]) >= CLOSE_PAPER
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
