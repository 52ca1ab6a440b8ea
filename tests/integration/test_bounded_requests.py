"""One accepted page file cannot exhaust the server: a named page just under the
10 MB limit with 12,284 entries, in its two hostile shapes (12,284 distinct papers;
one abstract shared by every entry, so one paper claimed 12,284 times), costs every
page that shows it a fixed number of queries and a bounded number of rows.

Rows are counted as model instances built during the request (``post_init``), which
is what the ORM fetched; a page's whole file text is never among what is loaded.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from catalog.importing import import_pages
from catalog.models import Author, Authorship, Paper, SourcePage
from tests.pages import named_page, write_page

ENTRIES = 12_284
# Model instances one request may build, whatever the file: the paper page's 100
# entries, each with its page, authorship and author, are the most.
MAX_ROWS = 500
FILLER = "We measure robust estimators of curvature under sparse sampling noise. " * 10


def _entries(shape: str) -> list[tuple[str, str, str]]:
    return [
        (
            f"Curvature estimation study number {n}",
            "arXiv.org Machine Learning",
            FILLER if shape == "shared" else f"Case {n}. {FILLER}",
        )
        for n in range(ENTRIES)
    ]


@pytest.fixture(params=["distinct", "shared"])
def huge_page(request, db, tmp_path, settings) -> str:
    settings.PAGE_CACHE_SECONDS = 0
    text = named_page("Hostile, Page", _entries(request.param))
    assert 9_000_000 < len(text.encode()) < settings.IMPORT_MAX_FILE_BYTES
    report = import_pages([write_page(tmp_path, "huge.txt", text)])
    assert [r.status for r in report.results] == ["new"]
    return request.param


def _measure(client, url: str) -> tuple[int, int, int, int]:
    """Status, queries, model instances built, and the largest text value fetched."""
    built: Counter[str] = Counter()

    def count(sender, instance, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    finally:
        post_init.disconnect(count)
    return response.status_code, len(queries), sum(built.values()), len(response.content)


def _urls() -> dict[str, str]:
    author = Author.objects.get(slug="hostile-page")
    paper = Paper.objects.order_by("pk").first()
    page = SourcePage.objects.get()
    authorship = Authorship.objects.filter(paper=paper).get()
    return {
        "profile": f"/authors/{author.slug}/",
        "paper": f"/papers/{paper.slug}/",
        "api author": f"/api/authors/{author.slug}/",
        "api paper": f"/api/papers/{paper.slug}/",
        "api author papers": f"/api/authors/{author.slug}/papers/",
        "admin author": f"/admin/catalog/author/{author.pk}/change/",
        "admin paper": f"/admin/catalog/paper/{paper.pk}/change/",
        "admin page": f"/admin/catalog/sourcepage/{page.pk}/change/",
        "admin authorship": f"/admin/catalog/authorship/{authorship.pk}/change/",
        "admin entries": "/admin/catalog/sourceentry/",
        "admin pages": "/admin/catalog/sourcepage/",
    }


def test_bounded_requests_every_page_of_a_huge_file_costs_fixed_queries_and_rows(
    huge_page, client, admin_user
):
    client.force_login(admin_user)
    urls = _urls()
    for url in urls.values():  # warm the per-process caches (content types, sessions)
        client.get(url)

    measured = {name: _measure(client, url) for name, url in urls.items()}

    # Signed in: each count includes the session and the user (2 queries).
    assert {name: (status, queries) for name, (status, queries, _, _) in measured.items()} == {
        "profile": (200, 9),
        "paper": (200, 7),
        "api author": (200, 11),
        "api paper": (200, 8),
        "api author papers": (200, 7),
        "admin author": (200, 7),
        "admin paper": (200, 12),
        "admin page": (200, 7),
        "admin authorship": (200, 7),
        "admin entries": (200, 5),
        "admin pages": (200, 4),
    }
    assert {name: rows for name, (_, _, rows, _) in measured.items() if rows > MAX_ROWS} == {}
    # No response carries the file's text (about 10 MB): the admin shows its start.
    assert {name: size for name, (*_, size) in measured.items() if size > 1_000_000} == {}


def test_bounded_requests_long_lists_say_how_many_and_link_to_all(huge_page, client, admin_user):
    client.force_login(admin_user)
    urls = _urls()
    paper = Paper.objects.order_by("pk").first()
    page = SourcePage.objects.get()

    profile = client.get(urls["profile"]).content.decode()
    paper_page = client.get(urls["paper"]).content.decode()
    admin_page = client.get(urls["admin page"]).content.decode()

    if huge_page == "shared":
        assert "Sources (12284)" in profile
        assert f'all 12284 on <a href="/papers/{paper.slug}/">' in profile
        assert "Page 1 of 123" in paper_page
    else:
        assert "Page 1 of 246" in profile
    assert (
        f'<a href="/admin/catalog/sourceentry/?page__id__exact={page.pk}">all 12284, in their own'
        in admin_page
    )
    assert "[... the first 20,000 of" in admin_page
