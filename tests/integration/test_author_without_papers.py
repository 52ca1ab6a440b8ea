"""An author left with no paper (its only page taken back) is not listed: its
profile answers 410 Gone, public lists, the API list, the sitemap and the
figures leave it out; an undo brings it back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Author, SourcePage
from catalog.selectors import author_list, catalogue_figures
from curation import services

TONY_004 = "004_ecb8618afa550e8b.txt"


@pytest.fixture
def emptied(imported_seeds, curator):
    """Page 004 given to a new author, then taken back: the author holds nothing."""
    page = SourcePage.objects.get(source=TONY_004)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja"))
    author = Author.objects.get(family_name="Nowak")
    unassigned = services.unassign_page(page=SourcePage.objects.get(pk=page.pk), actor=curator)
    author.refresh_from_db()
    return author, unassigned


def test_author_without_papers_is_not_listed(emptied):
    author, _ = emptied

    assert author.has_papers is False
    assert author not in set(author_list())
    assert catalogue_figures().authors == 3


def test_author_without_papers_answers_410_on_its_page_and_in_the_api(emptied, client):
    author, _ = emptied

    page = client.get(author.get_absolute_url())
    api = client.get(reverse("api:author-detail", kwargs={"slug": author.slug}))
    papers = client.get(reverse("api:author-papers", kwargs={"slug": author.slug}))

    assert (page.status_code, api.status_code, papers.status_code) == (410, 410, 410)
    assert "holds no papers any more" in page.content.decode()
    assert api.json() == {"detail": "This author holds no papers any more and is no longer listed."}


def test_author_without_papers_is_left_out_of_lists_and_sitemap(emptied, client):
    author, _ = emptied

    listing = client.get(reverse("catalog:author-list"))
    api_slugs = {a["slug"] for a in client.get(reverse("api:author-list")).json()["results"]}
    sitemap = client.get("/sitemap-authors.xml").content.decode()
    listed = Author.objects.filter(has_papers=True)

    assert author.slug not in listing.content.decode()
    assert all(a.get_absolute_url() in sitemap for a in listed)
    assert api_slugs == {a.slug for a in listed}
    assert author.slug not in sitemap


def test_undo_lists_the_author_again(emptied, curator, client):
    author, unassigned = emptied

    services.undo_action(action=unassigned, actor=curator)
    author.refresh_from_db()

    assert author.has_papers is True
    assert client.get(author.get_absolute_url()).status_code == 200
    assert author in set(author_list())


def test_authors_with_papers_stay_listed(imported_seeds):
    assert set(Author.objects.values_list("has_papers", flat=True)) == {True}
