"""Profile status: an author is "confirmed" once a curator assigned it a page, merged,
split or edited it, "imported" otherwise; ``curator_changed_at`` follows any curator's
change. Both follow the actions not undone (curation.services.status), the data
migration fills them, and the public pages and the API show and filter them."""

from __future__ import annotations

import html
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.importing import import_pages
from catalog.models import Author, DecidedBy, Paper, SourcePage
from catalog.views import CACHE_HEADER
from curation import services
from curation.models import DismissedPair
from tests.pages import named_page, write_page

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
ILYA = "sutskever-ilya"
WU = "wu-jeff"
GIAMBA = "parascandolo-giambattista"
SEED_AUTHORS = {GIAMBA, ILYA, WU}
ORCID = "0000-0002-1825-0097"
IMPORTED = ("imported", None, None)
PDE = "Inference of Nonlinear Partial Differential Equations via Constrained Gaussian Processes"
MDP = "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov Decision Process"


# --- helpers ----------------------------------------------------------------------------


def _author(slug: str) -> Author:
    return Author.objects.get(slug=slug)


def _page(source: str) -> SourcePage:
    return SourcePage.objects.get(source=source)


def _status(author: Author) -> tuple[str, object, object]:
    """(status, confirmed_at, curator_changed_at) as stored now."""
    author = Author.objects.get(pk=author.pk)
    return author.status, author.confirmed_at, author.curator_changed_at


def _confirmed(action) -> tuple[str, object, object]:
    return "confirmed", action.created_at, action.created_at


def _statuses() -> dict[str, tuple[str, object, object]]:
    return {a.slug: (a.status, a.confirmed_at, a.curator_changed_at) for a in Author.objects.all()}


def _confirm(author: Author, curator):
    """A confirming action: the author's ORCID set."""
    return services.edit_author(
        author=author,
        actor=curator,
        family_name=author.family_name,
        given_name=author.given_name,
        orcid=ORCID,
    )


def _iso(moment) -> str:
    """A datetime as the API writes it."""
    return moment.isoformat().replace("+00:00", "Z")


def _listed(response) -> set[str]:
    return {a.slug for a in response.context["authors"]}


