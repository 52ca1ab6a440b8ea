"""The co-author picture's layout: pure coordinates, sizes and labels, no Django."""

import math

import pytest

from catalog.coauthor_picture import MAX_COAUTHORS, Line, picture

CENTRE = (380.0, 260.0)  # the middle of the 760 x 520 picture
RING = 175.0


def _coauthors(*shared: int) -> list[tuple[str, str, int]]:
    """(name, url, shared papers) of co-authors named C0, C1, ... in this order."""
    return [(f"C{i}", f"/authors/c{i}/", n) for i, n in enumerate(shared)]


def _picture(*shared: int, links=None):
    return picture(name="Ana Main", url="/authors/ana/", coauthors=_coauthors(*shared), links=links)


def test_picture_puts_the_first_coauthor_straight_above_the_centre():
    result = _picture(3, 2, 1)

    first = result.coauthors[0]
    assert (result.author.x, result.author.y) == CENTRE
    assert (first.x, first.y) == (380.0, 85.0)


def test_picture_places_four_coauthors_clockwise_from_the_top():
    result = _picture(4, 3, 2, 1)

    assert [(p.name, p.x, p.y) for p in result.coauthors] == [
        ("C0", 380.0, 85.0),  # top
        ("C1", 555.0, 260.0),  # right
        ("C2", 380.0, 435.0),  # bottom
        ("C3", 205.0, 260.0),  # left
    ]


def test_picture_keeps_every_coauthor_at_the_same_distance_from_the_centre():
    result = _picture(*range(7, 0, -1))

    distances = [math.hypot(p.x - CENTRE[0], p.y - CENTRE[1]) for p in result.coauthors]
    # On screen (y grows downwards) clockwise from the top is a growing angle from -90.
    turns = [
        (math.degrees(math.atan2(p.y - CENTRE[1], p.x - CENTRE[0])) + 90) % 360
        for p in result.coauthors
    ]
    assert distances == pytest.approx([RING] * 7, abs=0.1)
    assert turns == pytest.approx([360 * i / 7 for i in range(7)], abs=0.1)


def test_picture_gives_the_most_shared_coauthor_the_largest_node():
    result = _picture(9, 4, 1)

    assert [p.r for p in result.coauthors] == [14.0, 11.0, 8.0]


def test_picture_node_radius_follows_the_square_root_of_shared_papers():
    shared = (100, 25, 1)

    result = _picture(*shared)

    assert [p.r for p in result.coauthors] == [14.0, 9.5, 5.9]  # 5 + 9 * sqrt(n / 100)
    assert [((p.r - 5) / 9) ** 2 for p in result.coauthors] == pytest.approx(
        [n / 100 for n in shared], abs=0.01
    )


def test_picture_draws_only_the_first_twenty_of_twenty_five():
    result = _picture(*range(25, 0, -1))

    assert MAX_COAUTHORS == 20
    assert [p.name for p in result.coauthors] == [f"C{i}" for i in range(20)]
    assert [(line.first, line.second) for line in result.lines] == [
        ("Ana Main", f"C{i}") for i in range(20)
    ]


def test_picture_cuts_a_long_name_in_the_label_only():
    long_name = "Maximiliana Alexandrina Featherstonehaugh-Smythe"

    result = picture(
        name="Ana Main", url="/authors/ana/", coauthors=[(long_name, "/authors/max/", 1)]
    )

    node = result.coauthors[0]
    assert (node.name, node.label) == (long_name, "Maximiliana Alexandrina Fea…")


def test_picture_cut_label_drops_a_trailing_space_before_the_ellipsis():
    name = "Ana Maria de la Cruz Gomez y Fernandez"  # a space is the 27th character

    result = picture(name="Ana Main", url="/authors/ana/", coauthors=[(name, "/a/", 1)])

    assert result.coauthors[0].label == "Ana Maria de la Cruz Gomez…"


def test_picture_keeps_a_name_of_twenty_eight_characters_whole():
    name = "Bartholomew Quincy Zimmerman"  # 28 characters

    result = picture(name="Ana Main", url="/authors/ana/", coauthors=[(name, "/b/", 1)])

    assert result.coauthors[0].label == name


def test_picture_labels_stand_outside_the_ring_of_four():
    result = _picture(4, 4, 4, 4)

    assert [(p.anchor, p.label_x, p.label_y) for p in result.coauthors] == [
        ("middle", 380.0, 65.0),  # top: above its node (85 - 14 - 6)
        ("start", 575.0, 264.0),  # right: to its right (555 + 14 + 6)
        ("middle", 380.0, 464.0),  # bottom: below its node (435 + 14 + 15)
        ("end", 185.0, 264.0),  # left: to its left (205 - 14 - 6)
    ]


def test_picture_spokes_grow_with_shared_papers():
    result = _picture(4, 2, 1)

    assert result.lines == (
        Line(380.0, 260.0, 380.0, 85.0, 5.0, 4, "Ana Main", "C0"),
        Line(380.0, 260.0, 531.6, 347.5, 3.0, 2, "Ana Main", "C1"),
        Line(380.0, 260.0, 228.4, 347.5, 2.0, 1, "Ana Main", "C2"),
    )


def test_picture_links_only_pairs_among_the_drawn_coauthors():
    links = {(0, 1): 4, (0, 2): 2, (1, 20): 9, (5, 21): 1, (3, 4): 0}

    result = _picture(*range(22, 0, -1), links=links)

    first, second, third = result.coauthors[:3]
    # Widths from 0.75 to 2.25 by the strongest drawn link (4, not the 9 of (1, 20)).
    assert result.links == (
        Line(first.x, first.y, second.x, second.y, 2.2, 4, "C0", "C1"),
        Line(first.x, first.y, third.x, third.y, 1.5, 2, "C0", "C2"),
    )


def test_picture_without_coauthors_holds_the_author_alone():
    result = picture(name="Ana Main", url="/authors/ana/", coauthors=[], links={})

    assert (result.width, result.height, result.coauthors, result.lines, result.links) == (
        760,
        520,
        (),
        (),
        (),
    )
    author = result.author
    assert (author.name, author.url, author.x, author.y, author.r, author.shared) == (
        "Ana Main",
        "/authors/ana/",
        380.0,
        260.0,
        16.0,
        0,
    )
