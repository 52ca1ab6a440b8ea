"""Authors that may be one person: ``duplicate_author_candidates``.

Reads every live author's name variants, pairs them by the pure name rules of
:mod:`.name_rules` (within (family name, initial) blocks, never all pairs), and
ranks the pairs on the rule's strength, the co-authors in common and the papers
on both profiles. Holds the ``AuthorPair``/``SharedCoauthor`` results and
``author_pair_score`` (pure). Authors are never merged here, or anywhere
automatically: this is a queue for curators, and it reads only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from catalog.bulk import chunks
from catalog.models import Author, AuthorName, Authorship
from catalog.names import PersonName

from ..models import DismissedPair
from .common import author_order, authors_by_id, coauthorship
from .name_rules import NAME_RULE_STRENGTH, NameForm, name_candidate_pairs


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


def author_pair_order(pair: AuthorPair) -> tuple[float, int, int]:
    """The queue's order: best score first, then by the authors' ids."""
    return (-pair.score, pair.first.pk, pair.second.pk)


def author_pair_score(rule: str, shared_coauthors: int, shared_papers: int) -> float:
    """0.4 for the name rule's strength, 0.4 for co-authors in common (two give
    0.63 of it), 0.2 for papers on both profiles (one gives 0.63 of it)."""
    return round(
        0.4 * NAME_RULE_STRENGTH[rule]
        + 0.4 * (1 - math.exp(-shared_coauthors / 2))
        + 0.2 * (1 - math.exp(-shared_papers)),
        3,
    )


def duplicate_author_candidates(
    *, limit: int | None = 100, authors: Collection[int] | None = None
) -> list[AuthorPair]:
    """Pairs of live authors whose names may be one person's, best score first.

    ``authors``: only the name blocks holding one of these authors are compared,
    and only their pairs returned (what changed since the last computation).

    Every name variant counts (``AuthorName`` rows and the author's own parts).
    Dismissed pairs are left out. Never merges anything: a queue for curators.
    Queries: the authors, their names, the dismissed pairs, the candidates'
    authorships, their co-authors, then the authors shown: 6 (2 when no two
    names match).
    """
    forms: dict[int, set[NameForm]] = defaultdict(set)
    for author_id, display, family, given in Author.objects.live().values_list(
        "id", "display_name", "family_name", "given_name"
    ):
        forms[author_id].add(NameForm.of(PersonName(family, given), display))
    for author_id, name in AuthorName.objects.live().values_list("author_id", "name"):
        forms[author_id].add(NameForm.parse(name))
    candidates = name_candidate_pairs(forms, only=authors)
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
    for chunk in chunks(involved):
        # The authors are live (read through live() above): live() leaves out the
        # papers merged away and no author.
        for author_id, paper_id in (
            Authorship.objects.live()
            .filter(author_id__in=chunk)
            .values_list("author_id", "paper_id")
        ):
            papers[author_id].add(paper_id)
    small_papers_of, authors_of = coauthorship(involved)

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
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))  # as author_pair_order
    top = scored[:limit]
    shown = authors_by_id({a for s in top for a in (s[1], s[2], *s[6])})
    pairs = []
    for score, low, high, rule, low_form, high_form, common, shared in top:
        if low not in shown or high not in shown:  # deleted meanwhile (an undone split)
            continue
        coauthor_list = sorted(
            (
                SharedCoauthor(shown[c], n_low, n_high)
                for c, (n_low, n_high) in common.items()
                if c in shown
            ),
            key=lambda c: (-(c.with_first + c.with_second), *author_order(c.author)),
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