def _queries(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def _import_authors(directory, first: int, count: int) -> list[Author]:
    """``count`` named pages, one author each with two papers of their own."""
    directory.mkdir(exist_ok=True)
    files = [
        write_page(
            directory,
            f"page{n:03}.txt",
            named_page(
                f"Family{n:03}, Given",
                [
                    (f"Own paper {n} a", f"Venue {n % 3}", f"Abstract of paper {n} a."),
                    (f"Own paper {n} b", f"Venue {n % 3}", f"Abstract of paper {n} b."),
                ],
            ),
        )
        for n in range(first, first + count)
    ]
    import_pages(files)
    return list(Author.objects.filter(family_name__startswith="Family").order_by("sort_key"))


def _confirm_every_other(authors: list[Author], curator) -> set[str]:
    """Edit the name of every other author: those become confirmed."""
    confirmed = set()
    for author in authors[::2]:
        if author.confirmed_at is None:
            services.edit_author(
                author=author, actor=curator, family_name=author.family_name, given_name="G."
            )
            confirmed.add(author.slug)
    return confirmed


# --- as imported --------------------------------------------------------------------------


def test_imported_author_is_as_imported_with_no_curator_dates(imported_seeds):
    assert _statuses() == dict.fromkeys(SEED_AUTHORS, IMPORTED)


# --- confirming actions -------------------------------------------------------------------


def test_assign_page_confirms_the_author_at_the_actions_time(imported_seeds, curator):
    ilya = _author(ILYA)

    action = services.assign_page(page=_page(PAGE_001), actor=curator, author=ilya)

    assert _statuses() == {ILYA: _confirmed(action), WU: IMPORTED, GIAMBA: IMPORTED}


def test_assign_page_to_a_new_author_confirms_the_new_author(imported_seeds, curator):
    action = services.assign_page(
        page=_page(PAGE_001), actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )

    assert _statuses() == {
        "nowak-lucja": _confirmed(action),
        ILYA: IMPORTED,
        WU: IMPORTED,
        GIAMBA: IMPORTED,
    }


def test_assign_pages_confirms_every_author_given_a_page(imported_seeds, curator):
    assignments = [(_page(PAGE_001), _author(ILYA)), (_page(PAGE_004), _author(WU))]

    action = services.assign_pages(assignments=assignments, actor=curator)

    assert _statuses() == {ILYA: _confirmed(action), WU: _confirmed(action), GIAMBA: IMPORTED}


def test_merge_authors_confirms_the_survivor(imported_seeds, curator):
    ilya, giamba = _author(ILYA), _author(GIAMBA)

    action = services.merge_authors(survivor=ilya, others=[giamba], actor=curator)

    assert (_status(ilya), _status(_author(WU))) == (_confirmed(action), IMPORTED)


def test_split_author_confirms_the_source_and_the_new_author(imported_seeds, curator):
    wu = _author(WU)
    odd = list(Paper.objects.filter(title__in=[PDE, MDP]).order_by("pk"))

    action = services.split_author(
        author=wu, papers=odd, actor=curator, new_author=services.NewAuthor("Wu", "Jeff")
    )

    new = Author.objects.exclude(slug__in=SEED_AUTHORS).get()
    assert (_status(wu), _status(new)) == (_confirmed(action), _confirmed(action))
    assert (_status(_author(ILYA)), _status(_author(GIAMBA))) == (IMPORTED, IMPORTED)


@pytest.mark.parametrize(
    ("given_name", "orcid"),
    [("Ilya", ORCID), ("Ilya S.", "")],
    ids=["orcid", "name"],
)
def test_edit_author_confirms_the_author(imported_seeds, curator, given_name, orcid):
    ilya = _author(ILYA)

    action = services.edit_author(
        author=ilya, actor=curator, family_name="Sutskever", given_name=given_name, orcid=orcid
    )

    assert (_status(ilya), _status(_author(WU))) == (_confirmed(action), IMPORTED)


# --- changes that do not confirm ------------------------------------------------------------


def test_unassign_page_sets_the_change_date_only(imported_seeds, curator):
    # A page a curator gave Ilya with no action standing for it (arranged by hand).
    page = _page(PAGE_001)
    SourcePage.objects.filter(pk=page.pk).update(
        author=_author(ILYA), assigned_by=DecidedBy.CURATOR
    )

    action = services.unassign_page(page=page, actor=curator)

    assert _status(_author(ILYA)) == ("imported", None, action.created_at)


def test_unassign_after_assign_keeps_the_assignments_confirmation(imported_seeds, curator):
    page = _page(PAGE_001)
    assign = services.assign_page(page=page, actor=curator, author=_author(ILYA))

    unassign = services.unassign_page(page=page, actor=curator)

    assert _status(_author(ILYA)) == ("confirmed", assign.created_at, unassign.created_at)


def test_merge_papers_of_an_author_sets_the_change_date_only(imported_seeds, curator):
    wu = _author(WU)
    survivor, other = Paper.objects.filter(title__in=[PDE, MDP]).order_by("pk")

    action = services.merge_papers(survivor=survivor, others=[other], actor=curator)

    assert _status(wu) == ("imported", None, action.created_at)


def test_merge_papers_moving_an_authors_only_claim_sets_the_change_date(imported_seeds, curator):
    giamba = _author(GIAMBA)
    # Only Giambattista has the first; only Jeff Wu the second.
    merged = Paper.objects.get(title__startswith="Predicting Ordinary Differential Equations")
    survivor = Paper.objects.get(title__startswith="Open Problems in Mechanistic")

    action = services.merge_papers(survivor=survivor, others=[merged], actor=curator)

    assert survivor.authorships.filter(author=giamba).exists()
    assert _status(giamba) == ("imported", None, action.created_at)


def test_dismiss_pair_changes_neither_field(imported_seeds, curator):
    ilya, wu = _author(ILYA), _author(WU)
    edit = _confirm(ilya, curator)

    services.dismiss_pair(kind=DismissedPair.Kind.AUTHOR, first=ilya, second=wu, actor=curator)

    assert (_status(ilya), _status(wu)) == (_confirmed(edit), IMPORTED)


def test_reject_suggestion_changes_neither_field(imported_seeds, curator):
    ilya, wu = _author(ILYA), _author(WU)
    edit = _confirm(ilya, curator)

    services.reject_suggestion(page=_page(PAGE_004), author=ilya, actor=curator)
    services.reject_suggestion(page=_page(PAGE_004), author=wu, actor=curator)

    assert (_status(ilya), _status(wu)) == (_confirmed(edit), IMPORTED)


# --- undo -------------------------------------------------------------------------------


def test_undo_of_the_only_confirming_action_returns_to_imported(imported_seeds, curator):
    ilya = _author(ILYA)
    action = services.assign_page(page=_page(PAGE_001), actor=curator, author=ilya)

    services.undo_action(action=action, actor=curator)

    assert _statuses() == dict.fromkeys(SEED_AUTHORS, IMPORTED)


def test_undo_of_an_edit_returns_to_imported(imported_seeds, curator):
    ilya = _author(ILYA)
    action = _confirm(ilya, curator)

    services.undo_action(action=action, actor=curator)

    assert _status(ilya) == IMPORTED


def test_undo_of_the_later_action_returns_the_dates_of_the_earlier(imported_seeds, curator):
    ilya = _author(ILYA)
    first = services.assign_page(page=_page(PAGE_001), actor=curator, author=ilya)
    second = _confirm(ilya, curator)

    services.undo_action(action=second, actor=curator)

    assert (_status(ilya), second.created_at > first.created_at) == (_confirmed(first), True)


def test_undo_of_the_earlier_action_keeps_the_dates_of_the_later(imported_seeds, curator):
    ilya = _author(ILYA)
    first = _confirm(ilya, curator)
    second = services.assign_page(page=_page(PAGE_001), actor=curator, author=ilya)

    services.undo_action(action=first, actor=curator)

    assert _status(ilya) == _confirmed(second)


def test_undo_of_a_dismissal_changes_neither_field(imported_seeds, curator):
    ilya, wu = _author(ILYA), _author(WU)
    edit = _confirm(ilya, curator)
    dismissal = services.dismiss_pair(
        kind=DismissedPair.Kind.AUTHOR, first=ilya, second=wu, actor=curator
    )

    services.undo_action(action=dismissal, actor=curator)

    assert (_status(ilya), _status(wu)) == (_confirmed(edit), IMPORTED)


def test_undo_of_a_merge_of_authors_returns_both_to_imported(imported_seeds, curator):
    ilya, giamba = _author(ILYA), _author(GIAMBA)
    action = services.merge_authors(survivor=ilya, others=[giamba], actor=curator)

    services.undo_action(action=action, actor=curator)

    assert _statuses() == dict.fromkeys(SEED_AUTHORS, IMPORTED)


def test_undo_of_a_later_unassign_returns_the_assignments_dates(imported_seeds, curator):
    page = _page(PAGE_001)
    assign = services.assign_page(page=page, actor=curator, author=_author(ILYA))
    unassign = services.unassign_page(page=page, actor=curator)

    services.undo_action(action=unassign, actor=curator)

    assert _status(_author(ILYA)) == _confirmed(assign)


# --- the data migration -------------------------------------------------------------------


def test_migration_fill_sets_the_same_values_as_the_services(imported_seeds, curator):
    ilya, wu, giamba = _author(ILYA), _author(WU), _author(GIAMBA)
    services.assign_page(page=_page(PAGE_001), actor=curator, author=ilya)
    services.reject_suggestion(page=_page(PAGE_004), author=giamba, actor=curator)
    services.dismiss_pair(kind=DismissedPair.Kind.AUTHOR, first=giamba, second=wu, actor=curator)
    undone = _confirm(giamba, curator)
    services.undo_action(action=undone, actor=curator)
    survivor, other = Paper.objects.filter(title__in=[PDE, MDP]).order_by("pk")
    services.merge_papers(survivor=survivor, others=[other], actor=curator)
    services.split_author(
        author=wu,
        papers=[survivor],
        actor=curator,
        new_author=services.NewAuthor("Wu", "Jeffrey"),
    )
    expected = _statuses()
    Author.objects.update(confirmed_at=None, curator_changed_at=None)
    migration = importlib.import_module("curation.migrations.0006_profile_status")

    migration.fill(apps, None)

    assert _statuses() == expected
    assert {slug for slug, (status, *_) in expected.items() if status == "confirmed"} == {
        ILYA,
        WU,
        "wu-jeffrey",
    }


# --- public pages -------------------------------------------------------------------------


def _status_line(response) -> str:
    assert response.status_code == 200
    return re.search(r'<p class="status">.*?</p>', response.content.decode()).group(0)


def _long_date(moment) -> str:
    return f"{moment.day} {moment.strftime('%B')} {moment.year}"


def test_profile_page_of_a_confirmed_author_says_so_with_the_date(client, imported_seeds, curator):
    action = services.assign_page(page=_page(PAGE_001), actor=curator, author=_author(ILYA))

    line = _status_line(client.get(f"/authors/{ILYA}/"))

    assert line == (
        '<p class="status"><span class="badge confirmed">Confirmed by a curator</span>'
        f' · last curator change <time datetime="{action.created_at.isoformat()}">'
        f"{_long_date(action.created_at)}</time></p>"
    )


def test_profile_page_of_an_imported_author_says_as_imported(client, imported_seeds):
    line = _status_line(client.get(f"/authors/{ILYA}/"))

    assert line == '<p class="status"><span class="badge">As imported</span></p>'


def test_profile_page_of_a_changed_unconfirmed_author_shows_the_change_date(
    client, imported_seeds, curator
):
    survivor, other = Paper.objects.filter(title__in=[PDE, MDP]).order_by("pk")
    action = services.merge_papers(survivor=survivor, others=[other], actor=curator)

    line = _status_line(client.get(f"/authors/{WU}/"))

    assert line == (
        '<p class="status"><span class="badge">As imported</span>'
        f' · last curator change <time datetime="{action.created_at.isoformat()}">'
        f"{_long_date(action.created_at)}</time></p>"
    )


def _badge(response) -> str:
    """The status badge of a profile page."""
    return re.search(
        r'<p class="status"><span class="badge[^"]*">([^<]*)</span>', response.content.decode()
    ).group(1)


def _listed_in_html(response) -> set[str]:
    """The slugs the author list's rows link to (read from the page: a page served from
    the cache has no template context)."""
    return set(re.findall(r'<tr><td><a href="/authors/([^/"]+)/">', response.content.decode()))


def test_cached_profile_page_follows_a_confirmation_and_its_undo(client, imported_seeds, curator):
    url = f"/authors/{ILYA}/"
    client.get(url)
    cached = client.get(url)
    action = services.assign_page(page=_page(PAGE_001), actor=curator, author=_author(ILYA))
    confirmed = client.get(url)
    services.undo_action(action=action, actor=curator)

    undone = client.get(url)

    assert [(r[CACHE_HEADER], _badge(r)) for r in (cached, confirmed, undone)] == [
        ("hit", "As imported"),
        ("miss", "Confirmed by a curator"),
        ("miss", "As imported"),
    ]


def test_cached_author_list_follows_a_confirmation_and_its_undo(client, imported_seeds, curator):
    url = reverse("catalog:author-list") + "?status=confirmed"
    client.get(url)
    cached = client.get(url)
    action = _confirm(_author(ILYA), curator)
    confirmed = client.get(url)
    services.undo_action(action=action, actor=curator)

    undone = client.get(url)

    assert [(r[CACHE_HEADER], _listed_in_html(r)) for r in (cached, confirmed, undone)] == [
        ("hit", set()),
        ("miss", {ILYA}),
        ("miss", set()),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=confirmed", {ILYA}),
        ("?status=imported", {GIAMBA, WU}),
        ("?status=x", SEED_AUTHORS),
        ("?status=", SEED_AUTHORS),
        ("", SEED_AUTHORS),
    ],
)
def test_author_list_filters_by_status(client, imported_seeds, curator, query, expected):
    _confirm(_author(ILYA), curator)

    response = client.get(reverse("catalog:author-list") + query)

    assert (response.status_code, _listed(response)) == (200, expected)


