"""Who may open what: anonymous visitors are sent to the login page, signed-in
non-curators are refused, curators (and staff) get every page and operation; and
signing in and out."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from catalog.models import Author, Paper
from curation import services
from curation.models import CurationAction

from .helpers import MDP_TITLE, PAGE_001, PAGE_004, PDE_TITLE, _html, _ids, _page, _state


def _login_url(url: str) -> str:
    return "/accounts/login/?next=" + quote(url, safe="/")


# --- a catalogue where every curation URL has something to work on -----------------------


@pytest.fixture
def scene(imported_seeds, curator):
    """The seeds, page 004 assigned by a curator (an action to look at and undo), and
    for every curation URL: the address, and a POST that does the operation."""
    p001, p004 = _page(PAGE_001), _page(PAGE_004)
    action = services.assign_page(
        page=p004, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )
    ilya = Author.objects.get(slug="sutskever-ilya")
    giamba = Author.objects.get(slug="parascandolo-giambattista")
    wu = Author.objects.get(slug="wu-jeff")
    titled = Paper.objects.exclude(title="").order_by("slug").first()
    untitled = Paper.objects.filter(title="").order_by("slug").first()
    odd = list(Paper.objects.filter(title__in=[PDE_TITLE, MDP_TITLE]).order_by("pk"))
    merge_papers = f"/curation/papers/merge/?{_ids(titled, untitled)}"
    merge_authors = f"/curation/authors/merge/?{_ids(ilya, giamba)}"
    pages = {
        "dashboard": ("/curation/", None),
        "page-queue": ("/curation/pages/", None),
        "paper-duplicates": ("/curation/papers/duplicates/", None),
        "author-duplicates": ("/curation/authors/duplicates/", None),
        "mixed-profiles": ("/curation/authors/mixed/", None),
        "history": ("/curation/history/", None),
        "action-detail": (f"/curation/history/{action.pk}/", None),
        "page-assign": (
            f"/curation/pages/{p001.pk}/assign/",
            {"family_name": "Kowalska", "given_name": "Anna"},
        ),
        "page-unassign": (f"/curation/pages/{p004.pk}/unassign/", {}),
        "merge-papers": (
            merge_papers,
            {
                "ids": [titled.pk, untitled.pk],
                "survivor": titled.pk,
                "title_from": titled.pk,
                "abstract_from": titled.pk,
            },
        ),
        "merge-authors": (
            merge_authors,
            {"ids": [ilya.pk, giamba.pk], "survivor": ilya.pk, "display_name": "Sutskever, Ilya"},
        ),
        "split-author": (
            "/curation/authors/wu-jeff/split/",
            {"papers": [p.pk for p in odd], "family_name": "Wu", "given_name": "Jeff"},
        ),
        "edit-author": (
            "/curation/authors/wu-jeff/edit/",
            {"family_name": "Wu", "given_name": "Jeffrey", "orcid": ""},
        ),
        "edit-paper": (
            f"/curation/papers/{untitled.slug}/edit/",
            {"title": "A Named Paper", "abstract": untitled.abstract},
        ),
        "dismiss": ("/curation/dismiss/", {"kind": "author", "first": ilya.pk, "second": wu.pk}),
        "undo": (f"/curation/history/{action.pk}/undo/", {}),
    }
    return {"urls": pages, "action": action}


GET_PAGES = [
    "dashboard",
    "page-queue",
    "paper-duplicates",
    "author-duplicates",
    "mixed-profiles",
    "history",
    "action-detail",
    "page-assign",
    "page-unassign",
    "merge-papers",
    "merge-authors",
    "split-author",
    "edit-author",
    "edit-paper",
    "dismiss",
    "undo",
]
POST_ONLY = {"dismiss", "undo"}
OPERATIONS = [
    "page-assign",
    "page-unassign",
    "merge-papers",
    "merge-authors",
    "split-author",
    "edit-author",
    "edit-paper",
    "dismiss",
    "undo",
]


@pytest.mark.parametrize("name", GET_PAGES)
def test_curation_get_sends_anonymous_visitors_to_the_login_page(client, scene, name):
    url, _ = scene["urls"][name]

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, _login_url(url))


@pytest.mark.parametrize("name", GET_PAGES)
def test_curation_get_is_forbidden_to_signed_in_non_curators(client, scene, reader, name):
    client.force_login(reader)
    url, _ = scene["urls"][name]

    response = client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("name", GET_PAGES)
def test_curation_get_answers_curators(client, scene, curator, name):
    client.force_login(curator)
    url, _ = scene["urls"][name]

    response = client.get(url)

    # Dismissing and undoing are POST only: their confirmation lives on other pages.
    assert response.status_code == (405 if name in POST_ONLY else 200)


@pytest.mark.parametrize("name", OPERATIONS)
def test_curation_post_by_anonymous_visitors_goes_to_login_and_changes_nothing(client, scene, name):
    url, data = scene["urls"][name]
    before = _state()

    response = client.post(url, {**data, "confirm": "1"})

    assert (response.status_code, response["Location"]) == (302, _login_url(url))
    assert _state() == before


@pytest.mark.parametrize("name", OPERATIONS)
def test_curation_post_by_non_curators_is_forbidden_and_changes_nothing(
    client, scene, reader, name
):
    client.force_login(reader)
    url, data = scene["urls"][name]
    before = _state()

    response = client.post(url, {**data, "confirm": "1"})

    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("name", OPERATIONS)
def test_curation_post_by_curators_does_the_operation(client, scene, curator, name):
    client.force_login(curator)
    url, data = scene["urls"][name]
    actions_before = CurationAction.objects.count()

    response = client.post(url, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/login/")
    if name == "undo":
        scene["action"].refresh_from_db()
        assert scene["action"].undone_by is not None
    else:
        assert CurationAction.objects.count() == actions_before + 1


def test_staff_without_the_group_are_curators(client, scene, django_user_model):
    staff = django_user_model.objects.create_user("stan", password="pw", is_staff=True)
    client.force_login(staff)
    url, data = scene["urls"]["edit-author"]

    dashboard = client.get("/curation/")
    done = client.post(url, {**data, "confirm": "1"})

    assert (dashboard.status_code, done.status_code, done["Location"]) == (
        200,
        302,
        "/authors/wu-jeff/",
    )
    assert CurationAction.objects.order_by("-pk").first().actor_name == "stan"


def test_login_page_renders_in_the_site_style(client, db):
    response = client.get("/accounts/login/?next=/curation/")

    html = _html(response)
    assert response.status_code == 200
    assert '<header class="site-header">' in html
    assert "<h1>Sign in</h1>" in html
    assert '<input type="hidden" name="next" value="/curation/">' in html


def test_login_signs_a_curator_in(client, curator):
    response = client.post(
        "/accounts/login/",
        {"username": "carla", "password": "curator-pass-1", "next": "/curation/history/"},
    )
    dashboard = client.get("/curation/")

    assert (response.status_code, response["Location"]) == (302, "/curation/history/")
    assert dashboard.status_code == 200


def test_login_with_a_wrong_password_shows_an_error(client, curator):
    response = client.post("/accounts/login/", {"username": "carla", "password": "nope"})

    assert response.status_code == 200
    assert "Your user name and password did not match." in _html(response)


def test_logout_is_post_only(client, curator):
    client.force_login(curator)

    by_get = client.get("/accounts/logout/")
    still_in = client.get("/curation/").status_code
    by_post = client.post("/accounts/logout/")
    after = client.get("/curation/")

    assert by_get.status_code == 405
    assert still_in == 200
    assert (by_post.status_code, by_post["Location"]) == (302, "/")
    assert (after.status_code, after["Location"]) == (302, _login_url("/curation/"))
