"""Citations on the API (``/api/papers/<slug>/citation/``, ``/api/authors/<slug>/citations/``)
in BibTeX, RIS and CSL-JSON: content, negotiation, redirects, errors, constant queries,
and the public pages' links to them."""

import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.api import citing
from catalog.citations import ABSTRACT_ONLY_NOTE
from catalog.models import Author, AuthorSlugAlias, Paper, PaperSlugAlias, SourcePage
from curation import services
from tests.factories import (
    AppearanceFactory,
    AuthorFactory,
    AuthorshipFactory,
    PaperFactory,
    VenueFactory,
)

BIBTEX = "application/x-bibtex; charset=utf-8"
RIS = "application/x-research-info-systems; charset=utf-8"
CSL_JSON = "application/vnd.citationstyles.csl+json; charset=utf-8"
JSON = "application/json; charset=utf-8"
ADA_PAPERS = ["bernoulli-numbers", "elements-of-calculus", "notes-on-the-engine", "untitled-note"]
TONY_004 = "004_ecb8618afa550e8b.txt"


# --- helpers and fixtures ------------------------------------------------------------------


def _paper(slug: str, title: str, abstract: str, venues, authors):
    paper = PaperFactory(slug=slug, title=title, abstract=abstract)
    for venue in venues:
        AppearanceFactory(paper=paper, venue=venue)
    for author in authors:
        AuthorshipFactory(paper=paper, author=author)
    return paper


def _bibtex(body: str) -> dict[str, dict[str, str]]:
    """{key: {field: decoded value}}, in file order."""
    library = bibtexparser.parse_string(body, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def _keys(fmt: str, body: str) -> list[str]:
    """The citation keys of a body in format ``fmt``, in order."""
    if fmt == "bibtex":
        return list(_bibtex(body))
    if fmt == "ris":
        return [record["id"] for record in rispy.loads(body)]
    return [item["id"] for item in json.loads(body)]


@pytest.fixture
def ada(db) -> Author:
    """Ada Lovelace with three titled papers (one shared with Charles Babbage and the
    Analytical Society, under two venues) and an abstract-only one."""
    ada = AuthorFactory(family_name="Lovelace", given_name="Ada", slug="lovelace-ada")
    charles = AuthorFactory(family_name="Babbage", given_name="Charles", slug="babbage-charles")
    society = AuthorFactory(
        family_name="",
        given_name="",
        display_name="Analytical Society",
        sort_key="analytical society",
        slug="analytical-society",
    )
    journal = VenueFactory(name="Journal of Engines")
    proceedings = VenueFactory(name="Proceedings & Notes")
    _paper(
        "notes-on-the-engine",
        "Notes on the Engine",
        "Translator's notes, 100% & more.",
        [proceedings, journal],
        [ada, charles, society],
    )
    _paper("untitled-note", "", "An abstract with no title.", [journal], [ada])
    _paper("bernoulli-numbers", "Bernoulli numbers", "Table of numbers.", [journal], [ada])
    _paper("elements-of-calculus", "Éléments of calculus", "On limits.", [], [ada])
    return ada


@pytest.fixture
def emptied(imported_seeds, curator) -> Author:
    """Page 004 given to a new author, then taken back: the author holds nothing."""
    page = SourcePage.objects.get(source=TONY_004)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja"))
    services.unassign_page(page=SourcePage.objects.get(pk=page.pk), actor=curator)
    return Author.objects.get(family_name="Nowak")


# --- content in every format -----------------------------------------------------------------

FORMATS = [
    # (format, content type, file extension)
    ("bibtex", BIBTEX, "bib"),
    ("ris", RIS, "ris"),
    ("csl-json", CSL_JSON, "json"),
    ("json", JSON, "json"),
]


@pytest.mark.parametrize(("fmt", "content_type", "extension"), FORMATS)
def test_author_citations_list_every_paper_titled_first_in_each_format(
    client, ada, fmt, content_type, extension
):
    response = client.get(f"/api/authors/lovelace-ada/citations/?format={fmt}")

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        _keys(fmt, response.content.decode()),
    ) == (
        200,
        content_type,
        f'attachment; filename="lovelace-ada.{extension}"',
        ADA_PAPERS,
    )


@pytest.mark.parametrize(("fmt", "content_type", "extension"), FORMATS)
def test_paper_citation_holds_the_one_paper_in_each_format(
    client, ada, fmt, content_type, extension
):
    response = client.get(f"/api/papers/notes-on-the-engine/citation/?format={fmt}")

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        _keys(fmt, response.content.decode()),
    ) == (
        200,
        content_type,
        f'attachment; filename="notes-on-the-engine.{extension}"',
        ["notes-on-the-engine"],
    )


def test_paper_citation_in_bibtex_holds_what_the_catalogue_knows(client, ada):
    response = client.get("/api/papers/notes-on-the-engine/citation/?format=bibtex")

    assert _bibtex(response.content.decode()) == {
        "notes-on-the-engine": {
            "title": "Notes on the Engine",
            "author": "Analytical Society and Babbage, Charles and Lovelace, Ada",
            "howpublished": "Journal of Engines",
            "abstract": "Translator's notes, 100% & more.",
            "note": "Also listed under: Proceedings & Notes.",
            "url": "http://testserver/papers/notes-on-the-engine/",
        }
    }