def test_author_list_marks_confirmed_authors(client, imported_seeds, curator):
    _confirm(_author(ILYA), curator)

    page = client.get(reverse("catalog:author-list")).content.decode()

    rows = re.findall(r"<tr><td>(.*?)</td>", page)
    badge = '<span class="badge confirmed" title="Confirmed by a curator">confirmed</span>'
    assert [(re.search(r">([^<]+)</a>", row).group(1), badge in row) for row in rows] == [
        ("Parascandolo, Giambattista", False),
        ("Sutskever, Ilya", True),
        ("Wu, Jeff", False),
    ]


def _status_links(response) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="statuses".*?</nav>', response.content.decode(), re.S).group(0)
    return [
        (html.unescape(href), text, bool(current))
        for href, current, text in re.findall(
            r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', nav
        )
    ]


def test_author_list_status_links_keep_the_search_and_the_letter(client, imported_seeds, curator):
    _confirm(_author(ILYA), curator)

    response = client.get(
        reverse("catalog:author-list") + "?q=sutskever&letter=S&status=confirmed&page=1"
    )

    assert _listed(response) == {ILYA}
    assert _status_links(response) == [
        ("?q=sutskever&letter=S", "All profiles", False),
        ("?q=sutskever&letter=S&status=confirmed", "Confirmed by a curator", True),
        ("?q=sutskever&letter=S&status=imported", "As imported", False),
    ]


