"""The history of curation actions: listing, filters, and an action's readable diff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from catalog.models import Author, Paper
from curation import services
from curation.access import CURATORS_GROUP

from .helpers import PAGE_001, _html, _page


@pytest.fixture
def history(imported_seeds, curator, django_user_model):
    """Three actions by two curators, oldest first: assign (carla), edit author (dora),
    edit paper (carla)."""
    dora = django_user_model.objects.create_user("dora", password="pw")
    dora.groups.add(Group.objects.get(name=CURATORS_GROUP))
    page = _page(PAGE_001)
    paper = Paper.objects.filter(title="").order_by("slug").first()
    assign = services.assign_page(
        page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja")
    )
    edit_wu = services.edit_author(
        author=Author.objects.get(slug="wu-jeff"), actor=dora, family_name="Wu", given_name="J."
    )
    edit_paper = services.edit_paper(
        paper=paper, actor=curator, title="A Named Paper", abstract=paper.abstract
    )
    return {"assign": assign, "edit_wu": edit_wu, "edit_paper": edit_paper, "page": page}


def _listed(client, query: str) -> list[int]:
    response = client.get(f"/curation/history/{query}")
    assert response.status_code == 200
    return [a.pk for a in response.context["actions"]]


def test_history_lists_every_action_newest_first(curator_client, history):
    assert _listed(curator_client, "") == [
        history["edit_paper"].pk,
        history["edit_wu"].pk,
        history["assign"].pk,
    ]


def test_history_filters_by_curator_and_kind(curator_client, history):
    assert _listed(curator_client, "?actor=dora") == [history["edit_wu"].pk]
    assert _listed(curator_client, "?actor=carla") == [
        history["edit_paper"].pk,
        history["assign"].pk,
    ]
    assert _listed(curator_client, "?kind=assign_page") == [history["assign"].pk]
    assert _listed(curator_client, "?actor=dora&kind=assign_page") == []
    # An unknown kind is ignored rather than an error.
    assert len(_listed(curator_client, "?kind=drop_tables")) == 3


def test_history_filters_by_author_and_paper(curator_client, history):
    page_paper = history["page"].entries.order_by("position").first().paper

    assert _listed(curator_client, "?author=wu-jeff") == [history["edit_wu"].pk]
    assert _listed(curator_client, "?author=nowak-lucja") == [history["assign"].pk]
    assert _listed(curator_client, "?author=sutskever-ilya") == []
    assert _listed(curator_client, "?paper=a-named-paper") == [history["edit_paper"].pk]
    assert _listed(curator_client, f"?paper={page_paper.slug}") == [history["assign"].pk]
    assert _listed(curator_client, f"?source={PAGE_001}") == [history["assign"].pk]


def test_history_offers_the_curators_as_filter_choices(curator_client, history):
    response = curator_client.get("/curation/history/?actor=dora")

    assert response.context["curators"] == ["carla", "dora"]
    assert "<option selected>dora</option>" in _html(response)


def test_action_detail_shows_a_readable_diff(curator_client, history):
    response = curator_client.get(f"/curation/history/{history['assign'].pk}/")

    html = _html(response)
    changes = response.context["changes"]
    assert response.status_code == 200
    assert f"Assigned page {PAGE_001} (10 papers) to Łucja Nowak" in html
    assert {(c.op, c.noun) for c in changes} == {
        ("create", "author"),
        ("create", "name variant"),
        ("create", "authorship"),
        ("update", "page"),
        ("update", "page entry"),
    }
    assert response.context["counts"] == [
        "creates 1 author, 1 name variant, 10 authorships",
        "changes 1 page, 10 page entries",
    ]
    assert "Łucja Nowak (nowak-lucja)" in html
    assert '<span class="op">create</span> authorship' in html
    assert "Undo this action" in html


def test_action_detail_of_a_dismissal_names_the_two_records(curator_client, curator, db):
    first = Author.objects.create(
        display_name="Jan Kowalski", family_name="Kowalski", given_name="Jan", slug="kowalski-jan"
    )
    second = Author.objects.create(
        display_name="Jan Kowalski", family_name="Kowalski", given_name="Jan", slug="kowalski-j"
    )
    action = services.dismiss_pair(kind="author", first=first, second=second, actor=curator)

    changes = curator_client.get(f"/curation/history/{action.pk}/").context["changes"]

    assert [(c.noun, c.record) for c in changes] == [
        ("dismissed pair", "Jan Kowalski (kowalski-jan) / Jan Kowalski (kowalski-j)")
    ]
    assert {(f.name, f.after) for f in changes[0].fields} == {
        ("kind", "author"),
        ("low", "Jan Kowalski (kowalski-jan)"),
        ("high", "Jan Kowalski (kowalski-j)"),
    }
