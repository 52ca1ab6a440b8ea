"""Profiles that mix people: ``mixed_profiles`` (the queue) and
``profile_clusters`` (one author's papers in groups).

Reads each profile's newest papers with their words, co-authors and venues, and
groups them with the pure :func:`.clustering.cluster_papers`; a profile whose
papers fall into groups sharing no co-author and little vocabulary may hold
homonyms. Holds the ``Cluster``/``ClusterPaper``/``MixedProfile`` results and the
queries; the grouping rules and thresholds are in :mod:`.clustering`. Reads
only, never writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import Left, RowNumber

from catalog.bulk import chunks
from catalog.models import Appearance, Author, Authorship

from ..matcher.mixed import mixed_features
from ..matcher.store import current_mixed_model
from .clustering import PaperFeatures, cluster_papers
from .common import (
    ABSTRACT_CHARS,
    author_order,
    authors_by_id,
    catalogue_vocabulary,
    coauthorship,
    paper_label,
)
from .text import Vector, Vocabulary, add_vectors, cosine, text_vector, top_words

MIN_PROFILE_PAPERS = 4
MAX_PROFILES_EXAMINED = 500
MAX_PROFILE_PAPERS = 400  # a profile's newest papers considered
PROFILE_BATCH = 100  # profiles whose data one query fetches


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
    """A profile and the clusters its papers fall into; ``separation`` is 1 minus
    the highest similarity of another cluster with the main one; ``probability``:
    the mixed-profile model's calibrated probability that it holds more than one
    person, ``flagged`` when that reaches the model's flag threshold (chosen for
    at most 3% of single-person profiles flagged, out of fold)."""

    author: Author
    paper_count: int
    clusters: tuple[Cluster, ...]
    separation: float
    probability: float = 0.0
    flagged: bool = False


def clustering_facts(clusters: Sequence[Cluster]) -> tuple[float, ...]:
    """The mixed-profile model's features of a clustering (main cluster first)."""
    main, rest = clusters[0], clusters[1:]
    rest_venues = {v for c in rest for v in c.venues}
    overlap = len(set(main.venues) & rest_venues) / len(rest_venues) if rest_venues else 1.0
    return mixed_features(
        [len(c.papers) for c in clusters],
        max((c.similarity for c in rest), default=1.0),
        overlap,
    )


def profile_clusters(author: Author) -> list[Cluster]:
    """The clusters of an author's papers, main one first (one cluster when the
    profile holds together). 7 queries: the word sample (2), the papers, their
    co-authors (2) and venues, the co-authors shown."""
    vocabulary = catalogue_vocabulary()
    groups = _profile_groups([author.pk], vocabulary)[author.pk]
    names = authors_by_id(_coauthor_ids(groups))
    return _clusters(groups, names)


def profile_judgement(author: Author) -> MixedProfile:
    """Any profile judged by the mixed-profile model: its clusters (one when it
    holds together), the probability that it mixes people, and the flag. 7 queries
    (those of :func:`profile_clusters`)."""
    clusters = profile_clusters(author)
    if not clusters:
        return MixedProfile(author, 0, (), 0.0)
    return _judged(author, sum(len(c.papers) for c in clusters), clusters)


def _judged(author: Author, paper_count: int, clusters: Sequence[Cluster]) -> MixedProfile:
    model = current_mixed_model()
    probability = model.probability(clustering_facts(clusters))
    separation = 1 - max((c.similarity for c in clusters[1:]), default=1.0)
    return MixedProfile(
        author,
        paper_count,
        tuple(clusters),
        round(separation, 3),
        probability,
        probability >= model.flag_threshold,
    )


def examined_profiles(
    *, min_papers: int = MIN_PROFILE_PAPERS, max_profiles: int = MAX_PROFILES_EXAMINED
) -> dict[int, int]:
    """Author id -> papers, of the ``max_profiles`` largest profiles of at least
    ``min_papers`` papers: those :func:`mixed_profiles` examines. One query."""
    return dict(
        Authorship.objects.live()
        .values_list("author_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_papers)
        .order_by("-n", "author_id")[:max_profiles]
    )


def mixed_profile_order(profile: MixedProfile) -> tuple:
    """The queue's order: the most probably mixed first, then best separated, then
    larger, then by name."""
    return (
        -profile.probability,
        -profile.separation,
        -profile.paper_count,
        *author_order(profile.author),
    )


def mixed_profiles(
    *,
    limit: int | None = 50,
    min_papers: int = MIN_PROFILE_PAPERS,
    max_profiles: int = MAX_PROFILES_EXAMINED,
    authors: Collection[int] | None = None,
    examined: dict[int, int] | None = None,
) -> list[MixedProfile]:
    """Profiles of at least ``min_papers`` papers that fall into two clusters or
    more, the most probably mixed first, each with the mixed-profile model's probability
    (shown; the queue keeps every split profile, as the model alone misses some
    real homonyms: see the README).

    Bounded work: the ``max_profiles`` largest profiles are examined (largest
    first, as homonyms pile papers up), each on its MAX_PROFILE_PAPERS newest
    papers. Queries: the profile sizes, the word sample (2), 3 per batch of
    PROFILE_BATCH profiles (papers, co-authors, venues), then the authors shown:
    7 for up to 100 profiles examined. ``authors``: only these of the profiles
    examined are clustered again (what changed since the last computation);
    ``examined``: :func:`examined_profiles`, when the caller has it already.
    """
    if examined is None:
        examined = examined_profiles(min_papers=min_papers, max_profiles=max_profiles)
    sizes = examined
    if authors is not None:
        scope = set(authors)
        sizes = {a: n for a, n in sizes.items() if a in scope}
    if not sizes:
        return []
    vocabulary = catalogue_vocabulary()
    split: dict[int, list[_Group]] = {}
    for chunk in chunks(sizes, PROFILE_BATCH):
        for author_id, groups in _profile_groups(chunk, vocabulary).items():
            if len(groups) > 1:
                split[author_id] = groups
    if not split:
        return []
    shown = authors_by_id({*split, *(c for g in split.values() for c in _coauthor_ids(g))})
    found = []
    for author_id, groups in split.items():
        if author_id not in shown:  # deleted meanwhile (an undone split)
            continue
        found.append(_judged(shown[author_id], sizes[author_id], _clusters(groups, shown)))
    found.sort(key=mixed_profile_order)
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
                    key=author_order,
                )
            ),
            similarity=group.similarity,
        )
        for group in groups
    ]


def _profile_groups(author_ids: list[int], vocabulary: Vocabulary) -> dict[int, list[_Group]]:
    """The clusters of several profiles, from 4 queries: their papers, the papers'
    co-authors (2), the papers' venues."""
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
    _, authors_of = coauthorship(set(author_ids))
    venues: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks({p[0] for rows in papers.values() for p in rows}):
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
                paper_id, slug, paper_label(title, abstract), tuple(venues[paper_id])
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
