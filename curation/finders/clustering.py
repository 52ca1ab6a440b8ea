"""Pure clustering of a profile's papers: which of them hold together.

Holds ``PaperFeatures`` (a paper's words, co-authors and venues), the
``Thresholds`` (one set for papers with abstracts, one for titles only) and
``cluster_papers``, which groups papers linked by a co-author or alike words,
then joins groups close enough to the main one.

Takes plain values: no Django, no ``catalog.models``, no queries. Reading the
profiles from the catalogue and the ``Cluster``/``MixedProfile`` results are in
:mod:`.profiles`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .text import Vector, add_vectors, cosine, top_words

# Two papers of a profile are linked when they share a co-author (other than the
# profile's author, on a paper of at most common.MAX_LINK_AUTHORS authors) or when their
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
