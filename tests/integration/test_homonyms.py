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
