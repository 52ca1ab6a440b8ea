"""Who may open what: anonymous visitors are sent to the login page, signed-in
non-curators (staff among them) are refused, curators (``curation.curate``) get every
page and operation; and signing in and out. The full matrix of users, pages, admin
pages and actions is in tests/integration/test_permissions.py."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from curation.models import CurationAction

from .helpers import _html, _state


def _login_url(url: str) -> str:
    return "/accounts/login/?next=" + quote(url, safe="/")


@pytest.fixture
def scene(curation_scene):
    """Every curation URL with something to work on (tests/integration/conftest.py)."""
    return curation_scene


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


def test_staff_without_the_permission_are_not_curators(client, scene, staff_only):
    """Staff status alone gives nothing of curation: ``curation.curate`` does."""
    client.force_login(staff_only)
    url, data = scene["urls"]["edit-author"]
    before = _state()

    dashboard = client.get("/curation/")
    done = client.post(url, {**data, "confirm": "1"})

    assert (dashboard.status_code, done.status_code) == (403, 403)
    assert _state() == before


def test_curators_need_not_be_staff(client, scene, curator):
    client.force_login(curator)
    url, data = scene["urls"]["edit-author"]

    done = client.post(url, {**data, "confirm": "1"})

    assert curator.is_staff is False
    assert (done.status_code, done["Location"]) == (302, "/authors/wu-jeff/")
    assert CurationAction.objects.order_by("-pk").first().actor_name == "carla"


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
