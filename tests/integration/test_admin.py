"""The admin: every page answers, lists stay at a constant number of queries, search folds."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.importing import import_pages
from catalog.models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    Paper,
    SourceEntry,
    SourcePage,
    Venue,
)
from curation.models import CurationAction
from tests.pages import named_page, write_page

LIST_MODELS = [Author, Paper, Venue, SourcePage, SourceEntry, Authorship, Appearance, AuthorName]


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def _import_authors(tmp_path, count: int, papers_each: int = 3) -> None:
    files = [
        write_page(
            tmp_path,
            f"p{n:03d}.txt",
            named_page(
                f"Family{n}, Given",
                [
                    (f"Paper {n}-{k}", f"Venue {k}", f"Abstract {n} {k}.")
                    for k in range(papers_each)
                ],
            ),
        )
        for n in range(count)
    ]
    import_pages(files)


def _changelist_queries(client, model) -> int:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", LIST_MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_queries_do_not_grow_with_rows(staff_client, tmp_path, model):
    small = tmp_path / "small"
    small.mkdir()
    _import_authors(small, 2)
    few = _changelist_queries(staff_client, model)
    large = tmp_path / "large"
    large.mkdir()
    for n in range(30):
        write_page(
            large,
            f"q{n:03d}.txt",
            named_page(f"Other{n}, Given", [(f"Other {n}", "Venue X", f"Other abstract {n}.")]),
        )
    import_pages(sorted(large.iterdir()))

    many = _changelist_queries(staff_client, model)

    assert many == few


def test_admin_change_pages_render_read_only(staff_client, imported_seeds):
    CurationAction.objects.create(kind="edit_paper", actor_name="x", summary="s")
    for model in [*LIST_MODELS, CurationAction]:
        obj = model.objects.first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )

        response = staff_client.get(url)

        assert response.status_code == 200, model
        assert b'name="_save"' not in response.content, model


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("sutskever", {"Ilya Sutskever"}),
        ("ilya sutskever", {"Ilya Sutskever"}),
        ("Sutskever, Ilya", {"Ilya Sutskever"}),
        ("PARASCANDOLO", {"Giambattista Parascandolo"}),
        ("wu", {"Jeff Wu"}),
    ],
)
def test_admin_author_search_matches_any_name_form(staff_client, imported_seeds, term, expected):
    response = staff_client.get(reverse("admin:catalog_author_changelist"), {"q": term})

    assert {a.display_name for a in response.context["cl"].result_list} == expected


def test_admin_author_search_ignores_diacritics(staff_client, tmp_path):
    import_pages([write_page(tmp_path, "k.txt", named_page("Kaiser, Łukasz", [("T", "V", "A.")]))])

    response = staff_client.get(reverse("admin:catalog_author_changelist"), {"q": "lukasz"})

    assert [a.display_name for a in response.context["cl"].result_list] == ["Łukasz Kaiser"]


def test_admin_paper_filters_by_venue_and_title_presence(staff_client, imported_seeds):
    aaai = Venue.objects.get(name="AAAI Conferences")
    url = reverse("admin:catalog_paper_changelist")

    by_venue = staff_client.get(url, {"appearances__venue__id__exact": aaai.pk})
    untitled = staff_client.get(url, {"has_title": "no"})

    assert [p.title for p in by_venue.context["cl"].result_list] == [
        "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov "
        "Decision Process"
    ]
    assert untitled.context["cl"].result_count == 16


def test_admin_pages_filter_waiting_for_a_curator(staff_client, imported_seeds):
    response = staff_client.get(reverse("admin:catalog_sourcepage_changelist"), {"assigned": "no"})

    assert {p.source for p in response.context["cl"].result_list} == {
        "001_fa869cb8beed8520.txt",
        "004_ecb8618afa550e8b.txt",
    }


@pytest.mark.parametrize("method", ["add", "delete"])
def test_admin_refuses_direct_writes(staff_client, imported_seeds, method):
    paper = Paper.objects.first()
    if method == "add":
        url = reverse("admin:catalog_paper_add")
    else:
        url = reverse("admin:catalog_paper_delete", args=[paper.pk])

    response = staff_client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert Paper.objects.filter(pk=paper.pk).exists()


def _index_models(client) -> set[str]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name']}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def test_admin_index_shows_a_curator_every_catalogue_and_curation_model(client, curator):
    """A curator need not be staff: the group opens the admin, read-only."""
    client.force_login(curator)

    assert _index_models(client) == {
        "catalog.Appearance",
        "catalog.Author",
        "catalog.AuthorName",
        "catalog.AuthorSlugAlias",
        "catalog.Authorship",
        "catalog.Paper",
        "catalog.PaperSlugAlias",
        "catalog.SourceEntry",
        "catalog.SourcePage",
        "catalog.Venue",
        "curation.CurationAction",
        "curation.DismissedPair",
    }


def test_admin_index_shows_staff_without_permissions_nothing(client, staff_only):
    client.force_login(staff_only)

    assert _index_models(client) == set()