def test_author_list_with_an_unknown_status_marks_all_profiles(client, imported_seeds):
    response = client.get(reverse("catalog:author-list") + "?status=x")

    assert _status_links(response) == [
        ("?", "All profiles", True),
        ("?status=confirmed", "Confirmed by a curator", False),
        ("?status=imported", "As imported", False),
    ]


def test_author_list_says_when_no_confirmed_author_matches(client, imported_seeds):
    response = client.get(reverse("catalog:author-list") + "?status=confirmed")

    assert _listed(response) == set()
    assert '<p class="empty">No confirmed author matches.</p>' in response.content.decode()


# --- API ------------------------------------------------------------------------------------


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def test_api_author_list_and_detail_carry_status_and_change_date(client, imported_seeds, curator):
    survivor, other = Paper.objects.filter(title__in=[PDE, MDP]).order_by("pk")
    merge = services.merge_papers(survivor=survivor, others=[other], actor=curator)
    assign = services.assign_page(page=_page(PAGE_001), actor=curator, author=_author(ILYA))

    listed = _get(client, "/api/authors/")["results"]
    details = [_get(client, f"/api/authors/{slug}/") for slug in (GIAMBA, ILYA, WU)]

    expected = [
        (GIAMBA, "imported", None),
        (ILYA, "confirmed", _iso(assign.created_at)),
        (WU, "imported", _iso(merge.created_at)),
    ]
    assert [(a["slug"], a["status"], a["curator_changed_at"]) for a in listed] == expected
    assert [(a["slug"], a["status"], a["curator_changed_at"]) for a in details] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=confirmed", {ILYA, WU}),
        ("status=imported", {GIAMBA}),
        ("status=", SEED_AUTHORS),
        ("status=confirmed&name=wu", {WU}),
    ],
)
def test_api_author_list_filters_by_status(client, imported_seeds, curator, query, expected):
    _confirm(_author(ILYA), curator)
    services.assign_page(page=_page(PAGE_004), actor=curator, author=_author(WU))

    listed = _get(client, f"/api/authors/?{query}")
    streamed = _get(client, f"/api/stream/authors/?{query}")

    assert ({a["slug"] for a in listed["results"]}, {a["slug"] for a in streamed["results"]}) == (
        expected,
        expected,
    )


