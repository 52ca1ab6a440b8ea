"""Validation errors of the curation forms are shown on the form, change nothing,
and are never a 500; unknown records are a 404."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from catalog.models import ORCID_INVALID, Author, Paper, SourcePage
from curation import services
from curation.forms import NEW_OR_EXISTING

from .helpers import PAGE_001, VALID_ORCID, _html, _ids, _page, _resubmit, _state

BAD_ORCID = "0000-0002-1825-0098"  # wrong check digit


def _assert_shows(response, message: str) -> None:
    assert response.status_code == 200
    assert "Check before you confirm" not in _html(response)
    assert escape(message) in _html(response)


def _assert_renders(response, errors) -> None:
    """Every error the form found is on the page."""
    html = _html(response)
    missing = [m for messages in errors.values() for m in messages if escape(m) not in html]
    assert missing == []


def test_assign_with_a_bad_orcid_shows_the_error(curator_client, imported_seeds):
    page = _page(PAGE_001)
    before = _state()

    response = curator_client.post(
        f"/curation/pages/{page.pk}/assign/",
        {"family_name": "Nowak", "orcid": BAD_ORCID, "confirm": "1"},
    )

    _assert_shows(response, ORCID_INVALID)
    assert _state() == before


def test_edit_author_removes_a_ticked_name_variant(curator_client, imported_seeds):
    url = "/curation/authors/wu-jeff/edit/"
    form = curator_client.get(url)
    data = {
        "version": form.context["form"].initial["version"],
        "family_name": "Wu",
        "given_name": "Jeffrey",
        "drop_names": ["Wu, Jeff"],
    }

    preview = curator_client.post(url, data)
    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert 'name="drop_names" value="Wu, Jeff"' in _html(form)
    assert "name variants removed: Wu, Jeff" in _html(preview)
    assert done.status_code == 302
    wu = Author.objects.get(slug="wu-jeff")
    assert set(wu.names.values_list("name", flat=True)) == {"Wu, Jeffrey"}


def test_assign_to_an_author_merged_meanwhile_shows_one_error(
    curator_client, imported_seeds, curator
):
    page = _page(PAGE_001)
    wu = Author.objects.get(slug="wu-jeff")
    ilya = Author.objects.get(slug="sutskever-ilya")
    services.merge_authors(survivor=wu, others=[ilya], actor=curator)
    before = _state()

    response = curator_client.post(
        f"/curation/pages/{page.pk}/assign/", {"author": ilya.pk, "confirm": "1"}
    )

    assert response.context["form"].errors == {
        "author": ["That author no longer exists or was merged."]
    }
    _assert_renders(response, response.context["form"].errors)
    assert _state() == before


def test_edit_author_with_a_bad_orcid_shows_the_error(curator_client, imported_seeds):
    before = _state()

    response = curator_client.post(
        "/curation/authors/wu-jeff/edit/",
        {"family_name": "Wu", "given_name": "Jeff", "orcid": BAD_ORCID, "confirm": "1"},
    )

    _assert_shows(response, ORCID_INVALID)
    assert _state() == before


def test_edit_author_with_an_orcid_of_someone_else_shows_the_error(
    curator_client, imported_seeds, curator
):
    ilya = Author.objects.get(slug="sutskever-ilya")
    services.edit_author(
        author=ilya, actor=curator, family_name="Sutskever", given_name="Ilya", orcid=VALID_ORCID
    )
    before = _state()

    response = curator_client.post(
        "/curation/authors/wu-jeff/edit/",
        {"family_name": "Wu", "given_name": "Jeff", "orcid": VALID_ORCID, "confirm": "1"},
    )

    _assert_shows(response, services.ORCID_TAKEN.format(orcid=VALID_ORCID, author=ilya))
    assert _state() == before


def test_assign_without_an_author_or_a_family_name_shows_the_error(curator_client, imported_seeds):
    page = _page(PAGE_001)
    before = _state()

    response = curator_client.post(
        f"/curation/pages/{page.pk}/assign/", {"given_name": "Łucja", "confirm": "1"}
    )

    _assert_shows(response, NEW_OR_EXISTING)
    assert _state() == before


def test_split_without_an_author_or_papers_shows_the_errors(curator_client, imported_seeds):
    before = _state()

    response = curator_client.post("/curation/authors/wu-jeff/split/", {"confirm": "1"})

    _assert_shows(response, NEW_OR_EXISTING)
    assert services.SPLIT_NEEDS_PAPERS in _html(response)
    assert _state() == before


def test_split_of_every_paper_is_refused(curator_client, imported_seeds):
    wu = Author.objects.get(slug="wu-jeff")
    every = list(Paper.objects.filter(authorships__author=wu).values_list("pk", flat=True))
    before = _state()

    response = curator_client.post(
        "/curation/authors/wu-jeff/split/",
        {"papers": every, "family_name": "Wu", "given_name": "Jeff"},
    )

    _assert_shows(response, services.SPLIT_ALL)
    assert _state() == before


@pytest.mark.parametrize("kind", ["papers", "authors"])
def test_merge_with_an_unknown_id_shows_the_error(curator_client, imported_seeds, kind):
    model = Paper if kind == "papers" else Author
    record = model.objects.order_by("pk").first()
    url = f"/curation/{kind}/merge/?ids={record.pk}&ids=999999"
    data = {"ids": [record.pk, 999999], "survivor": record.pk, "confirm": "1"}
    data |= (
        {"title_from": record.pk, "abstract_from": record.pk}
        if kind == "papers"
        else {"display_name": record.inverted_name}
    )
    before = _state()

    form = curator_client.get(url)
    response = curator_client.post(url, data)

    _assert_shows(form, services.MERGE_NEEDS_TWO)  # said at once, not after a submit
    assert 'type="submit">Review the changes' not in _html(form)
    _assert_shows(response, services.MERGE_NEEDS_TWO)
    assert _state() == before


@pytest.mark.parametrize("kind", ["papers", "authors"])
def test_merge_with_only_unknown_ids_shows_an_error(curator_client, imported_seeds, kind):
    url = f"/curation/{kind}/merge/?ids=999998&ids=999999"
    data = {"ids": [999998, 999999], "survivor": 999998, "confirm": "1"}
    data |= (
        {"title_from": 999998, "abstract_from": 999998}
        if kind == "papers"
        else {"display_name": "Nobody, Known"}
    )
    before = _state()

    form = curator_client.get(url)
    response = curator_client.post(url, data)

    assert (_html(form).count("<h1>Merge " + kind + "</h1>"), form.status_code) == (1, 200)
    _assert_shows(form, services.MERGE_NEEDS_TWO)
    _assert_shows(response, services.MERGE_NEEDS_TWO)
    assert _state() == before


def test_merge_with_a_single_id_shows_the_error(curator_client, imported_seeds):
    paper = Paper.objects.order_by("pk").first()
    before = _state()

    response = curator_client.post(
        f"/curation/papers/merge/?ids={paper.pk}",
        {
            "ids": [paper.pk],
            "survivor": paper.pk,
            "title_from": paper.pk,
            "abstract_from": paper.pk,
            "confirm": "1",
        },
    )

    _assert_shows(response, services.MERGE_NEEDS_TWO)
    assert _state() == before


@pytest.mark.parametrize("ids", ["abc", "1.5", "", "-"])
def test_merge_with_non_numeric_ids_is_a_404_not_a_500(curator_client, imported_seeds, ids):
    get = curator_client.get(f"/curation/authors/merge/?ids={ids}&ids=1")
    post = curator_client.post(f"/curation/papers/merge/?ids={ids}", {"survivor": "1"})

    assert (get.status_code, post.status_code) == (404, 404)


def test_merge_including_a_tombstone_shows_the_error(curator_client, imported_seeds, curator):
    titled = list(Paper.objects.exclude(title="").order_by("slug")[:3])
    services.merge_papers(survivor=titled[0], others=[titled[1]], actor=curator)
    tombstone, live = titled[1], titled[2]
    url = f"/curation/papers/merge/?{_ids(tombstone, live)}"
    form = curator_client.get(url)
    before = _state()

    response = curator_client.post(
        url,
        {
            "version": form.context["form"].initial["version"],
            "ids": [tombstone.pk, live.pk],
            "survivor": live.pk,
            "title_from": live.pk,
            "abstract_from": live.pk,
        },
    )

    assert "already merged" in _html(form)
    tombstone.refresh_from_db()
    _assert_shows(response, services.ALREADY_MERGED.format(record=tombstone))
    assert _state() == before


def test_dismiss_of_a_missing_record_shows_the_error(curator_client, imported_seeds):
    ilya = Author.objects.get(slug="sutskever-ilya")

    response = curator_client.post(
        "/curation/dismiss/", {"kind": "author", "first": ilya.pk, "second": 999999}
    )

    _assert_shows(response, "One of these records no longer exists.")


def test_assign_of_a_page_the_import_assigned_shows_why(curator_client, imported_seeds):
    page = SourcePage.objects.get(label="Wu, Jeff")
    before = _state()

    response = curator_client.post(
        f"/curation/pages/{page.pk}/assign/", {"family_name": "Nowak", "confirm": "1"}
    )

    message = services.PAGE_ALREADY_ASSIGNED.format(page=page, author=page.author)
    assert response.context["form"].non_field_errors() == [message]
    _assert_shows(response, message)
    assert _state() == before


def test_unassign_of_a_page_the_import_assigned_shows_why(curator_client, imported_seeds):
    page = SourcePage.objects.get(label="Wu, Jeff")
    before = _state()

    form = curator_client.get(f"/curation/pages/{page.pk}/unassign/")
    response = curator_client.post(f"/curation/pages/{page.pk}/unassign/", {"confirm": "1"})

    _assert_shows(form, services.PAGE_NOT_CURATOR_ASSIGNED.format(page=page))
    _assert_shows(response, services.PAGE_NOT_CURATOR_ASSIGNED.format(page=page))
    assert _state() == before


def test_unassign_form_of_an_unassigned_page_says_so_and_offers_assign(
    curator_client, imported_seeds
):
    page = _page(PAGE_001)

    form = curator_client.get(f"/curation/pages/{page.pk}/unassign/")

    _assert_shows(form, services.PAGE_NOT_ASSIGNED.format(page=page))
    assert f'href="/curation/pages/{page.pk}/assign/"' in _html(form)
    assert "Review the changes" not in _html(form)


def test_merge_authors_with_a_name_no_longer_offered_shows_an_error(curator_client, imported_seeds):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    before = _state()

    response = curator_client.post(
        f"/curation/authors/merge/?{_ids(ilya, wu)}",
        {"ids": [ilya.pk, wu.pk], "survivor": ilya.pk, "display_name": "Nobody, Known"},
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert list(errors) == ["display_name"]
    _assert_renders(response, errors)
    assert _state() == before


@pytest.mark.parametrize("kind", ["papers", "authors"])
def test_merge_with_an_id_beyond_any_row_is_not_a_500(curator_client, imported_seeds, kind):
    model = Paper if kind == "papers" else Author
    record = model.objects.order_by("pk").first()
    url = f"/curation/{kind}/merge/?ids={record.pk}&ids={2**64}"
    data = {"ids": [record.pk, 2**64], "survivor": record.pk, "confirm": "1"}
    data |= (
        {"title_from": record.pk, "abstract_from": record.pk}
        if kind == "papers"
        else {"display_name": record.inverted_name}
    )
    curator_client.raise_request_exception = False
    before = _state()

    form = curator_client.get(url)
    response = curator_client.post(url, data)

    # As any id that names no record (which PostgreSQL already does).
    assert form.status_code == 200
    _assert_shows(response, services.MERGE_NEEDS_TWO)
    assert _state() == before


def test_dismiss_of_a_record_with_itself_shows_the_error(curator_client, imported_seeds):
    ilya = Author.objects.get(slug="sutskever-ilya")

    response = curator_client.post(
        "/curation/dismiss/", {"kind": "author", "first": ilya.pk, "second": ilya.pk}
    )

    _assert_shows(response, services.PAIR_SAME_RECORD)


def test_dismiss_of_a_pair_twice_shows_the_error(curator_client, imported_seeds, curator):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    services.dismiss_pair(kind="author", first=ilya, second=wu, actor=curator)
    before = _state()

    response = curator_client.post(
        "/curation/dismiss/", {"kind": "author", "first": wu.pk, "second": ilya.pk}
    )

    _assert_shows(response, services.PAIR_ALREADY_DISMISSED)
    assert _state() == before


@pytest.mark.parametrize(
    "url",
    [
        "/curation/pages/999999/assign/",
        "/curation/pages/999999/unassign/",
        "/curation/authors/nobody/split/",
        "/curation/authors/nobody/edit/",
        "/curation/papers/nothing/edit/",
        "/curation/history/999999/",
        "/curation/history/?author=nobody",
        "/curation/authors/merge/?ids=abc",
        "/curation/history/?paper=nothing",
    ],
)
def test_unknown_records_are_404(curator_client, imported_seeds, url):
    assert curator_client.get(url).status_code == 404


def test_undo_of_an_unknown_action_is_404(curator_client, imported_seeds):
    assert curator_client.post("/curation/history/999999/undo/").status_code == 404
