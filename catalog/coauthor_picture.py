"""The co-author picture of a profile: where the author, their co-authors and the
lines between them go in an SVG drawn on the server. Pure: names, addresses and
counts in, coordinates out; ``templates/catalog/_coauthor_picture.html`` draws it.

The author sits in the middle; up to MAX_COAUTHORS co-authors (most shared papers
first) sit on a circle around, clockwise from the top, each node's area growing
with the papers shared with the author. A line joins the author to each
co-author (thicker for more shared papers) and two co-authors who wrote papers
of the author's together (a fainter line). Labels stand outside the circle: above the top node,
below the bottom one, outward on the left and right halves, so they never cross
the middle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_COAUTHORS = 20
WIDTH, HEIGHT = 760, 520
RING = 175  # radius of the co-authors' circle
LABEL_CHARS = 28  # longer names are cut (the whole name is in the node's title)


@dataclass(frozen=True)
class Person:
    """A node: who, where their page is, how many papers they share with the author."""

    name: str
    url: str
    shared: int
    x: float
    y: float
    r: float
    label: str  # the name, cut to LABEL_CHARS
    label_x: float
    label_y: float
    anchor: str  # "start" (label to the right) or "end" (to the left)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    papers: int
    first: str  # the two it joins, by name, for the line's title
    second: str


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    author: Person
    coauthors: tuple[Person, ...]
    lines: tuple[Line, ...]  # author to co-authors
    links: tuple[Line, ...]  # between co-authors


def _cut(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _radius(shared: int, most: int) -> float:
    """A node's radius: its area follows the shared papers, 5 to 14 units."""
    return round(5 + 9 * math.sqrt(shared / most), 1) if most else 5.0


def picture(
    *,
    name: str,
    url: str,
    coauthors: Sequence[tuple[str, str, int]],
    links: Mapping[tuple[int, int], int] | None = None,
) -> Picture:
    """The picture of an author (``name``, ``url``) and ``coauthors`` given as
    (name, url, shared papers), most shared first (only the first MAX_COAUTHORS
    are drawn); ``links``: (i, j) -> papers co-authors i and j wrote together
    (indices into ``coauthors``, i < j)."""
    shown = list(coauthors)[:MAX_COAUTHORS]
    cx, cy = WIDTH / 2, HEIGHT / 2
    most = max((s for _, _, s in shown), default=0)
    people = []
    for i, (coauthor, address, shared) in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        x, y = cx + RING * math.cos(angle), cy + RING * math.sin(angle)
        r = _radius(shared, most)
        if abs(math.cos(angle)) < 0.2:  # at the top or the bottom: label above or below
            anchor, label_x = "middle", x
            label_y = y - r - 6 if math.sin(angle) < 0 else y + r + 15
        else:  # on the right or the left half: label outward
            anchor = "start" if math.cos(angle) > 0 else "end"
            label_x = x + (r + 6 if anchor == "start" else -(r + 6))
            label_y = y + 4
        people.append(
            Person(
                name=coauthor,
                url=address,
                shared=shared,
                x=round(x, 1),
                y=round(y, 1),
                r=r,
                label=_cut(coauthor),
                label_x=round(label_x, 1),
                label_y=round(label_y, 1),
                anchor=anchor,
            )
        )
    author = Person(name, url, most, cx, cy, 16.0, _cut(name), cx, round(cy + 34, 1), "middle")
    lines = tuple(
        Line(
            cx,
            cy,
            p.x,
            p.y,
            round(1 + 4 * p.shared / (most or 1), 1),
            p.shared,
            name,
            p.name,
        )
        for p in people
    )
    strongest = max((n for (i, j), n in (links or {}).items() if j < len(people)), default=0)
    between = tuple(
        Line(
            people[i].x,
            people[i].y,
            people[j].x,
            people[j].y,
            round(0.75 + 1.5 * n / strongest, 1),
            n,
            people[i].name,
            people[j].name,
        )
        for (i, j), n in sorted((links or {}).items())
        if j < len(people) and n > 0
    )
    return Picture(WIDTH, HEIGHT, author, tuple(people), lines, between)
