"""The co-author picture of a public profile: drawn from the co-authors the page
reads, escaped, at a constant number of queries, and cached with the page."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Author, Paper
from catalog.selectors import coauthor_links
from curation import services
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
RLO = "\u202e"


def _iso(name: str) -> str:
    """A name as the picture's titles and description hold it: between bidi isolates."""
    return f"\u2068{name}\u2069"


def _author(name: str) -> Author:
    given, family = name.split(" ", 1)
    return AuthorFactory(given_name=given, family_name=family)


def _paper(*authors: Author) -> Paper:
    paper = PaperFactory()
    for author in authors:
        AuthorshipFactory(paper=paper, author=author)
    return paper


def _ring(size: int) -> tuple[Author, list[Author]]:
    """An author and ``size`` co-authors, co-author k sharing k + 1 papers with the
    author: paper m has the author and co-authors m and after, so co-authors i < j
    also wrote i + 1 papers together."""
    main = _author("Ana Main")
    coauthors = [AuthorFactory() for _ in range(size)]
    for m in range(size):
        _paper(main, *coauthors[m:])
    return main, coauthors


def _svg(html: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", html, flags=re.S)
    assert match is not None, "the page holds no SVG"
    return ET.fromstring(match.group())


def _hrefs(svg: ET.Element) -> list[str]:
    return [a.get("href") for a in svg.iter(f"{SVG}a")]


def _group(svg: ET.Element, name: str) -> ET.Element:
    return next(g for g in svg.iter(f"{SVG}g") if g.get("class") == name)


def _nodes(svg: ET.Element) -> dict[str, tuple[str, str]]:
    """Each co-author's link address -> (cx, cy) of its circle."""
    return {
        a.get("href"): (a.find(f"{SVG}circle").get("cx"), a.find(f"{SVG}circle").get("cy"))
        for a in _group(svg, "people")
    }


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def test_profile_picture_links_the_twenty_coauthors_with_most_shared_papers(client, db):
    main, coauthors = _ring(25)

    html = client.get(main.get_absolute_url()).content.decode()

    most_shared_first = [c.get_absolute_url() for c in reversed(coauthors)]
    assert _hrefs(_svg(html)) == most_shared_first[:20]


def test_profile_picture_links_every_coauthor_of_a_small_set(client, db):
    main, coauthors = _ring(3)

    html = client.get(main.get_absolute_url()).content.decode()

    assert set(_hrefs(_svg(html))) == {c.get_absolute_url() for c in coauthors}


def test_profile_picture_describes_each_coauthor_with_shared_papers(client, db):
    main, bo, cy, di = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen", "Di Diaz"))
    for _ in range(3):
        _paper(main, bo)
    _paper(main, cy)
    _paper(main, cy)
    _paper(main, di)
    _paper(main, bo, cy)

    svg = _svg(client.get(main.get_absolute_url()).content.decode())

    assert svg.find(f"{SVG}title").text == f"{_iso('Ana Main')} and 3 co-authors"
    assert svg.find(f"{SVG}desc").text == (
        f"{_iso('Ana Main')} in the middle; around, the co-authors with most shared papers: "
        f"{_iso('Bo Berg')} (4 shared), {_iso('Cy Chen')} (3 shared), {_iso('Di Diaz')} "
        "(1 shared). Fainter lines join co-authors who wrote some of these papers together."
    )
    assert [a.find(f"{SVG}title").text for a in _group(svg, "people")] == [
        f"{_iso('Bo Berg')}: 4 shared papers",
        f"{_iso('Cy Chen')}: 3 shared papers",
        f"{_iso('Di Diaz')}: 1 shared paper",
    ]


def test_profile_picture_joins_only_coauthors_who_wrote_together(client, db):
    main, bo, cy, di = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen", "Di Diaz"))
    _paper(main, bo, cy)  # Bo and Cy together, with the author (twice)
    _paper(main, bo, cy)
    _paper(bo, cy)  # and without: not the author's, no line
    _paper(main, di)  # Di wrote with neither

    svg = _svg(client.get(main.get_absolute_url()).content.decode())

    nodes = _nodes(svg)
    links = [
        (
            line.get("x1"),
            line.get("y1"),
            line.get("x2"),
            line.get("y2"),
            line.find(f"{SVG}title").text,
        )
        for line in _group(svg, "links")
    ]
    bo_at, cy_at = nodes[bo.get_absolute_url()], nodes[cy.get_absolute_url()]
    assert links == [
        (*bo_at, *cy_at, f"{_iso('Bo Berg')} and {_iso('Cy Chen')}: 2 papers together")
    ]
    assert [line.find(f"{SVG}title").text for line in _group(svg, "spokes")] == [
        f"{_iso('Ana Main')} and {_iso('Bo Berg')}: 2 shared papers",
        f"{_iso('Ana Main')} and {_iso('Cy Chen')}: 2 shared papers",
        f"{_iso('Ana Main')} and {_iso('Di Diaz')}: 1 shared paper",
    ]


def test_profile_picture_without_links_says_nothing_of_fainter_lines(client, db):
    main, bo, cy = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen"))
    _paper(main, bo)
    _paper(main, cy)

    svg = _svg(client.get(main.get_absolute_url()).content.decode())

    assert list(_group(svg, "links")) == []
    assert svg.find(f"{SVG}desc").text == (
        f"{_iso('Ana Main')} in the middle; around, the co-authors with most shared papers: "
        f"{_iso('Bo Berg')} (1 shared), {_iso('Cy Chen')} (1 shared)."
    )


def test_profile_picture_escapes_a_hostile_coauthor_name(client, db):
    hostile = f'Eve {RLO}"&<> <script>alert(1)</script>'
    main = _author("Ana Main")
    _paper(main, AuthorFactory(display_name=hostile))

    html = client.get(main.get_absolute_url()).content.decode()

    svg = re.search(r'<section [^>]*class="coauthor-picture">.*?</section>', html, re.S).group()
    escaped = f"Eve {RLO}&quot;&amp;&lt;&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
    label = f"Eve {RLO}&quot;&amp;&lt;&gt; &lt;script&gt;alert(1)&lt;…"  # 27 characters + …
    assert f"shared papers: {_iso(escaped)} (1 shared).</desc>" in svg
    assert f"<title>{_iso(escaped)}: 1 shared paper</title>" in svg
    assert f"<title>{_iso('Ana Main')} and {_iso(escaped)}: 1 shared paper</title>" in svg
    assert f'text-anchor="middle">{label}</text>' in svg
    assert "<script>alert(1)</script>" not in html
    assert '"&<>' not in svg
    # The override stays a character (escaping is for markup): the desc, the two
    # titles and the label, which stands in a <text> the style sheet isolates.
    assert svg.count(RLO) == 4
    css = (ROOT / "static" / "css" / "site.css").read_text()
    assert re.search(r"\.coauthor-picture text \{[^}]*unicode-bidi: isolate", css)


def test_profile_without_coauthors_has_no_picture(client, db):
    main = _author("Ana Main")
    _paper(main)

    response = client.get(main.get_absolute_url())

    html = response.content.decode()
    assert (response.status_code, "coauthor-picture" in html, "<svg" in html) == (
        200,
        False,
        False,
    )


@pytest.mark.parametrize("size", [2, 25])
def test_profile_queries_do_not_grow_with_coauthors(client, db, size):
    main, _ = _ring(size)

    status, queries = _queries(client, main.get_absolute_url())

    # A profile's 9 queries, as tests/integration/test_pages.py counts them (the
    # picture's links one of them): the same for 2 co-authors as for 25.
    assert (status, queries) == (200, 9)


def test_profile_picture_is_part_of_the_cached_page(client, db):
    main, _ = _ring(3)
    url = main.get_absolute_url()
    first = client.get(url)

    second = client.get(url)

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    first_svg = re.search(r"<svg .*?</svg>", first.content.decode(), re.S).group()
    second_svg = re.search(r"<svg .*?</svg>", second.content.decode(), re.S).group()
    assert second_svg == first_svg


def _merge_scene() -> tuple[Author, Author, Author]:
    """Ana Main with Bo Berg (2 shared papers) and Cy Chen (1), who wrote one more
    paper together."""
    main, bo, cy = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen"))
    _paper(main, bo)
    _paper(main, bo)
    _paper(main, cy)
    _paper(bo, cy)
    return main, bo, cy


def test_merging_two_coauthors_under_a_new_name_renews_the_picture(client, db, curator):
    main, bo, cy = _merge_scene()
    url = main.get_absolute_url()
    before = client.get(url)
    cached = client.get(url)

    services.merge_authors(survivor=bo, others=[cy], actor=curator, display_name="Berg, Bo B.")
    after = client.get(url)

    svg = _svg(after.content.decode())
    assert (before["X-Page-Cache"], cached["X-Page-Cache"], after["X-Page-Cache"]) == (
        "miss",
        "hit",
        "miss",
    )
    assert _hrefs(_svg(before.content.decode())) == [bo.get_absolute_url(), cy.get_absolute_url()]
    assert _hrefs(svg) == [bo.get_absolute_url()]
    assert [a.find(f"{SVG}title").text for a in _group(svg, "people")] == [
        f"{_iso('Bo B. Berg')}: 3 shared papers"
    ]
    assert list(_group(svg, "links")) == []


def test_merging_two_coauthors_renews_the_picture(client, db, curator):
    main, bo, cy = _merge_scene()
    url = main.get_absolute_url()
    client.get(url)
    client.get(url)  # cached

    services.merge_authors(survivor=bo, others=[cy], actor=curator)
    after = client.get(url)

    assert (after["X-Page-Cache"], _hrefs(_svg(after.content.decode()))) == (
        "miss",
        [bo.get_absolute_url()],
    )


def test_profile_picture_draws_no_line_for_papers_written_without_the_author(client, db):
    main, bo, cy = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen"))
    _paper(main, bo)
    _paper(main, cy)
    _paper(bo, cy)  # theirs, not Ana's: a change to it does not renew her page

    svg = _svg(client.get(main.get_absolute_url()).content.decode())

    assert list(_group(svg, "links")) == []


def test_merging_papers_of_the_author_renews_the_line_between_coauthors(client, db, curator):
    main, bo, cy = (_author(n) for n in ("Ana Main", "Bo Berg", "Cy Chen"))
    first, second = _paper(main, bo, cy), _paper(main, bo, cy)
    url = main.get_absolute_url()
    client.get(url)  # cached: "2 papers together"

    services.merge_papers(survivor=first, others=[second], actor=curator)
    after = client.get(url)

    svg = _svg(after.content.decode())
    assert [line.find(f"{SVG}title").text for line in _group(svg, "links")] == [
        "\u2068Bo Berg\u2069 and \u2068Cy Chen\u2069: 1 paper together"
    ]


def test_coauthor_links_counts_the_papers_each_pair_wrote_together(db):
    main = _author("Ana Main")
    bo, cy, di, ed = (_author(n) for n in ("Bo Berg", "Cy Chen", "Di Diaz", "Ed Eng"))
    _paper(main, bo, cy, di)
    _paper(main, bo, cy)
    _paper(main, di, ed)  # Ed is not asked about
    _paper(bo, di)  # not Ana's
    _paper(main, bo)

    links = coauthor_links(main, [di.pk, cy.pk, bo.pk])

    assert links == {
        (bo.pk, cy.pk): 2,
        (bo.pk, di.pk): 1,
        (cy.pk, di.pk): 1,
    }


def test_coauthor_links_ignores_merged_papers(db, curator):
    main, bo, cy = _author("Ana Main"), _author("Bo Berg"), _author("Cy Chen")
    first, second = _paper(main, bo, cy), _paper(main, bo, cy)
    tombstone = PaperFactory(merged_into=first)  # a tombstone still holding authorships
    for author in (main, bo, cy):
        AuthorshipFactory(paper=tombstone, author=author)
    before = coauthor_links(main, [bo.pk, cy.pk])

    services.merge_papers(survivor=first, others=[second], actor=curator)

    assert (before, coauthor_links(main, [bo.pk, cy.pk])) == (
        {(bo.pk, cy.pk): 2},
        {(bo.pk, cy.pk): 1},
    )
