"""The admin actions that lead to the curation forms, and the read-only admin of
curation actions."""

from __future__ import annotations

import pytest

from catalog.models import Author, Paper
from curation import services
from curation.access import ensure_curators_group
from curation.admin import ASSIGN_ONE_PAGE
from curation.models import CurationAction

from .helpers import PAGE_001, PAGE_004, _html, _ids, _page, _state


@pytest.fixture
def admin_curator(client, django_user_model, db):
    user = django_user_model.objects.create_user("adam", password="pw", is_staff=True)
    user.groups.add(ensure_curators_group())
    client.force_login(user)
    return client


@pytest.fixture
def superuser_client(client, django_user_model, db):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("model", "label"),
    [
        ("paper", "Merge selected papers…"),
        ("author", "Merge selected authors…"),
        ("sourcepage", "Assign page…"),
    ],
)
def test_admin_changelists_offer_the_curation_actions(admin_curator, imported_seeds, model, label):
    response = admin_curator.get(f"/admin/catalog/{model}/")

    choices = dict(response.context["action_form"].fields["action"].choices)
    assert response.status_code == 200
    assert label in choices.values()
    assert label in _html(response)


def test_admin_merge_papers_action_leads_to_the_merge_form(admin_curator, imported_seeds):
    first, second = Paper.objects.order_by("pk")[:2]

    response = admin_curator.post(
        "/admin/catalog/paper/",
        {"action": "merge_selected", "_selected_action": [second.pk, first.pk]},
    )

    assert (response.status_code, response["Location"]) == (
        302,
        f"/curation/papers/merge/?{_ids(first, second)}",
    )
    assert admin_curator.get(response["Location"]).context["papers"] == [first, second]


def test_admin_merge_authors_action_leads_to_the_merge_form(admin_curator, imported_seeds):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")

    response = admin_curator.post(
        "/admin/catalog/author/", {"action": "merge_selected", "_selected_action": [wu.pk, ilya.pk]}
    )

    expected = f"/curation/authors/merge/?{_ids(*sorted([ilya, wu], key=lambda a: a.pk))}"
    assert (response.status_code, response["Location"]) == (302, expected)


def test_admin_assign_action_leads_to_the_assign_form(admin_curator, imported_seeds):
    page = _page(PAGE_001)

    response = admin_curator.post(
        "/admin/catalog/sourcepage/", {"action": "assign", "_selected_action": [page.pk]}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        f"/curation/pages/{page.pk}/assign/",
    )


def test_admin_assign_action_with_two_pages_warns(admin_curator, imported_seeds):
    pages = [_page(PAGE_001), _page(PAGE_004)]

    response = admin_curator.post(
        "/admin/catalog/sourcepage/",
        {"action": "assign", "_selected_action": [p.pk for p in pages]},
        follow=True,
    )

    assert response.redirect_chain == [("/admin/catalog/sourcepage/", 302)]
    assert ASSIGN_ONE_PAGE in _html(response)
    assert CurationAction.objects.count() == 0


def test_admin_curation_actions_are_offered_to_a_superuser(superuser_client, imported_seeds):
    """A superuser holds every permission, curate included, without the group."""
    response = superuser_client.get("/admin/catalog/paper/")

    choices = dict(response.context["action_form"].fields["action"].choices)
    assert "Merge selected papers…" in choices.values()


def test_curation_action_admin_is_read_only(superuser_client, imported_seeds, curator):
    action = services.assign_page(
        page=_page(PAGE_001), actor=curator, new_author=services.NewAuthor("Nowak")
    )
    before = _state()

    add = superuser_client.get("/admin/curation/curationaction/add/")
    change = superuser_client.get(f"/admin/curation/curationaction/{action.pk}/change/")
    post = superuser_client.post(
        f"/admin/curation/curationaction/{action.pk}/change/", {"summary": "rewritten"}
    )
    delete = superuser_client.post(
        f"/admin/curation/curationaction/{action.pk}/delete/", {"post": "yes"}
    )

    assert add.status_code == 403
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert b'name="_continue"' not in change.content
    assert (post.status_code, delete.status_code) == (403, 403)
    assert _state() == before
    assert CurationAction.objects.get(pk=action.pk).summary == action.summary
