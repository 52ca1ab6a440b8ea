"""The read-only JSON API: content, provenance, filters, pagination, redirects,
permissions, throttling, schema and constant query counts."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from catalog.importing import import_pages
from catalog.models import Author, AuthorSlugAlias, Paper, PaperSlugAlias, SourcePage
from tests.factories import AuthorFactory, PaperFactory
from tests.pages import named_page, write_page

SUTSKEVER = "sutskever-ilya"
ADAPTIVE_SKIP = "adaptive-skip-intervals-temporal-abstraction-for-recurrent-dynamical-models"
GAUSSIAN = "inference-of-nonlinear-partial-differential-equations-via-constrained-gaussian"
SEED_AUTHORS = {"parascandolo-giambattista", SUTSKEVER, "wu-jeff"}
SEED_PAGES = {
    "000_66da5a788456bc5b.txt",
    "001_fa869cb8beed8520.txt",
    "002_35c52ba779523854.txt",
    "003_10db5ee52b695946.txt",
    "004_ecb8618afa550e8b.txt",
}


# --- helpers and fixtures ---------------------------------------------------------------


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def _slugs(payload: dict, key: str = "slug") -> set[str]:
    return {item[key] for item in payload["results"]}


def _slug(ref: dict | None) -> str | None:
    """The slug of a reference (``{"slug", "display_name", "url"}``), None for null."""
    return None if ref is None else ref["slug"]


def _queries(client, url: str) -> tuple[int, dict]:
    """(queries run, JSON payload) for one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.json()


def _import_catalogue(directory: Path, first: int, count: int) -> None:
    """``count`` named pages, one author each, with a paper of their own under a
    venue of their own, and a paper every page shares."""
    directory.mkdir(exist_ok=True)
    files = [
        write_page(
            directory,
            f"page{n:03}.txt",
            named_page(
                f"Family{n:03}, Given",
                [
                    (f"Own paper {n}", f"Venue {n:03}", f"Abstract of own paper {n}."),
                    ("Shared paper", "Venue shared", "The abstract every page shares."),
                ],
            ),
        )
        for n in range(first, first + count)
    ]
    import_pages(files)


def _import_author(directory: Path, name: str, papers: int) -> str:
    """An author with ``papers`` papers, each also claimed by a co-author's page."""
    directory.mkdir()
    entries = [
        (f"{name} paper {n}", f"Venue {n % 3}", f"{name} abstract {n}.") for n in range(papers)
    ]
    import_pages(
        [
            write_page(directory, f"{name}.txt", named_page(f"{name}, Ann", entries)),
            write_page(directory, f"{name}-co.txt", named_page(f"Co{name}, Bob", entries)),
        ]
    )
    return Author.objects.get(family_name=name).slug


def _import_shared_paper(directory: Path, title: str, pages: int) -> str:
    """One paper claimed by ``pages`` named pages (so as many authors and entries)."""
    directory.mkdir()
    entry = (title, "Venue", f"The abstract of {title}.")
    import_pages(
        [
            write_page(directory, f"{title}{n}.txt", named_page(f"{title}writer{n}, Ann", [entry]))
            for n in range(pages)
        ]
    )
    return Paper.objects.get(title=title).slug


def _import_page(directory: Path, name: str, entries: int) -> str:
    directory.mkdir()
    rows = [(f"{name} paper {n}", "Venue", f"{name} abstract {n}.") for n in range(entries)]
    import_pages([write_page(directory, f"{name}.txt", named_page(f"{name}, Ann", rows))])
    return f"{name}.txt"


@pytest.fixture
def tombstone_author(imported_seeds) -> Author:
    """An author merged into Ilya Sutskever (arranged by hand: no merge service yet)."""
    return AuthorFactory(
        slug="ilya-sutskever-duplicate", merged_into=Author.objects.get(slug=SUTSKEVER)
    )


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curator", password="pw")
    user.groups.add(Group.objects.get_or_create(name="curators")[0])
    return user


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("member", password="pw")


