"""Authors who share a name are told apart in lists: their most frequent venue and
co-author (catalog.homonyms), on the public author list, in the API list and in
the curators' author picker; a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.homonyms import AuthorHint, homonym_hints
from curation import selectors
from tests.factories import (
    AppearanceFactory,
    AuthorFactory,
    AuthorNameFactory,
    AuthorshipFactory,
    PaperFactory,
    VenueFactory,
)


def _author_with(family: str, given: str, venue: str, coauthor: str, papers: int = 2):
    """An author of ``papers`` papers in ``venue``, all written with ``coauthor``."""
    author = AuthorFactory(family_name=family, given_name=given)
    AuthorNameFactory(author=author)
    partner = AuthorFactory(family_name=coauthor, given_name="Co")
    place = VenueFactory(name=venue)
    for _ in range(papers):
        paper = PaperFactory()
        AuthorshipFactory(author=author, paper=paper)
        AuthorshipFactory(author=partner, paper=paper)
        AppearanceFactory(paper=paper, venue=place)
    return author


@pytest.fixture
def namesakes(db):
    return (
        _author_with("Wu", "Jeff", "NeurIPS", "Sutskever", papers=3),
        _author_with("Wu", "Jeff", "Cell", "Doudna"),
    )


def test_homonym_hints_name_the_venue_and_coauthor_of_each_namesake(namesakes):
    ai, bio = namesakes

    hints = homonym_hints([ai, bio, AuthorFactory()])

    assert hints == {
        ai.pk: AuthorHint("NeurIPS", "Co Sutskever", 3),
        bio.pk: AuthorHint("Cell", "Co Doudna", 2),
    }


def test_author_list_tells_namesakes_apart(client, namesakes):
    html = client.get(reverse("catalog:author-list") + "?letter=W").content.decode()

    assert "mostly in <bdi>NeurIPS</bdi>; with <bdi>Co Sutskever</bdi>" in html
    assert "mostly in <bdi>Cell</bdi>; with <bdi>Co Doudna</bdi>" in html


def test_api_author_list_tells_namesakes_apart_and_no_one_else(client, namesakes):
    results = client.get(reverse("api:author-list")).json()["results"]

    assert [r["homonym"] for r in results if r["display_name"] != "Jeff Wu"] == [None] * 2
    assert sorted(
        (r["homonym"]["venue"], r["homonym"]["coauthor"], r["homonym"]["papers"])
        for r in results
        if r["homonym"]
    ) == [("Cell", "Co Doudna", 2), ("NeurIPS", "Co Sutskever", 3)]


def test_author_picker_tells_namesakes_apart(namesakes):
    choices = selectors.author_choices("wu jeff")

    assert {a.pk: a.hint.venue for a in choices} == {
        namesakes[0].pk: "NeurIPS",
        namesakes[1].pk: "Cell",
    }


@pytest.mark.parametrize("pairs", [1, 10])
def test_author_list_queries_do_not_grow_with_namesakes(client, db, pairs):
    for n in range(pairs):
        _author_with(f"Same{n:02d}", "Name", f"Venue A{n}", f"Alpha{n}")
        _author_with(f"Same{n:02d}", "Name", f"Venue B{n}", f"Beta{n}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("catalog:author-list") + "?letter=S")

    assert response.status_code == 200
    assert response.content.decode().count('class="note homonym"') == 2 * pairs
    assert len(queries) == 7  # list (count, rows) + shared names + venues, co-authors, counts


def _namesake_items(html: str) -> list[str]:
    section = html.split('<section class="namesakes"', 1)[1].split("</section>", 1)[0]
    return [item.split("</li>", 1)[0].strip() for item in section.split("<li>")[1:]]


@pytest.mark.parametrize("typed", ["Jeff Wu", "wu, jeff", "  JEFF   WU "])
def test_author_search_for_a_shared_name_opens_a_disambiguation(client, namesakes, typed):
    ai, bio = namesakes

    html = client.get(reverse("catalog:author-list"), {"q": typed}).content.decode()

    assert "2 different people named “Jeff Wu”" in html
    assert _namesake_items(html) == [
        f'<a href="/authors/{ai.slug}/">Wu, Jeff</a>: 3 papers, mostly in <bdi>NeurIPS</bdi>, '
        "most often with <bdi>Co Sutskever</bdi>",
        f'<a href="/authors/{bio.slug}/">Wu, Jeff</a>: 2 papers, mostly in <bdi>Cell</bdi>, '
        "most often with <bdi>Co Doudna</bdi>",
    ]


def test_author_search_for_a_name_of_one_author_has_no_disambiguation(client, namesakes):
    solo = _author_with("Solo", "Han", "Nature", "Organa")

    html = client.get(reverse("catalog:author-list"), {"q": "Han Solo"}).content.decode()

    assert ('class="namesakes"' in html, f'href="/authors/{solo.slug}/"' in html) == (False, True)


def test_author_search_for_part_of_a_shared_name_has_no_disambiguation(client, namesakes):
    html = client.get(reverse("catalog:author-list"), {"q": "Wu"}).content.decode()

    assert 'class="namesakes"' not in html


def test_author_list_by_letter_has_no_disambiguation(client, namesakes):
    html = client.get(reverse("catalog:author-list"), {"letter": "W"}).content.decode()

    assert 'class="namesakes"' not in html


def test_disambiguation_leaves_out_merged_and_paperless_namesakes(client, namesakes):
    ai, bio = namesakes
    AuthorFactory(family_name="Wu", given_name="Jeff", has_papers=False)
    AuthorFactory(family_name="Wu", given_name="Jeff", merged_into=ai)

    html = client.get(reverse("catalog:author-list"), {"q": "Jeff Wu"}).content.decode()

    assert [item.split('"')[1] for item in _namesake_items(html)] == [
        f"/authors/{ai.slug}/",
        f"/authors/{bio.slug}/",
    ]


def test_disambiguation_escapes_what_came_from_pages(client, db):
    for venue in ("<script>alert(1)</script>", "Cell"):
        _author_with("Wu", "Jeff", venue, "O'Brien & <b>")

    html = client.get(reverse("catalog:author-list"), {"q": "Jeff Wu"}).content.decode()

    assert ("<script>alert(1)" in html, "&lt;script&gt;alert(1)&lt;/script&gt;" in html) == (
        False,
        True,
    )
    assert "Co O&#x27;Brien &amp; &lt;b&gt;" in html


def test_profile_coauthors_tell_namesakes_apart(client, namesakes):
    ai, bio = namesakes
    writer = AuthorFactory(family_name="Zed", given_name="Zoe")
    for namesake in (ai, bio):
        AuthorshipFactory(author=writer, paper=namesake.authorships.first().paper)

    html = client.get(writer.get_absolute_url()).content.decode()
    aside = html.split('class="coauthors"', 1)[1].split("</aside>", 1)[0]

    assert aside.count('class="note homonym"') == 2
    assert "(mostly in <bdi>NeurIPS</bdi>; with <bdi>Co Sutskever</bdi>)" in aside
    assert "(mostly in <bdi>Cell</bdi>; with <bdi>Co Doudna</bdi>)" in aside


def test_search_page_tells_namesakes_apart(client, namesakes):
    html = client.get(reverse("catalog:search"), {"q": "Jeff Wu"}).content.decode()
    hits = html.split('id="author-hits"', 1)[1].split("</section>", 1)[0]

    assert hits.count('class="note homonym"') == 2


def test_api_coauthors_tell_namesakes_apart(client, namesakes):
    ai, bio = namesakes
    writer = AuthorFactory(family_name="Zed", given_name="Zoe")
    for namesake in (ai, bio):
        AuthorshipFactory(author=writer, paper=namesake.authorships.first().paper)

    detail = client.get(reverse("api:author-detail", args=[writer.slug])).json()
    whole = client.get(reverse("api:author-coauthors", args=[writer.slug])).json()["results"]

    partners = {c["slug"] for c in whole} - {ai.slug, bio.slug}
    expected = {
        ai.slug: {"venue": "NeurIPS", "coauthor": "Co Sutskever", "papers": 3},
        bio.slug: {"venue": "Cell", "coauthor": "Co Doudna", "papers": 2},
    } | dict.fromkeys(partners)
    assert {c["slug"]: c["homonym"] for c in detail["coauthors"]} == expected
    assert {c["slug"]: c["homonym"] for c in whole} == expected
    assert detail["homonym"] is None


@pytest.mark.parametrize("namesake_count", [2, 12])
def test_disambiguation_runs_the_same_queries_for_2_and_12_namesakes(client, db, namesake_count):
    for i in range(namesake_count):
        _author_with("Wu", "Jeff", f"Venue {i}", f"Partner{i}")
    url = reverse("catalog:author-list") + "?q=Jeff+Wu"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert (response.status_code, len(_namesake_items(response.content.decode()))) == (
        200,
        namesake_count,
    )
    assert len(queries) == 12