def test_paper_citation_in_ris_holds_what_the_catalogue_knows(client, ada):
    response = client.get("/api/papers/notes-on-the-engine/citation/?format=ris")

    assert rispy.loads(response.content.decode()) == [
        {
            "type_of_reference": "GEN",
            "id": "notes-on-the-engine",
            "title": "Notes on the Engine",
            "authors": ["Analytical Society", "Babbage, Charles", "Lovelace, Ada"],
            "secondary_title": "Journal of Engines",
            "abstract": "Translator's notes, 100% & more.",
            "notes": ["Also listed under: Proceedings & Notes."],
            "urls": ["http://testserver/papers/notes-on-the-engine/"],
        }
    ]


def test_paper_citation_in_csl_json_holds_what_the_catalogue_knows(client, ada):
    response = client.get("/api/papers/notes-on-the-engine/citation/?format=csl-json")

    assert response.json() == [
        {
            "id": "notes-on-the-engine",
            "type": "article",
            "title": "Notes on the Engine",
            "author": [
                {"literal": "Analytical Society"},
                {"family": "Babbage", "given": "Charles"},
                {"family": "Lovelace", "given": "Ada"},
            ],
            "container-title": "Journal of Engines",
            "abstract": "Translator's notes, 100% & more.",
            "note": "Also listed under: Proceedings & Notes.",
            "URL": "http://testserver/papers/notes-on-the-engine/",
        }
    ]


def test_abstract_only_paper_citation_has_no_title_and_says_so(client, ada):
    response = client.get("/api/papers/untitled-note/citation/?format=bibtex")

    assert _bibtex(response.content.decode()) == {
        "untitled-note": {
            "author": "Lovelace, Ada",
            "howpublished": "Journal of Engines",
            "abstract": "An abstract with no title.",
            "note": ABSTRACT_ONLY_NOTE,
            "url": "http://testserver/papers/untitled-note/",
        }
    }


def test_paper_with_more_authors_than_cited_ends_the_bibtex_list_with_others(
    client, ada, monkeypatch
):
    monkeypatch.setattr(citing, "CITED_AUTHORS", 2)

    bib = client.get("/api/papers/notes-on-the-engine/citation/?format=bibtex")
    ris = client.get("/api/papers/notes-on-the-engine/citation/?format=ris")

    assert _bibtex(bib.content.decode())["notes-on-the-engine"]["author"] == (
        "Analytical Society and Babbage, Charles and others"
    )
    assert rispy.loads(ris.content.decode())[0]["authors"] == [
        "Analytical Society",
        "Babbage, Charles",
    ]


def test_paper_with_as_many_authors_as_cited_names_them_all(client, ada, monkeypatch):
    monkeypatch.setattr(citing, "CITED_AUTHORS", 3)

    response = client.get("/api/papers/notes-on-the-engine/citation/?format=bibtex")

    assert _bibtex(response.content.decode())["notes-on-the-engine"]["author"] == (
        "Analytical Society and Babbage, Charles and Lovelace, Ada"
    )


# --- content negotiation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "content_type", "extension"),
    [
        ("application/x-bibtex", "bibtex", BIBTEX, "bib"),
        ("application/x-research-info-systems", "ris", RIS, "ris"),
        ("application/vnd.citationstyles.csl+json", "csl-json", CSL_JSON, "json"),
        ("application/json", "json", JSON, "json"),
        ("*/*", "csl-json", CSL_JSON, "json"),
    ],
)
def test_citation_format_follows_the_accept_header(
    client, ada, accept, fmt, content_type, extension
):
    response = client.get("/api/authors/lovelace-ada/citations/", headers={"accept": accept})

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        _keys(fmt, response.content.decode()),
    ) == (200, content_type, f'attachment; filename="lovelace-ada.{extension}"', ADA_PAPERS)


def test_citation_without_accept_header_is_csl_json(client, ada):
    response = client.get("/api/papers/bernoulli-numbers/citation/")

    assert (response.status_code, response["Content-Type"], _keys("json", response.content)) == (
        200,
        CSL_JSON,
        ["bernoulli-numbers"],
    )


def test_citation_in_html_is_not_acceptable(client, ada):
    response = client.get(
        "/api/papers/bernoulli-numbers/citation/", headers={"accept": "text/html"}
    )

    assert (response.status_code, response.get("Content-Disposition")) == (406, None)


# --- redirects and errors ---------------------------------------------------------------------


def test_citation_of_merged_paper_redirects_to_the_survivor_keeping_the_query(client, ada, curator):
    duplicate = _paper("bernoulli-duplicate", "Bernoulli Numbers", "", [], [ada])
    services.merge_papers(
        survivor=Paper.objects.get(slug="bernoulli-numbers"), others=[duplicate], actor=curator
    )

    response = client.get("/api/papers/bernoulli-duplicate/citation/?format=ris")

    assert (response.status_code, response["Location"]) == (
        301,
        "/api/papers/bernoulli-numbers/citation/?format=ris",
    )


