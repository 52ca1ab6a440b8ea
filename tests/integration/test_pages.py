"""Public HTML pages: content, redirects, conditional GET, escaping, constant queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.importing import import_pages
from catalog.models import Author, AuthorSlugAlias, Paper, PaperSlugAlias
from curation import services
from tests.factories import AppearanceFactory, AuthorFactory, AuthorshipFactory, PaperFactory
from tests.pages import named_page, write_page


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _import_author(tmp_path, name: str, papers: int, coauthor_pages: int = 0) -> Author:
    """A named page with ``papers`` papers, and pages of co-authors sharing them."""
    entries = [
        (f"Paper {name} {n}", f"Venue {n % 3}", f"Abstract {name} {n}.") for n in range(papers)
    ]
    files = [write_page(tmp_path, f"{name}.txt", named_page(f"{name}, Main", entries))]
    for k in range(coauthor_pages):
        files.append(
            write_page(tmp_path, f"{name}-co{k}.txt", named_page(f"Co{k}, Ann", entries[:2]))
        )
    import_pages(files)
    return Author.objects.get(family_name=name)


def test_home_shows_the_catalogue_figures(client, imported_seeds):
    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.authors, figures.papers, figures.venues, figures.unassigned_pages) == (
        3,
        40,
        4,
        2,
    )


def test_author_profile_lists_papers_and_coauthors_with_shared_counts(client, imported_seeds):
    response = client.get("/authors/sutskever-ilya/")

    assert response.status_code == 200
    assert response.context["paper_page"].paginator.count == 10
    assert {(c.display_name, c.shared) for c in response.context["coauthors"]} == {
        ("Giambattista Parascandolo", 2),
        ("Jeff Wu", 2),
    }


def test_author_profile_shows_the_source_lines_of_each_paper(client, imported_seeds):
    response = client.get("/authors/parascandolo-giambattista/")

    sources = {
        authorship.paper.title: [(e.page.source, e.line) for e in authorship.entries.all()]
        for authorship in response.context["paper_page"]
    }
    assert sources[
        "Adaptive Skip Intervals: Temporal Abstraction for Recurrent Dynamical Models"
    ] == [
        ("000_66da5a788456bc5b.txt", 50),
        ("000_66da5a788456bc5b.txt", 64),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sutskever ilya", {"Ilya Sutskever"}),
        ("Ilya Sutskever", {"Ilya Sutskever"}),
        ("Sutskever, Ilya", {"Ilya Sutskever"}),
        ("WU", {"Jeff Wu"}),
        ("nobody", set()),
    ],
)
def test_author_list_search_finds_any_name_form(client, imported_seeds, query, expected):
    response = client.get(reverse("catalog:author-list"), {"q": query})

    assert {a.display_name for a in response.context["authors"]} == expected


def test_author_list_search_ignores_diacritics(client, tmp_path, db):
    import_pages([write_page(tmp_path, "k.txt", named_page("Kaiser, Łukasz", [("T", "V", "A.")]))])

    response = client.get(reverse("catalog:author-list"), {"q": "lukasz"})

    assert [a.display_name for a in response.context["authors"]] == ["Łukasz Kaiser"]


def test_author_list_letter_filters_by_family_name(client, imported_seeds):
    response = client.get(reverse("catalog:author-list"), {"letter": "p"})

    assert [a.display_name for a in response.context["authors"]] == ["Giambattista Parascandolo"]


def test_paper_page_marks_an_abstract_only_paper(client, imported_seeds):
    paper = Paper.objects.filter(title="").order_by("slug").first()

    response = client.get(paper.get_absolute_url())

    assert response.status_code == 200
    assert "Untitled paper" in response.content.decode()
    assert response.context["authorships"] == []


def test_venue_page_lists_its_papers(client, imported_seeds):
    response = client.get("/venues/aaai-conferences/")

    assert [p.title for p in response.context["paper_page"]] == [
        "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov "
        "Decision Process"
    ]


def test_search_finds_papers_by_words_in_title_and_abstract(client, imported_seeds):
    response = client.get(reverse("catalog:search"), {"q": "sparse autoencoders"})

    assert [p.title for p in response.context["paper_page"]] == [
        "Scaling and evaluating sparse autoencoders"
    ]
    assert "<mark>sparse</mark>" in response.content.decode()


def test_merged_author_answers_301_to_the_end_of_the_chain(client, imported_seeds):
    survivor = Author.objects.get(slug="sutskever-ilya")
    middle = AuthorFactory(merged_into=survivor)
    first = AuthorFactory(merged_into=middle)

    response = client.get(f"/authors/{first.slug}/")

    assert (response.status_code, response["Location"]) == (301, "/authors/sutskever-ilya/")


def test_old_paper_slug_answers_301(client, imported_seeds):
    paper = Paper.objects.get(title="Consistency Models")
    PaperSlugAlias.objects.create(paper=paper, slug="untitled-diffusion-models")

    response = client.get("/papers/untitled-diffusion-models/")

    assert (response.status_code, response["Location"]) == (301, "/papers/consistency-models/")


def test_old_author_slug_of_a_merged_author_answers_301(client, imported_seeds):
    survivor = Author.objects.get(slug="wu-jeff")
    merged = AuthorFactory(merged_into=survivor)
    AuthorSlugAlias.objects.create(author=merged, slug="jeff-wu-old")

    response = client.get("/authors/jeff-wu-old/")

    assert (response.status_code, response["Location"]) == (301, "/authors/wu-jeff/")


@pytest.mark.parametrize("url", ["/authors/nobody/", "/papers/nothing/", "/venues/nowhere/"])
def test_unknown_record_is_a_404_page(client, imported_seeds, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "No author, paper or page has this address" in response.content.decode()


def test_pages_answer_conditional_requests_with_304(client, imported_seeds):
    first = client.get("/authors/sutskever-ilya/")

    by_etag = client.get("/authors/sutskever-ilya/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/authors/sutskever-ilya/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (first.status_code, by_etag.status_code, by_date.status_code) == (200, 304, 304)


def test_text_from_pages_is_escaped(client, tmp_path, db):
    title = '<script>alert("x")</script> Evil & Co'
    import_pages(
        [write_page(tmp_path, "x.txt", named_page("Hacker, <b>Bob</b>", [(title, "V", "A.")]))]
    )
    paper = Paper.objects.get()

    paper_html = client.get(paper.get_absolute_url()).content.decode()
    author_html = client.get(Author.objects.get().get_absolute_url()).content.decode()

    assert "<script>alert" not in paper_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Evil &amp; Co" in paper_html
    assert "<b>Bob</b>" not in author_html


def test_sitemap_lists_live_records(client, imported_seeds):
    response = client.get("/sitemap-authors.xml")

    assert response.status_code == 200
    assert response.content.decode().count("<url>") == 3


@pytest.mark.parametrize("papers", [1, 30])
def test_author_profile_queries_do_not_grow_with_papers(client, tmp_path, db, papers):
    author = _import_author(tmp_path, "Big", papers, coauthor_pages=3)

    status, queries = _queries(client, author.get_absolute_url())

    assert (status, queries) == (200, 9)


@pytest.mark.parametrize("authors", [2, 30])
def test_author_list_queries_do_not_grow_with_authors(client, tmp_path, db, authors):
    for n in range(authors):
        _import_author(tmp_path, f"Fam{n}", 2)

    status, queries = _queries(client, reverse("catalog:author-list"))

    assert (status, queries) == (200, 4)  # + the names another listed author shares


@pytest.mark.parametrize("papers", [1, 30])
def test_venue_and_search_queries_do_not_grow_with_papers(client, tmp_path, db, papers):
    _import_author(tmp_path, "Venue", papers, coauthor_pages=2)

    venue = _queries(client, "/venues/venue-0/")
    search = _queries(client, reverse("catalog:search") + "?q=paper")

    assert (venue, search) == ((200, 6), (200, 5))


@pytest.mark.parametrize("authors", [1, 20])
def test_paper_page_queries_do_not_grow_with_authors(client, db, authors):
    paper = PaperFactory()
    for _ in range(authors):
        paper.authorships.create(author=AuthorFactory(), decided_by="import")

    status, queries = _queries(client, paper.get_absolute_url())

    assert (status, queries) == (200, 4)


def test_health_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")


def test_page_is_served_from_cache_until_what_it_shows_changes(client, imported_seeds, curator):
    url = "/authors/sutskever-ilya/"
    _, first = _queries(client, url)
    _, cached = _queries(client, url)
    services.edit_author(
        author=Author.objects.get(slug="sutskever-ilya"),
        actor=curator,
        family_name="Sutskever",
        given_name="Ilya S.",
    )

    response = client.get(url)

    assert (first, cached) == (9, 1)
    assert "<h1>Ilya S. Sutskever</h1>" in response.content.decode()


def test_signed_in_users_never_get_a_cached_page(client, imported_seeds, django_user_model):
    url = "/authors/sutskever-ilya/"
    client.get(url)  # cached for anonymous readers
    client.force_login(django_user_model.objects.create_user("curator", password="pw"))

    _, queries = _queries(client, url)

    # A full render (9) plus the session, the user and the curator check of the
    # header's links: not the 1 of a cached page.
    assert queries == 12


def test_page_cache_is_off_when_its_lifetime_is_zero(client, imported_seeds, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = "/authors/sutskever-ilya/"
    client.get(url)

    _, queries = _queries(client, url)

    assert queries == 9


def test_venue_page_counts_live_papers_only(client, tmp_path, db, curator):
    _import_author(tmp_path, "Venue", 7)  # papers 0, 3 and 6 are listed under Venue 0
    first, second, _ = Paper.objects.filter(appearances__venue__slug="venue-0").order_by("id")
    services.merge_papers(survivor=first, others=[second], actor=curator)

    page = client.get("/venues/venue-0/").context["paper_page"]

    assert (page.paginator.count, len(page.object_list)) == (2, 2)


@pytest.mark.parametrize("prefix", ["/", "/catalogue/"])
def test_record_urls_equal_what_reverse_gives(db, prefix):
    from django.urls import set_script_prefix

    from catalog.models import Venue

    set_script_prefix(prefix)
    try:
        records = [AuthorFactory(slug="wu-jeff-2"), PaperFactory(slug="a_b-1")]
        records.append(Venue(slug="neurips"))
        urls = [r.get_absolute_url() for r in records]
        expected = [
            reverse(f"catalog:{name}-detail", kwargs={"slug": r.slug})
            for name, r in zip(["author", "paper", "venue"], records, strict=True)
        ]
    finally:
        set_script_prefix("/")

    assert urls == expected
    assert urls[0] == f"{prefix}authors/wu-jeff-2/"


@pytest.mark.parametrize("url", ["/venues/{venue}/", "/search/?q=consortium"])
def test_lists_show_the_first_authors_of_a_paper_and_the_count(client, db, url):
    paper = PaperFactory(title="Consortium measurement")
    venue = AppearanceFactory(paper=paper).venue
    for n in range(15):
        AuthorshipFactory(paper=paper, author=AuthorFactory(family_name=f"Member{n:02d}"))

    html = client.get(url.format(venue=venue.slug)).content.decode()

    shown = sorted(set(re.findall(r"Member\d\d", html)))
    assert (shown, "15 authors" in html) == ([f"Member{n:02d}" for n in range(10)], True)
