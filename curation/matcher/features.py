"""The evidence that a page belongs to a candidate author, as numbers a model weighs.

A page lists papers; the catalogue knows some of them (``PageFacts.authors_of``:
known paper -> the live authors listing it). What separates the page's owner
from a co-author is not how many of the page's papers each holds (a close
co-author may hold more than the owner's incomplete profile) but the shape of
the evidence together: the owner's profile covers most of the known papers,
links (by other papers written together) to the authors of the rest, writes
about the same things in the same venues, and the page is a small part of a
large profile rather than all of a small one. Each feature below is one such
fact, in [0, 1] or a small log; ``*_gap`` features compare a candidate with the
best of the others on the same page, so a page's candidates are judged against
each other.

Pure: plain values in and out, no Django; unit-tested on its own. The numbers
are weighed by :mod:`curation.matcher.model`; the queries that gather the facts
are in :mod:`curation.finders.page_facts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

# Feature names, in the order of the model's weights (model.json lists them too).
FEATURES = (
    "weighted_cover",  # the same, rarer papers (on fewer profiles) weighing more
    "cover_gap",  # cover minus the best other candidate's
    "explained",  # share of listed papers held, or written by someone the author wrote with
    "explained_gap",
    "reach",  # share of the authors of the page's papers the author is, or wrote with
    "reach_gap",
    "reach_gap_outside",  # reach_gap x the share of the profile outside the page
    "text",  # cosine of the page's words and the profile's other papers'
    "text_gap",
    "close_share",  # share of the profile's other papers close to the page's words
    "venue",  # share of the page's venues found among the profile's other papers
    "known_share",  # share of the page's entries the catalogue lists on any profile
)

CLOSE_PAPER = 0.12  # cosine above which one of the author's papers is "close" to the page


@dataclass(frozen=True)
class PageFacts:
    """What the catalogue knows of one page.

    ``authors_of``: each known live paper on the page -> the live authors listing
    it (authorships only the page itself claims left out); ``venues``: the venue
    ids of the page's entries.
    """

    entries: int
    authors_of: Mapping[int, frozenset[int]]
    venues: frozenset[int] = frozenset()

    @property
    def listed(self) -> list[int]:
        """The page's papers that at least one profile lists."""
        return [paper for paper, authors in self.authors_of.items() if authors]


@dataclass(frozen=True)
class CandidateFacts:
    """What the catalogue knows of one candidate author, relative to the page.

    ``profile_papers``: the author's live papers; ``links``: authors they wrote
    papers with that are not on the page; ``text``: cosine of the page's words and
    the words of the author's other papers; ``close_papers`` of ``other_papers``
    (the newest compared) have a cosine of at least CLOSE_PAPER; ``venues``:
    venue ids of the author's other papers.
    """

    profile_papers: int
    links: frozenset[int] = frozenset()
    text: float = 0.0
    close_papers: int = 0
    other_papers: int = 0
    venues: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Evidence:
    """The counts behind a candidate's features, for the words a curator reads."""

    known: int  # papers of the page some profile lists
    held: int  # of those, on this profile
    only_here: int  # of those held, on no other profile
    linked: int  # known papers not held, written by someone this author wrote with
    close_papers: int  # of the author's other papers, close to the page's words
    other_papers: int
    venues_shared: int  # of the page's venues, found among the author's other papers
    page_venues: int
    profile_papers: int
    text: float

    def as_dict(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def rarity(profiles: int) -> float:
    """What a shared paper says: 1 / log2(1 + the profiles listing it)."""
    return 1.0 / math.log2(1 + max(profiles, 1))


def evidence(page: PageFacts, author_id: int, facts: CandidateFacts) -> Evidence:
    listed = page.listed
    held = [p for p in listed if author_id in page.authors_of[p]]
    linked = [
        p
        for p in listed
        if author_id not in page.authors_of[p] and page.authors_of[p] & facts.links
    ]
    return Evidence(
        known=len(listed),
        held=len(held),
        only_here=sum(page.authors_of[p] == {author_id} for p in held),
        linked=len(linked),
        close_papers=facts.close_papers,
        other_papers=facts.other_papers,
        venues_shared=len(page.venues & facts.venues),
        page_venues=len(page.venues),
        profile_papers=facts.profile_papers,
        text=facts.text,
    )


def features(
    page: PageFacts, candidates: Mapping[int, CandidateFacts]
) -> dict[int, tuple[float, ...]]:
    """Each candidate's feature values, in the order of FEATURES."""
    listed = page.listed
    weights = {p: rarity(len(page.authors_of[p])) for p in listed}
    total_weight = sum(weights.values())
    page_authors = frozenset().union(*page.authors_of.values())
    raw: dict[int, dict[str, float]] = {}
    for author_id, facts in candidates.items():
        found = evidence(page, author_id, facts)
        held_weight = sum(w for p, w in weights.items() if author_id in page.authors_of[p])
        raw[author_id] = {
            "cover": _share(found.held, found.known),
            "held": found.held,
            "weighted_cover": held_weight / total_weight if total_weight else 0.0,
            "exclusive": _share(found.only_here, found.known),
            "explained": _share(found.held + found.linked, found.known),
            "log_profile": math.log1p(facts.profile_papers),
            "text": facts.text,
            "reach": _share(len(page_authors & (facts.links | {author_id})), len(page_authors)),
            "close_share": _share(facts.close_papers, facts.other_papers),
            "venue": _share(found.venues_shared, found.page_venues),
        }
    page_values = {
        "known_share": _share(len(listed), page.entries),
        "log_entries": math.log1p(page.entries),
        "single": float(len(candidates) == 1),
    }
    gaps = (
        ("cover_gap", "cover"),
        ("explained_gap", "explained"),
        ("reach_gap", "reach"),
        ("text_gap", "text"),
    )
    for gap, base in gaps:
        for author_id, values in raw.items():
            others = [v[base] for a, v in raw.items() if a != author_id]
            values[gap] = values[base] - max(others, default=0.0)
    for author_id, values in raw.items():
        # Links outside the page say more when the page is a small part of the profile.
        outside = 1.0 - _share(values["held"], candidates[author_id].profile_papers)
        values["reach_gap_outside"] = values["reach_gap"] * outside

    return {
        author_id: tuple(round({**values, **page_values}[name], 4) for name in FEATURES)
        for author_id, values in raw.items()
    }


def _share(part: int, whole: int) -> float:
    return min(1.0, part / whole) if whole else 0.0


def evidence_words(found: Evidence) -> list[str]:
    """The evidence in a curator's words, strongest facts first."""
    said = []
    if found.known:
        line = f"holds {found.held} of the page's {found.known} known paper{_s(found.known)}"
        if found.only_here:
            line += f"; {found.only_here} of them on no other profile"
        said.append(line)
    if found.linked:
        said.append(
            f"wrote other papers with the authors of {found.linked} more of the page's papers"
        )
    if found.other_papers:
        said.append(
            f"abstracts and titles close to {found.close_papers} of the author's "
            f"{found.other_papers} other paper{_s(found.other_papers)}"
        )
    if found.page_venues:
        said.append(
            f"{found.venues_shared} of the page's {found.page_venues} "
            f"venue{_s(found.page_venues)} among the author's other papers"
        )
    said.append(f"profile of {found.profile_papers} paper{_s(found.profile_papers)}")
    return said


def _s(count: int) -> str:
    return "" if count == 1 else "s"