def test_citation_of_old_paper_slug_redirects_to_the_new_one(client, ada):
    PaperSlugAlias.objects.create(
        paper=Paper.objects.get(slug="bernoulli-numbers"), slug="bernoulli-old"
    )

    response = client.get("/api/papers/bernoulli-old/citation/?format=bibtex")

    assert (response.status_code, response["Location"]) == (
        301,
        "/api/papers/bernoulli-numbers/citation/?format=bibtex",
    )


def test_citations_of_merged_author_redirect_to_the_survivor_keeping_the_query(
    client, ada, curator
):
    duplicate = AuthorFactory(family_name="Lovelace", given_name="A.", slug="lovelace-a")
    _paper("on-looms", "On looms", "Jacquard cards.", [], [duplicate])
    services.merge_authors(survivor=ada, others=[duplicate], actor=curator)

    response = client.get("/api/authors/lovelace-a/citations/?format=bibtex")
    followed = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (
        301,
        "/api/authors/lovelace-ada/citations/?format=bibtex",
    )
    assert (followed.status_code, list(_bibtex(followed.content.decode()))) == (
        200,
        [*ADA_PAPERS[:3], "on-looms", ADA_PAPERS[3]],
    )


def test_citations_of_old_author_slug_redirect_without_a_query(client, ada):
    AuthorSlugAlias.objects.create(author=ada, slug="countess-of-lovelace")

    response = client.get("/api/authors/countess-of-lovelace/citations/")

    assert (response.status_code, response["Location"]) == (
        301,
        "/api/authors/lovelace-ada/citations/",
    )


def test_citations_of_author_without_papers_answer_410(client, emptied):
    response = client.get(f"/api/authors/{emptied.slug}/citations/?format=bibtex")

    assert (response.status_code, response["Content-Type"], response.content) == (
        410,
        BIBTEX,
        b"This author holds no papers any more and is no longer listed.\n",
    )


@pytest.mark.parametrize(
    ("url", "content_type", "body"),
    [
        (
            "/api/papers/no-such-paper/citation/?format=bibtex",
            BIBTEX,
            b"No paper has this address.\n",
        ),
        ("/api/authors/nobody/citations/?format=bibtex", BIBTEX, b"No author has this address.\n"),
        ("/api/authors/nobody/citations/?format=ris", RIS, b"No author has this address.\n"),
    ],
)
def test_citation_of_unknown_slug_is_a_404_with_the_detail_as_text(
    client, ada, url, content_type, body
):
    response = client.get(url)

    assert (
        response.status_code,
        response["Content-Type"],
        response.content,
        response.get("Content-Disposition"),
    ) == (404, content_type, body, None)


# --- constant queries ----------------------------------------------------------------------------


def _prolific_author(name: str, papers: int) -> Author:
    """An author with ``papers`` papers, each with three co-authors and two venues, and
    an abstract-only paper."""
    author = AuthorFactory(family_name=name, slug=name.lower())
    venues = [VenueFactory(), VenueFactory()]
    for n in range(papers):
        _paper(
            f"{name.lower()}-{n:02d}",
            f"{name} paper {n:02d}",
            f"{name} abstract {n}.",
            venues,
            [author, AuthorFactory(), AuthorFactory(), AuthorFactory()],
        )
    _paper(f"{name.lower()}-untitled", "", f"{name} untitled abstract.", venues, [author])
    return author


def _queries(client, url: str) -> tuple[int, str]:
    """(queries run, body) for one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.decode()


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_author_citations_run_the_same_queries_for_2_and_12_papers(client, db, fmt):
    few = _prolific_author("Few", 2)
    many = _prolific_author("Many", 12)

    measured = [
        _queries(client, f"/api/authors/{author.slug}/citations/?format={fmt}")
        for author in (few, many)
    ]

    # the author; the papers; their venues; their first authors
    assert [(n, len(_keys(fmt, body))) for n, body in measured] == [(4, 3), (4, 13)]


# --- links from the public pages -------------------------------------------------------------


def _cite_links(html: str) -> list[tuple[str, str]]:
    [paragraph] = re.findall(r'<p class="cite">(.*?)</p>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', paragraph)


@pytest.mark.parametrize(
    ("page", "api"),
    [
        ("/authors/lovelace-ada/", "/api/authors/lovelace-ada/citations/"),
        ("/papers/notes-on-the-engine/", "/api/papers/notes-on-the-engine/citation/"),
    ],
)
def test_public_page_links_to_its_citations_in_three_formats(client, ada, page, api):
    response = client.get(page)

    links = _cite_links(response.content.decode())
    assert (response.status_code, links) == (
        200,
        [
            (f"{api}?format=bibtex", "BibTeX"),
            (f"{api}?format=ris", "RIS"),
            (f"{api}?format=csl-json", "CSL-JSON"),
        ],
    )
    assert [client.get(href)["Content-Type"] for href, _ in links] == [BIBTEX, RIS, CSL_JSON]