def test_api_unknown_status_answers_400_with_the_fields_message(client, imported_seeds):
    response = client.get("/api/authors/?status=nonsense")

    assert (response.status_code, response.json()) == (
        400,
        {"status": ["Select a valid choice. nonsense is not one of the available choices."]},
    )


# --- constant query counts ------------------------------------------------------------------


@pytest.mark.parametrize("authors", [2, 30])
@pytest.mark.parametrize("query", ["", "?status=confirmed", "?status=imported"])
def test_author_list_queries_do_not_grow_with_confirmed_authors(
    client, tmp_path, db, curator, authors, query
):
    confirmed = _confirm_every_other(_import_authors(tmp_path, 0, authors), curator)

    response, queries = _queries(client, reverse("catalog:author-list") + query)

    assert (response.status_code, queries) == (200, 4)
    assert response.content.decode().count('class="badge confirmed"') == (
        0 if query == "?status=imported" else len(confirmed)
    )


@pytest.mark.parametrize(
    ("query", "small_rows", "large_rows"),
    [("", 2, 30), ("?status=confirmed", 1, 15), ("?status=imported", 1, 15)],
)
def test_api_author_list_runs_the_same_queries_for_2_and_30_with_confirmed_authors(
    client, tmp_path, db, curator, query, small_rows, large_rows
):
    _confirm_every_other(_import_authors(tmp_path / "first", 0, 2), curator)
    small, small_queries = _queries(client, f"/api/authors/{query}")
    _confirm_every_other(_import_authors(tmp_path / "more", 2, 28), curator)

    large, large_queries = _queries(client, f"/api/authors/{query}")

    assert (small_queries, large_queries) == (3, 3)
    assert (len(small.json()["results"]), len(large.json()["results"])) == (
        small_rows,
        large_rows,
    )
    assert {a["status"] for a in large.json()["results"]} == (
        {"confirmed", "imported"} if not query else {query.rsplit("=", 1)[1]}
    )