@pytest.fixture
def tight_anon_throttle(monkeypatch):
    """Anonymous rate 3/minute. DRF reads rates when the class is defined, so the
    class attribute is patched; the cache holding the request history is cleared."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    yield
    cache.clear()


# --- done-when checks --------------------------------------------------------------------


def test_author_detail_lists_papers_and_coauthors_with_shared_counts(client, imported_seeds):
    author = _get(client, f"/api/authors/{SUTSKEVER}/")

    assert (author["paper_count"], author["papers_url"]) == (
        10,
        f"http://testserver/api/authors/{SUTSKEVER}/papers/",
    )
    assert [(p["slug"], [c["line"] for c in p["claims"]]) for p in author["papers"]] == [
        ("consistency-models", [43]),
        ("formal-mathematics-statement-curriculum-learning", [64]),
        ("gpt-4-technical-report", [29]),
        ("gpt-4o-system-card", [15]),
        ("let-s-verify-step-by-step", [50]),
        ("openai-o1-system-card", [8]),
        ("robust-speech-recognition-via-large-scale-weak-supervision", [57]),
        ("scaling-and-evaluating-sparse-autoencoders", [22]),
        ("unsupervised-neural-machine-translation-with-generative-language-models-only", [71]),
        ("weak-to-strong-generalization-eliciting-strong-capabilities-with-weak", [36]),
    ]
    assert (author["coauthor_count"], author["coauthors_url"]) == (
        2,
        f"http://testserver/api/authors/{SUTSKEVER}/coauthors/",
    )
    assert author["coauthors"] == [
        {
            "slug": "parascandolo-giambattista",
            "display_name": "Giambattista Parascandolo",
            "url": "http://testserver/api/authors/parascandolo-giambattista/",
            "shared": 2,
            "homonym": None,
        },
        {
            "slug": "wu-jeff",
            "display_name": "Jeff Wu",
            "url": "http://testserver/api/authors/wu-jeff/",
            "shared": 2,
            "homonym": None,
        },
    ]


def test_page_list_filtered_unassigned_returns_the_two_anonymous_pages(client, imported_seeds):
    pages = _get(client, "/api/pages/?assigned=false")

    assert [(p["source"], p["kind"], p["label"], p["author"]) for p in pages["results"]] == [
        ("001_fa869cb8beed8520.txt", "anonymous", "Tony", None),
        ("004_ecb8618afa550e8b.txt", "anonymous", "Tony", None),
    ]


# --- authors -------------------------------------------------------------------------------


def test_author_list_holds_live_authors_in_name_order(client, tombstone_author):
    authors = _get(client, "/api/authors/")

    assert [(a["slug"], a["paper_count"]) for a in authors["results"]] == [
        ("parascandolo-giambattista", 9),
        (SUTSKEVER, 10),
        ("wu-jeff", 9),
    ]
    assert authors["count"] == 3


def test_author_detail_shows_names_orcid_and_the_page_lines_claiming_each_paper(
    client, imported_seeds
):
    author = _get(client, "/api/authors/parascandolo-giambattista/")

    claims = {p["slug"]: [(c["source"], c["line"]) for c in p["claims"]] for p in author["papers"]}
    assert claims[ADAPTIVE_SKIP] == [
        ("000_66da5a788456bc5b.txt", 50),
        ("000_66da5a788456bc5b.txt", 64),
    ]
    assert (author["names"], author["orcid"]) == (["Parascandolo, Giambattista"], None)


def test_author_detail_of_merged_author_redirects_to_the_survivor(client, tombstone_author):
    response = client.get("/api/authors/ilya-sutskever-duplicate/")

    assert (response.status_code, response["Location"]) == (301, f"/api/authors/{SUTSKEVER}/")


def test_author_detail_of_old_slug_redirects_keeping_the_query(client, imported_seeds):
    AuthorSlugAlias.objects.create(author=Author.objects.get(slug=SUTSKEVER), slug="i-sutskever")

    response = client.get("/api/authors/i-sutskever/?format=json")

    assert (response.status_code, response["Location"]) == (
        301,
        f"/api/authors/{SUTSKEVER}/?format=json",
    )


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/authors/nobody/", "No author has this address."),
        ("/api/papers/no-such-paper/", "No paper has this address."),
        ("/api/venues/no-such-venue/", "No venue has this address."),
        ("/api/pages/no-such-page.txt/", "No page has this source name."),
        ("/api/authors/not.a.slug/", "Not found."),
        ("/api/no-such-endpoint/", "Not found."),
        ("/api/venues/line%0Abreak.x/", "Not found."),
        # A NUL byte: PostgreSQL refuses it in a query, so it never reaches one.
        ("/api/authors/a%00b/", "Not found."),
        ("/api/papers/%00/", "Not found."),
        ("/api/venues/%00/", "Not found."),
        ("/api/pages/%00.txt/", "Not found."),
        ("/api/pages/a%00.txt/entries/", "Not found."),
        (f"/api/authors/{SUTSKEVER}%00/papers/", "Not found."),
        ("/api/authors/nobody/papers/", "No author has this address."),
        ("/api/papers/no-such-paper/entries/", "No paper has this address."),
        ("/api/pages/no-such-page.txt/entries/", "No page has this source name."),
        (f"/api/pages/{'x' * 3000}.txt/", "No page has this source name."),
    ],
)
def test_unknown_address_is_a_json_404(client, imported_seeds, url, detail):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"], response.json()) == (
        404,
        "application/json",
        {"detail": detail},
    )


def test_retired_author_slug_names_nothing(client, imported_seeds):
    AuthorSlugAlias.objects.create(author=None, slug="withdrawn-author")

    detail = client.get("/api/authors/withdrawn-author/papers/")
    papers = _get(client, "/api/papers/?author=withdrawn-author")
    pages = _get(client, "/api/pages/?author=withdrawn-author")

    assert (detail.status_code, detail.json(), papers["count"], pages["count"]) == (
        404,
        {"detail": "No author has this address."},
        0,
        0,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=lukasz", {"kaiser-lukasz"}),
        ("name=%C5%81UKASZ+kaiser", {"kaiser-lukasz"}),
        ("search=kaiser+%C5%82ukasz", {"kaiser-lukasz"}),
        ("name=ilya+sutskever", {SUTSKEVER}),
        ("has_orcid=true", {"kaiser-lukasz"}),
        ("has_orcid=false", SEED_AUTHORS),
        ("venue=aaai-conferences", {"wu-jeff"}),
        ("venue=well-formed-but-unknown", set()),
        ("name=", {*SEED_AUTHORS, "kaiser-lukasz"}),
    ],
)
def test_author_list_filters(client, imported_seeds, query, expected):
    AuthorFactory(
        family_name="Kaiser",
        given_name="Łukasz",
        slug="kaiser-lukasz",
        orcid="0000-0002-1825-0097",
        shown_name=True,
    )

    assert _slugs(_get(client, f"/api/authors/?{query}")) == expected


@pytest.mark.parametrize(
    "query",
    ["name=ilya+sutskever", "search=sutskever", "has_orcid=false&name=ilya"],
)
def test_author_filters_never_return_a_merged_author(client, tombstone_author, query):
    Author.objects.filter(pk=tombstone_author.pk).update(
        family_name="Sutskever", given_name="Ilya", sort_key="sutskever ilya"
    )

    authors = _get(client, f"/api/authors/?{query}")
    stream = _get(client, f"/api/stream/authors/?{query}")

    assert (_slugs(authors), _slugs(stream)) == ({SUTSKEVER}, {SUTSKEVER})


def test_author_list_orders_by_name_descending(client, imported_seeds):
    authors = _get(client, "/api/authors/?ordering=-name")

    assert [a["slug"] for a in authors["results"]] == [
        "wu-jeff",
        SUTSKEVER,
        "parascandolo-giambattista",
    ]


# --- papers ------------------------------------------------------------------------------


def test_paper_list_holds_live_papers_only(client, imported_seeds):
    survivor = Paper.objects.get(slug=ADAPTIVE_SKIP)
    PaperFactory(slug="adaptive-skip-duplicate", merged_into=survivor)

    papers = _get(client, "/api/papers/?page_size=200")

    assert (papers["count"], len(papers["results"])) == (40, 40)
    assert "adaptive-skip-duplicate" not in _slugs(papers)


def test_paper_detail_shows_venues_authors_with_claims_and_entries(client, imported_seeds):
    paper = _get(client, f"/api/papers/{ADAPTIVE_SKIP}/")

    assert [v["slug"] for v in paper["venues"]] == [
        "neural-information-processing-systems",
        "arxiv-org-machine-learning",
    ]
    assert [
        (a["slug"], a["decided_by"], [(c["source"], c["position"], c["line"]) for c in a["claims"]])
        for a in paper["authors"]
    ] == [
        (
            "parascandolo-giambattista",
            "import",
            [("000_66da5a788456bc5b.txt", 7, 50), ("000_66da5a788456bc5b.txt", 9, 64)],
        )
    ]
    assert (paper["author_count"], paper["entry_count"]) == (1, 2)
    assert [
        (e["source"], e["position"], e["line"], e["venue"], _slug(e["author"]))
        for e in paper["entries"]
    ] == [
        (
            "000_66da5a788456bc5b.txt",
            7,
            50,
            "Neural Information Processing Systems",
            "parascandolo-giambattista",
        ),
        (
            "000_66da5a788456bc5b.txt",
            9,
            64,
            "arXiv.org Machine Learning",
            "parascandolo-giambattista",
        ),
    ]


def test_paper_detail_lists_abstract_only_entries_of_anonymous_pages(client, imported_seeds):
    paper = _get(client, "/api/papers/openai-o1-system-card/")

    assert [(e["source"], e["line"], e["title"], _slug(e["author"])) for e in paper["entries"]] == [
        ("000_66da5a788456bc5b.txt", 8, "OpenAI o1 System Card", "parascandolo-giambattista"),
        ("001_fa869cb8beed8520.txt", 2, "", None),
        ("002_35c52ba779523854.txt", 8, "OpenAI o1 System Card", SUTSKEVER),
        ("004_ecb8618afa550e8b.txt", 2, "", None),
    ]
    assert [a["slug"] for a in paper["authors"]] == ["parascandolo-giambattista", SUTSKEVER]


def test_paper_detail_of_merged_paper_redirects_to_the_survivor(client, imported_seeds):
    PaperFactory(slug="adaptive-skip-duplicate", merged_into=Paper.objects.get(slug=ADAPTIVE_SKIP))

    response = client.get("/api/papers/adaptive-skip-duplicate/")

    assert (response.status_code, response["Location"]) == (301, f"/api/papers/{ADAPTIVE_SKIP}/")


def test_paper_detail_of_merge_chain_redirects_to_the_last_survivor(client, imported_seeds):
    survivor = Paper.objects.get(slug=ADAPTIVE_SKIP)
    middle = PaperFactory(slug="middle", merged_into=survivor)
    PaperFactory(slug="first", merged_into=middle)
    PaperSlugAlias.objects.create(paper=Paper.objects.get(slug="first"), slug="first-old")

    response = client.get("/api/papers/first-old/")

    assert (response.status_code, response["Location"]) == (301, f"/api/papers/{ADAPTIVE_SKIP}/")


@pytest.mark.parametrize(
    ("query", "expected_count"),
    [
        ("has_title=false", 16),
        ("has_title=true", 24),
        ("venue=arxiv-org-machine-learning", 5),
        ("author=wu-jeff", 9),
        ("author=wu-jeff&venue=aaai-conferences", 1),
        ("author=nobody-at-all", 0),
        ("q=gaussian+process", 1),
        ("search=GAUSSIAN+processes", 1),
        ("q=skip+intervals", 1),
    ],
)
def test_paper_list_filters(client, imported_seeds, query, expected_count):
    papers = _get(client, f"/api/papers/?{query}&page_size=200")

    assert (papers["count"], len(papers["results"])) == (expected_count, expected_count)


@pytest.mark.parametrize("query", ["q=adaptive+skip", "search=adaptive+skip", "has_title=true"])
def test_paper_filters_never_return_a_merged_paper(client, imported_seeds, query):
    survivor = Paper.objects.get(slug=ADAPTIVE_SKIP)
    PaperFactory(slug="adaptive-skip-duplicate", title=survivor.title, merged_into=survivor)

    papers = _get(client, f"/api/papers/?{query}&page_size=200")
    stream = _get(client, f"/api/stream/papers/?{query}&page_size=500")

    expected = (
        {ADAPTIVE_SKIP}
        if "skip" in query
        else set(
            Paper.objects.filter(merged_into=None).exclude(title="").values_list("slug", flat=True)
        )
    )
    assert (_slugs(papers), _slugs(stream)) == (expected, expected)


def test_paper_list_filter_by_merged_author_finds_the_survivors_papers(client, tombstone_author):
    papers = _get(client, "/api/papers/?author=ilya-sutskever-duplicate")

    assert papers["count"] == 10


def test_paper_list_filters_by_author_and_words_exactly(client, imported_seeds):
    papers = _get(client, "/api/papers/?author=wu-jeff&q=gaussian")

    assert [(p["title"], [a["slug"] for a in p["authors"]]) for p in papers["results"]] == [
        (
            "Inference of Nonlinear Partial Differential Equations via Constrained "
            "Gaussian Processes",
            ["wu-jeff"],
        )
    ]


def test_paper_list_words_match_word_forms_through_the_full_text_index(client, imported_seeds):
    summarize = _get(client, "/api/papers/?q=summarize&has_title=true")
    part_of_a_word = _get(client, "/api/papers/?q=gauss")  # of "gaussian"

    assert {p["title"] for p in summarize["results"]} == {
        "Learning to summarize from human feedback",
        "Recursively Summarizing Books with Human Feedback",
    }
    assert part_of_a_word["count"] == 0


@pytest.mark.parametrize(
    ("ordering", "order_by"),
    [
        ("title", ("title_key", "slug")),
        ("-title", ("-title_key", "slug")),
        ("created", ("created_at", "slug")),
        ("-created,title", ("-created_at", "title_key", "slug")),
    ],
)
def test_paper_list_ordering_with_slug_tie_breaker(client, imported_seeds, ordering, order_by):
    papers = _get(client, f"/api/papers/?ordering={ordering}&page_size=200")

    live = Paper.objects.filter(merged_into=None).order_by(*order_by)
    assert [p["slug"] for p in papers["results"]] == list(live.values_list("slug", flat=True))


# --- venues and pages ------------------------------------------------------------------


def test_venue_list_counts_papers_and_orders_by_count(client, imported_seeds):
    venues = _get(client, "/api/venues/?ordering=-papers")

    assert [(v["slug"], v["paper_count"]) for v in venues["results"]] == [
        ("arxiv-org-artificial-intelligence", 18),
        ("arxiv-org-machine-learning", 5),
        ("aaai-conferences", 1),
        ("neural-information-processing-systems", 1),
    ]


def test_venue_detail_links_to_its_papers(client, imported_seeds):
    venue = _get(client, "/api/venues/aaai-conferences/")

    assert venue == {
        "slug": "aaai-conferences",
        "url": "http://testserver/api/venues/aaai-conferences/",
        "name": "AAAI Conferences",
        "paper_count": 1,
        "papers_url": "http://testserver/api/papers/?venue=aaai-conferences",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=named", SEED_PAGES - {"001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"}),
        ("kind=anonymous", {"001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"}),
        ("assigned=true", SEED_PAGES - {"001_fa869cb8beed8520.txt", "004_ecb8618afa550e8b.txt"}),
        ("author=wu-jeff", {"003_10db5ee52b695946.txt"}),
        ("author=ilya-sutskever-duplicate", {"002_35c52ba779523854.txt"}),  # merged: survivor
        ("author=nobody-at-all", set()),
        ("", SEED_PAGES),
    ],
)
def test_page_list_filters(client, tombstone_author, query, expected):
    assert _slugs(_get(client, f"/api/pages/?{query}"), key="source") == expected


def test_page_detail_lists_entries_in_page_order_with_their_papers(client, imported_seeds):
    page = _get(client, "/api/pages/002_35c52ba779523854.txt/")

    assert (page["kind"], page["label"], page["assigned"], page["author"]["slug"]) == (
        "named",
        "Sutskever, Ilya",
        True,
        SUTSKEVER,
    )
    assert page["assigned_by"] == "import"
    assert (page["entry_count"], page["entries_url"]) == (
        10,
        "http://testserver/api/pages/002_35c52ba779523854.txt/entries/",
    )
    assert [e["position"] for e in page["entries"]] == list(range(1, 11))
    first = dict(page["entries"][0])
    assert first.pop("abstract").startswith("The o1 model series is trained with large-scale")
    assert first == {
        "position": 1,
        "line": 8,
        "title": "OpenAI o1 System Card",
        "venue": "arXiv.org Artificial Intelligence",
        "author": {
            "slug": SUTSKEVER,
            "display_name": "Ilya Sutskever",
            "url": f"http://testserver/api/authors/{SUTSKEVER}/",
        },
        "paper": {
            "slug": "openai-o1-system-card",
            "title": "OpenAI o1 System Card",
            "url": "http://testserver/api/papers/openai-o1-system-card/",
        },
    }


# --- the whole lists a detail embeds in part ------------------------------------------------


def test_author_papers_list_pages_through_every_paper_with_its_claims(client, imported_seeds):
    first = _get(client, f"/api/authors/{SUTSKEVER}/papers/?page_size=3")
    last = _get(client, f"/api/authors/{SUTSKEVER}/papers/?page_size=3&page=4")

    assert (first["count"], first["next"], last["next"]) == (
        10,
        f"http://testserver/api/authors/{SUTSKEVER}/papers/?page=2&page_size=3",
        None,
    )
    assert first["results"][0] == {
        "slug": "consistency-models",
        "url": "http://testserver/api/papers/consistency-models/",
        "title": "Consistency Models",
        "venues": [
            {
                "slug": "arxiv-org-artificial-intelligence",
                "name": "arXiv.org Artificial Intelligence",
                "url": "http://testserver/api/venues/arxiv-org-artificial-intelligence/",
            }
        ],
        "decided_by": "import",
        "curated": False,
        "claim_count": 1,
        "claims": [
            {
                "source": "002_35c52ba779523854.txt",
                "page": "http://testserver/api/pages/002_35c52ba779523854.txt/",
                "position": 6,
                "line": 43,
            }
        ],
    }
    assert [p["slug"] for p in last["results"]] == [
        "weak-to-strong-generalization-eliciting-strong-capabilities-with-weak"
    ]


def test_author_coauthors_list_ranks_by_shared_papers(client, imported_seeds):
    coauthors = _get(client, "/api/authors/wu-jeff/coauthors/")

    assert (coauthors["count"], [(c["slug"], c["shared"]) for c in coauthors["results"]]) == (
        2,
        [(SUTSKEVER, 2), ("parascandolo-giambattista", 1)],
    )


def test_paper_authors_and_entries_lists_hold_what_the_detail_embeds(client, imported_seeds):
    paper = _get(client, "/api/papers/openai-o1-system-card/")
    authors = _get(client, paper["authors_url"])
    entries = _get(client, paper["entries_url"])

    assert (authors["count"], authors["results"]) == (2, paper["authors"])
    assert (entries["count"], entries["results"]) == (4, paper["entries"])


def test_page_entries_list_pages_through_the_entries_in_page_order(client, imported_seeds):
    entries = _get(client, "/api/pages/001_fa869cb8beed8520.txt/entries/?page_size=4&page=3")

    assert (entries["count"], entries["next"]) == (10, None)
    assert [(e["position"], e["line"], e["author"]) for e in entries["results"]] == [
        (9, 10, None),
        (10, 11, None),
    ]


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (
            "/api/authors/ilya-sutskever-duplicate/papers/?page=2",
            f"/api/authors/{SUTSKEVER}/papers/?page=2",
        ),
        (
            "/api/authors/ilya-sutskever-duplicate/coauthors/",
            f"/api/authors/{SUTSKEVER}/coauthors/",
        ),
        ("/api/papers/adaptive-skip-duplicate/authors/", f"/api/papers/{ADAPTIVE_SKIP}/authors/"),
        ("/api/papers/adaptive-skip-duplicate/entries/", f"/api/papers/{ADAPTIVE_SKIP}/entries/"),
    ],
)
def test_whole_list_of_a_merged_record_redirects_to_the_survivors(
    client, tombstone_author, url, location
):
    PaperFactory(slug="adaptive-skip-duplicate", merged_into=Paper.objects.get(slug=ADAPTIVE_SKIP))

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (301, location)


# (url, queries, items at size 1, at size 30): the record's lookup, the count, the rows
# (+ one per prefetched relation). At size n an author has n papers, a page n entries,
# and a paper n + 1 authors and entries (so that its first author has n co-authors).
SUBLIST_QUERIES = [
    ("/api/authors/{author}/papers/", 5, 1, 30),  # + venues, claims
    ("/api/authors/{coauthored}/coauthors/", 4, 1, 30),
    ("/api/papers/{paper}/authors/", 4, 2, 31),  # + claims
    ("/api/papers/{paper}/entries/", 3, 2, 31),
    ("/api/pages/{page}/entries/", 3, 1, 30),
]


@pytest.mark.parametrize(("url", "queries", "small_items", "large_items"), SUBLIST_QUERIES)
def test_whole_list_runs_the_same_queries_for_1_and_30_items(
    client, db, tmp_path, url, queries, small_items, large_items
):
    def records(size: int) -> dict[str, str]:
        paper = _import_shared_paper(tmp_path / f"paper{size}", f"Shared{size}x", size + 1)
        return {
            "author": _import_author(tmp_path / f"author{size}", f"Author{size}x", size),
            "coauthored": Author.objects.get(family_name=f"Shared{size}xwriter0").slug,
            "paper": paper,
            "page": _import_page(tmp_path / f"page{size}", f"Page{size}x", size),
        }

    small_queries, small = _queries(client, url.format(**records(1)) + "?page_size=200")
    large_queries, large = _queries(client, url.format(**records(30)) + "?page_size=200")

    assert (small_queries, large_queries) == (queries, queries)
    assert (len(small["results"]), len(large["results"])) == (small_items, large_items)


# --- bad input: 400 with a message, never 500 ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        ("/api/authors/?has_orcid=maybe", {"has_orcid": ["Enter true or false."]}),
        ("/api/papers/?has_title=yes", {"has_title": ["Enter true or false."]}),
        ("/api/pages/?assigned=2", {"assigned": ["Enter true or false."]}),
        (
            "/api/pages/?kind=other",
            {"kind": ["Select a valid choice. other is not one of the available choices."]},
        ),
        (
            "/api/papers/?ordering=abstract",
            {"ordering": ["Select a valid choice. abstract is not one of the available choices."]},
        ),
        (
            "/api/papers/?venue=not%20a%20slug",
            {
                "venue": [
                    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                ]
            },
        ),
        ("/api/authors/?name=%00", {"name": ["Null characters are not allowed."]}),
        ("/api/papers/?search=a%00b", {"search": ["Null characters are not allowed."]}),
        ("/api/authors/?page_size=0", {"page_size": ["Enter a whole number from 1 to 200."]}),
        ("/api/papers/?page_size=201", {"page_size": ["Enter a whole number from 1 to 200."]}),
        ("/api/venues/?page_size=ten", {"page_size": ["Enter a whole number from 1 to 200."]}),
        (
            "/api/stream/papers/?page_size=501",
            {"page_size": ["Enter a whole number from 1 to 500."]},
        ),
        (
            f"/api/authors/?name={'x' * 201}",
            {"name": ["Ensure this value has at most 200 characters (it has 201)."]},
        ),
        (
            f"/api/authors/?search={'x' * 100_000}",
            {"search": ["Ensure this value has at most 500 characters (it has 100000)."]},
        ),
        (
            f"/api/stream/papers/?search={'ab+' * 300}",
            {"search": ["Ensure this value has at most 500 characters (it has 900)."]},
        ),
    ],
)
def test_malformed_query_parameter_answers_400_with_a_message(client, imported_seeds, url, errors):
    response = client.get(url)

    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/papers/?page=99", "Invalid page."),
        ("/api/papers/?page=zero", "Invalid page."),
        (f"/api/authors/{SUTSKEVER}/papers/?page=2", "Invalid page."),
        ("/api/stream/papers/?cursor=bogus", "Invalid cursor"),
    ],
)
def test_page_or_cursor_out_of_range_answers_404(client, imported_seeds, url, detail):
    response = client.get(url)

    assert (response.status_code, response.json()) == (404, {"detail": detail})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # 100 words (499 characters): only the first 12 are searched (SQLite refuses a
        # query of a thousand LIKEs), so the 13th and later narrow nothing.
        (f"/api/authors/?search={'+'.join(['ilya'] * 100)}", {SUTSKEVER}),
        (f"/api/papers/?search={'+'.join(['gaussian'] * 12 + ['zzz'] * 40)}", {GAUSSIAN}),
        (f"/api/papers/?q={'+'.join(['gaussian'] * 55)}", {GAUSSIAN}),
    ],
)
def test_search_with_many_words_uses_the_first_twelve(client, imported_seeds, url, expected):
    assert _slugs(_get(client, url)) == expected


# --- pagination ----------------------------------------------------------------------------


def test_page_number_pagination_honours_page_size(client, imported_seeds):
    first = _get(client, "/api/papers/?page_size=15")
    last = _get(client, "/api/papers/?page_size=15&page=3")

    assert (first["count"], len(first["results"]), len(last["results"]), last["next"]) == (
        40,
        15,
        10,
        None,
    )
    assert first["next"] == "http://testserver/api/papers/?page=2&page_size=15"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/api/stream/papers/",
            lambda: set(Paper.objects.filter(merged_into=None).values_list("slug", flat=True)),
        ),
        ("/api/stream/authors/", lambda: SEED_AUTHORS),
        ("/api/stream/pages/", lambda: SEED_PAGES),
    ],
)
def test_cursor_stream_walks_every_live_record_once_in_id_order(
    client, tombstone_author, path, expected
):
    key = "source" if "pages" in path else "slug"
    seen: list[str] = []
    url = f"{path}?page_size=7"
    while url:
        payload = _get(client, url)
        assert "count" not in payload
        seen += [item[key] for item in payload["results"]]
        url = payload["next"]

    model = {"papers": Paper, "authors": Author, "pages": SourcePage}[path.split("/")[3]]
    in_id_order = [getattr(r, key) for r in model.objects.order_by("id") if getattr(r, key) in seen]
    assert (set(seen), len(seen), seen) == (expected(), len(expected()), in_id_order)


def test_cursor_stream_applies_filters(client, imported_seeds):
    papers = _get(client, "/api/stream/papers/?author=wu-jeff&has_title=true")

    assert len(papers["results"]) == 9
    assert papers["next"] is None


# --- constant query counts -----------------------------------------------------------------

# Measured: count + rows (+ one per prefetched relation). The numbers are part of the
# contract: a change that adds a query per row breaks the size comparison, one that adds
# a fixed query changes the number here (update it knowingly).
# (url, queries, rows listed with 2 pages imported, rows with 30). Pages of the
# fixture catalogue: one author each, with an own paper under an own venue, plus one
# paper (under one venue) that every page shares.
LIST_QUERIES = [
    ("/api/authors/", 3, 2, 30),  # count, rows (paper counts: a subquery), shared names
    ("/api/papers/", 4, 3, 31),  # count, rows, venues, authors
    ("/api/venues/", 2, 3, 31),
    ("/api/pages/", 2, 2, 30),  # count, rows (author joined, entry count: a subquery)
    ("/api/stream/authors/", 2, 2, 30),  # a cursor page has no count
    ("/api/stream/papers/", 3, 3, 31),
    ("/api/stream/venues/", 1, 3, 31),
    ("/api/stream/pages/", 1, 2, 30),
    ("/api/authors/?name=family&has_orcid=false&venue=venue-shared", 3, 2, 30),
    ("/api/papers/?venue=venue-shared&q=paper&has_title=true", 4, 1, 1),
    ("/api/papers/?author=family000-given", 5, 2, 2),  # + the author's slug looked up
]


@pytest.mark.parametrize(("url", "queries", "small_rows", "large_rows"), LIST_QUERIES)
def test_list_endpoint_runs_the_same_queries_for_2_and_30_records(
    client, db, tmp_path, url, queries, small_rows, large_rows
):
    _import_catalogue(tmp_path / "first", 0, 2)
    small_queries, small = _queries(client, url)
    _import_catalogue(tmp_path / "more", 2, 28)

    large_queries, large = _queries(client, url)

    assert (small_queries, large_queries) == (queries, queries)
    assert (len(small["results"]), len(large["results"])) == (small_rows, large_rows)


# Details embed at most EMBEDDED (20) items of each growing list: measured at 1 and at
# 30 items, the second shows 20 of them and counts 30, for the same number of queries.


def test_author_detail_runs_the_same_queries_for_1_and_30_papers(client, db, tmp_path):
    one = _import_author(tmp_path / "one", "Single", 1)
    thirty = _import_author(tmp_path / "thirty", "Prolific", 30)

    measured = [_queries(client, f"/api/authors/{slug}/") for slug in (one, thirty)]

    # author, names, paper count, authorships + venues + claims, co-author count + co-authors
    assert [
        (n, a["paper_count"], len(a["papers"]), a["coauthor_count"], len(a["coauthors"]))
        for n, a in measured
    ] == [(9, 1, 1, 1, 1), (9, 30, 20, 1, 1)]


def test_author_detail_embeds_the_20_closest_of_30_coauthors(client, db, tmp_path):
    tmp_path.joinpath("pages").mkdir()
    entry = ("Crowded paper", "Venue", "The abstract of the crowded paper.")
    import_pages(
        [
            write_page(
                tmp_path / "pages", f"w{n:02}.txt", named_page(f"Writer{n:02}, Ann", [entry])
            )
            for n in range(31)
        ]
    )

    queries, author = _queries(client, "/api/authors/writer00-ann/")

    assert (queries, author["coauthor_count"]) == (9, 30)
    assert [c["slug"] for c in author["coauthors"]] == [f"writer{n:02}-ann" for n in range(1, 21)]


def test_paper_detail_runs_the_same_queries_for_1_and_30_authors(client, db, tmp_path):
    one = _import_shared_paper(tmp_path / "one", "Lonely", 1)
    thirty = _import_shared_paper(tmp_path / "thirty", "Crowded", 30)

    measured = [_queries(client, f"/api/papers/{slug}/") for slug in (one, thirty)]

    # paper, counts, venues, authorships + claims, entries
    assert [
        (n, p["author_count"], len(p["authors"]), p["entry_count"], len(p["entries"]))
        for n, p in measured
    ] == [(6, 1, 1, 1, 1), (6, 30, 20, 30, 20)]


def test_page_detail_runs_the_same_queries_for_1_and_30_entries(client, db, tmp_path):
    one = _import_page(tmp_path / "one", "Short", 1)
    thirty = _import_page(tmp_path / "thirty", "Long", 30)

    measured = [_queries(client, f"/api/pages/{source}/") for source in (one, thirty)]

    assert [(n, page["entry_count"], len(page["entries"])) for n, page in measured] == [
        (2, 1, 1),
        (2, 30, 20),
    ]


def test_paper_list_embeds_20_of_30_authors(client, db, tmp_path):
    slug = _import_shared_paper(tmp_path / "thirty", "Crowded", 30)

    papers = _get(client, "/api/papers/")

    [paper] = papers["results"]
    assert (paper["slug"], paper["author_count"], paper["authors_url"]) == (
        slug,
        30,
        f"http://testserver/api/papers/{slug}/authors/",
    )
    whole = _get(client, f"/api/papers/{slug}/authors/?page_size=20")
    assert [a["slug"] for a in paper["authors"]] == [a["slug"] for a in whole["results"]]
    assert (len(paper["authors"]), whole["count"]) == (20, 30)


def test_venue_detail_runs_one_query(client, imported_seeds):
    queries, venue = _queries(client, "/api/venues/aaai-conferences/")

    assert (queries, venue["paper_count"]) == (1, 1)


# --- read-only for everyone ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "member", "curator", "staff"])
@pytest.mark.parametrize(
    ("list_url", "detail_url"),
    [
        ("/api/authors/", f"/api/authors/{SUTSKEVER}/"),
        ("/api/papers/", f"/api/papers/{ADAPTIVE_SKIP}/"),
        ("/api/venues/", "/api/venues/aaai-conferences/"),
        ("/api/pages/", "/api/pages/001_fa869cb8beed8520.txt/"),
        ("/api/stream/papers/", None),
        (f"/api/authors/{SUTSKEVER}/papers/", None),
        ("/api/pages/001_fa869cb8beed8520.txt/entries/", None),
    ],
)
def test_everyone_can_read_and_nobody_can_write(
    client, imported_seeds, django_user_model, curator, member, who, list_url, detail_url
):
    users = {
        "member": member,
        "curator": curator,
        "staff": django_user_model.objects.create_user("staff", password="pw", is_staff=True),
    }
    if who in users:
        client.force_login(users[who])
    refused = 403 if who == "anonymous" else 405  # anonymous: refused before the method
    before = (Author.objects.count(), Paper.objects.count(), SourcePage.objects.count())

    statuses = {
        "GET list": client.get(list_url).status_code,
        "POST": client.post(list_url).status_code,
    }
    if detail_url:
        statuses["GET detail"] = client.get(detail_url).status_code
        for method in ("put", "patch", "delete"):
            statuses[method.upper()] = getattr(client, method)(
                detail_url, data="{}", content_type="application/json"
            ).status_code

    expected = {"GET list": 200, "POST": refused}
    if detail_url:
        expected |= {"GET detail": 200, "PUT": refused, "PATCH": refused, "DELETE": refused}
    assert statuses == expected
    assert (Author.objects.count(), Paper.objects.count(), SourcePage.objects.count()) == before


# --- throttling, schema, docs ------------------------------------------------------------------


def test_anonymous_clients_are_throttled_after_the_rate(
    client, imported_seeds, tight_anon_throttle
):
    responses = [client.get("/api/venues/") for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    assert ("Retry-After" in refused, refused.json()["detail"][:22]) == (
        True,
        "Request was throttled.",
    )


def test_logged_in_clients_are_not_held_to_the_anonymous_rate(
    client, imported_seeds, member, tight_anon_throttle
):
    client.force_login(member)

    statuses = [client.get("/api/venues/").status_code for _ in range(5)]

    assert statuses == [200] * 5


def test_schema_is_openapi_3_with_every_endpoint(client, db):
    response = client.get("/api/schema/?format=json")

    schema = response.json()
    assert (response.status_code, schema["openapi"][:2]) == (200, "3.")
    assert set(schema["paths"]) == {
        "/api/authors/",
        "/api/authors/{slug}/",
        "/api/authors/{slug}/citations/",
        "/api/changes/",
        "/api/papers/{slug}/citation/",
        "/api/authors/{slug}/papers/",
        "/api/authors/{slug}/coauthors/",
        "/api/papers/",
        "/api/papers/{slug}/",
        "/api/papers/{slug}/authors/",
        "/api/papers/{slug}/entries/",
        "/api/venues/",
        "/api/venues/{slug}/",
        "/api/pages/",
        "/api/pages/{source}/",
        "/api/pages/{source}/entries/",
        "/api/stream/authors/",
        "/api/stream/papers/",
        "/api/stream/venues/",
        "/api/stream/pages/",
    }
    responses = schema["paths"]["/api/authors/{slug}/"]["get"]["responses"]
    assert set(responses) == {"200", "301", "404", "429"}
    papers = schema["paths"]["/api/authors/{slug}/papers/"]["get"]
    assert (
        set(papers["responses"]),
        papers["responses"]["200"]["content"]["application/json"]["schema"],
        {p["name"]: p["schema"] for p in papers["parameters"]},
    ) == (
        {"200", "301", "400", "404", "429"},
        {"$ref": "#/components/schemas/PaginatedAuthorPaperList"},
        {
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
            "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        },
    )
    assert set(schema["paths"]["/api/papers/"]["get"]["responses"]) == {"200", "400", "404", "429"}
    stream = schema["paths"]["/api/stream/papers/"]["get"]
    assert {p["name"] for p in stream["parameters"]} == {
        "author",
        "cursor",
        "has_title",
        "page_size",
        "q",
        "search",
        "venue",
    }


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3")


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/authors/",
        f"/api/authors/{SUTSKEVER}/",
        f"/api/authors/{SUTSKEVER}/papers/",
        "/api/papers/",
    ],
)
def test_browsable_api_renders_for_browsers(client, imported_seeds, url):
    response = client.get(url, HTTP_ACCEPT="text/html")

    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")


def test_browsable_author_list_offers_the_search_box(client, imported_seeds):
    response = client.get("/api/authors/?search=ilya", HTTP_ACCEPT="text/html")

    assert 'name="search" value="ilya"' in response.content.decode()


def test_docs_page_serves_swagger_ui_from_local_static_files(client, db):
    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # no script or style from a CDN ("cdn" alone may turn up in a random CSRF token)
    assert re.findall(r"(?:src|href)=\"(https?:)?//", html) == []
    assert "//cdn" not in html.lower()
