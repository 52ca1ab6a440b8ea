"""Each curation operation through its form: preview, then confirm (assign, unassign,
merge, split, edit, dismiss, undo), stale forms and confirmations, going back from
the preview, and forms opened by an old address."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.utils.html import escape

from catalog.models import Author, Paper, SourcePage
from curation import queues, services
from curation.models import CurationAction
from tests.factories import AuthorFactory, PaperFactory

from ..conftest import export_text
from .helpers import (
    MDP_TITLE,
    PAGE_001,
    PDE_TITLE,
    VALID_ORCID,
    _html,
    _ids,
    _page,
    _resubmit,
    _state,
)


def _papers_of(author: Author) -> set[str]:
    return set(Paper.objects.filter(authorships__author=author).values_list("slug", flat=True))


def _page_papers(page: SourcePage) -> set[str]:
    return set(page.entries.values_list("paper__slug", flat=True))


def _profile_papers(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {authorship.paper.slug for authorship in response.context["paper_page"]}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_assign_page_to_a_new_author_previews_then_confirms(curator_client, imported_seeds):
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    version = curator_client.get(url).context["form"].initial["version"]
    before = export_text()

    preview = curator_client.post(
        url, {"version": version, "family_name": "Nowak", "given_name": "Łucja", "orcid": ""}
    )

    assert preview.status_code == 200
    assert "Check before you confirm" in _html(preview)
    assert preview.context["preview"].summary == (
        f"Assigned page {PAGE_001} (10 papers) to Łucja Nowak"
    )
    assert export_text() == before
    assert not Author.objects.filter(family_name="Nowak").exists()

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert (done.status_code, done["Location"]) == (302, "/authors/nowak-lucja/")
    profile = curator_client.get("/authors/nowak-lucja/")
    assert "Done: Assigned page" in _html(profile)
    assert _profile_papers(curator_client, "/authors/nowak-lucja/") == _page_papers(page)
    page.refresh_from_db()
    assert (page.author.display_name, page.assigned_by) == ("Łucja Nowak", "curator")


def test_assign_page_to_an_existing_author_picked_in_the_list(curator_client, imported_seeds):
    page = _page(PAGE_001)
    ilya = Author.objects.get(slug="sutskever-ilya")
    url = f"/curation/pages/{page.pk}/assign/"
    form = curator_client.get(url, {"q": "sutsk"})
    expected = _papers_of(ilya) | _page_papers(page)

    preview = curator_client.post(
        url, {"version": form.context["form"].initial["version"], "author": ilya.pk}
    )
    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    # Suggested first, so the search does not list him a second time.
    assert [s.author.slug for s in form.context["suggestions"]][0] == "sutskever-ilya"
    assert _html(form).count(f'<input type="radio" name="author" value="{ilya.pk}">') == 1
    assert "Check before you confirm" in _html(preview)
    assert (done.status_code, done["Location"]) == (302, "/authors/sutskever-ilya/")
    assert _profile_papers(curator_client, "/authors/sutskever-ilya/") == expected


def test_unassign_page_previews_then_confirms(curator_client, imported_seeds, curator):
    page = _page(PAGE_001)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak"))
    nowak = Author.objects.get(display_name="Nowak")
    url = f"/curation/pages/{page.pk}/unassign/"
    version = curator_client.get(url).context["form"].initial["version"]
    before = export_text()

    preview = curator_client.post(url, {"version": version})

    assert "Check before you confirm" in _html(preview)
    assert export_text() == before

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert (done.status_code, done["Location"]) == (302, f"/curation/pages/{page.pk}/assign/")
    page.refresh_from_db()
    assert (page.author, page.assigned_by) == (None, "")
    assert curator_client.get(nowak.get_absolute_url()).status_code == 410  # no paper left


def test_merge_papers_from_ids_in_the_address(curator_client, imported_seeds):
    titled = Paper.objects.exclude(title="").order_by("slug").first()
    untitled = Paper.objects.filter(title="").order_by("slug").first()
    url = f"/curation/papers/merge/?{_ids(untitled, titled)}"
    form = curator_client.get(url)
    data = {
        "version": form.context["form"].initial["version"],
        "ids": [untitled.pk, titled.pk],
        "survivor": titled.pk,
        "title_from": titled.pk,
        "abstract_from": titled.pk,
    }
    before = export_text()

    preview = curator_client.post(url, data)

    assert [p.pk for p in form.context["papers"]] == [untitled.pk, titled.pk]
    assert form.context["form"].initial["survivor"] == titled.pk
    assert "Check before you confirm" in _html(preview)
    assert export_text() == before

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert (done.status_code, done["Location"]) == (302, titled.get_absolute_url())
    old = curator_client.get(untitled.get_absolute_url())
    assert (old.status_code, old["Location"]) == (301, titled.get_absolute_url())


def test_merge_authors_from_ids_in_the_address_with_the_name_shown(
    curator_client, imported_seeds, curator
):
    page = _page(PAGE_001)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Sutskever", "I."))
    other = Author.objects.get(display_name="I. Sutskever")
    ilya = Author.objects.get(slug="sutskever-ilya")
    expected = _papers_of(ilya) | _papers_of(other)
    url = f"/curation/authors/merge/?{_ids(ilya, other)}"
    form = curator_client.get(url)
    data = {
        "version": form.context["form"].initial["version"],
        "ids": [ilya.pk, other.pk],
        "survivor": ilya.pk,
        "display_name": "Sutskever, Ilya",
    }

    preview = curator_client.post(url, data)
    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert [c for c, _ in form.context["form"].fields["display_name"].choices] == [
        "Sutskever, I.",
        "Sutskever, Ilya",
    ]
    assert "Check before you confirm" in _html(preview)
    assert (done.status_code, done["Location"]) == (302, "/authors/sutskever-ilya/")
    old = curator_client.get(other.get_absolute_url())
    assert (old.status_code, old["Location"]) == (301, "/authors/sutskever-ilya/")
    assert _profile_papers(curator_client, "/authors/sutskever-ilya/") == expected
    ilya.refresh_from_db()
    assert ilya.display_name == "Ilya Sutskever"


def test_assign_form_after_a_picker_search_keeps_the_typed_new_author(
    curator_client, imported_seeds
):
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"

    form = curator_client.get(url, {"q": "nobody", "family_name": "Nowak", "given_name": "Łucja"})

    fields = form.context["form"]
    assert (fields["family_name"].value(), fields["given_name"].value()) == ("Nowak", "Łucja")
    assert fields["orcid"].value() is None


def test_split_form_after_a_picker_search_keeps_ticks_and_cleared_names(
    curator_client, imported_seeds
):
    odd = Paper.objects.get(title=PDE_TITLE)

    form = curator_client.get(
        "/curation/authors/wu-jeff/split/",
        {"q": "nobody", "papers": odd.pk, "family_name": "Wu", "given_name": ""},
    )

    fields = form.context["form"]
    assert (fields["family_name"].value(), fields["given_name"].value()) == ("Wu", "")
    assert form.context["selected"] == [odd.pk]


def test_split_author_moves_the_odd_papers_to_a_new_homonym(curator_client, imported_seeds):
    wu = Author.objects.get(slug="wu-jeff")
    odd = list(Paper.objects.filter(title__in=[PDE_TITLE, MDP_TITLE]).order_by("pk"))
    odd_slugs = {p.slug for p in odd}
    rest = _papers_of(wu) - odd_slugs
    url = "/curation/authors/wu-jeff/split/"
    form = curator_client.get(url + "?" + "&".join(f"papers={p.pk}" for p in odd))
    data = {
        "version": form.context["form"].initial["version"],
        "papers": [p.pk for p in odd],
        "family_name": "Wu",
        "given_name": "Jeff",
    }
    before = export_text()

    preview = curator_client.post(url, data)

    assert form.context["selected"] == [p.pk for p in odd]
    for paper in odd:
        assert f'name="papers" value="{paper.pk}" checked' in _html(form)
    assert "Check before you confirm" in _html(preview)
    assert export_text() == before

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    new = Author.objects.exclude(slug="wu-jeff").get(display_name="Jeff Wu")
    assert new.slug.startswith("wu-jeff-")
    assert (done.status_code, done["Location"]) == (302, f"/authors/{new.slug}/")
    assert len(rest) == 7
    assert _profile_papers(curator_client, f"/authors/{new.slug}/") == odd_slugs
    assert _profile_papers(curator_client, "/authors/wu-jeff/") == rest
    new_api = curator_client.get(f"/api/authors/{new.slug}/").json()
    old_api = curator_client.get("/api/authors/wu-jeff/").json()
    assert (new_api["display_name"], new_api["paper_count"]) == ("Jeff Wu", 2)
    assert {p["slug"] for p in new_api["papers"]} == odd_slugs
    assert {p["curated"] for p in new_api["papers"]} == {True}
    assert old_api["paper_count"] == 7
    assert {p["slug"] for p in old_api["papers"]} == rest


def test_split_author_moves_a_paper_to_an_existing_author(curator_client, imported_seeds):
    pde = Paper.objects.get(title=PDE_TITLE)
    giamba = Author.objects.get(slug="parascandolo-giambattista")
    expected = _papers_of(giamba) | {pde.slug}
    url = "/curation/authors/wu-jeff/split/"
    form = curator_client.get(url, {"q": "parascandolo", "papers": pde.pk})

    preview = curator_client.post(
        url,
        {
            "version": form.context["form"].initial["version"],
            "papers": [pde.pk],
            "author": giamba.pk,
        },
    )
    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert [a.slug for a in form.context["choices"]] == ["parascandolo-giambattista"]
    assert (done.status_code, done["Location"]) == (302, "/authors/parascandolo-giambattista/")
    assert _profile_papers(curator_client, "/authors/parascandolo-giambattista/") == expected
    assert pde.slug not in _profile_papers(curator_client, "/authors/wu-jeff/")


def test_edit_author_previews_then_confirms(curator_client, imported_seeds):
    url = "/curation/authors/wu-jeff/edit/"
    form = curator_client.get(url)
    data = {
        "version": form.context["form"].initial["version"],
        "family_name": "Wu",
        "given_name": "Jeffrey",
        "orcid": VALID_ORCID,
    }
    before = export_text()

    preview = curator_client.post(url, data)

    assert form.context["form"].initial["given_name"] == "Jeff"
    assert "Check before you confirm" in _html(preview)
    assert export_text() == before

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert (done.status_code, done["Location"]) == (302, "/authors/wu-jeff/")
    wu = Author.objects.get(slug="wu-jeff")
    assert (wu.display_name, wu.orcid) == ("Jeffrey Wu", VALID_ORCID)
    assert set(wu.names.values_list("name", flat=True)) == {"Wu, Jeff", "Wu, Jeffrey"}


def test_edit_paper_gives_an_abstract_only_paper_a_title(curator_client, imported_seeds):
    paper = Paper.objects.filter(title="").order_by("slug").first()
    url = f"/curation/papers/{paper.slug}/edit/"
    form = curator_client.get(url)
    data = {
        "version": form.context["form"].initial["version"],
        "title": "A Named Paper",
        "abstract": paper.abstract,
    }
    before = export_text()

    preview = curator_client.post(url, data)

    assert "Check before you confirm" in _html(preview)
    assert export_text() == before

    done = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert (done.status_code, done["Location"]) == (302, "/papers/a-named-paper/")
    old = curator_client.get(f"/papers/{paper.slug}/")
    assert (old.status_code, old["Location"]) == (301, "/papers/a-named-paper/")


def test_dismiss_author_pair_takes_it_off_the_queue(curator_client, imported_seeds):
    first = AuthorFactory(family_name="Kowalski", given_name="Jan", display_name="Jan Kowalski")
    second = AuthorFactory(family_name="Kowalski", given_name="Jan", display_name="Jan Kowalski")
    queues.compute(full=True)  # as the worker does
    queue = curator_client.get("/curation/authors/duplicates/")
    data = {"kind": "author", "first": first.pk, "second": second.pk}

    preview = curator_client.post("/curation/dismiss/", data)
    done = curator_client.post("/curation/dismiss/", _resubmit(preview.context["posted"]))
    after = curator_client.get("/curation/authors/duplicates/")

    assert [(p.first.pk, p.second.pk) for p in queue.context["pairs"]] == [(first.pk, second.pk)]
    assert "Check before you confirm" in _html(preview)
    assert (done.status_code, done["Location"]) == (302, "/curation/authors/duplicates/")
    assert after.context["pairs"] == []
    assert "No candidate pair." in _html(after)


def test_dismiss_paper_pair_takes_it_off_the_queue(curator_client, imported_seeds):
    first = PaperFactory(title="Sparse Wombat Models", abstract="We study sparse wombats.")
    second = PaperFactory(title="Sparse Wombat Models", abstract="We study sparse wombats!")
    queues.compute(full=True)  # as the worker does
    queue = curator_client.get("/curation/papers/duplicates/")
    data = {"kind": "paper", "first": second.pk, "second": first.pk}

    preview = curator_client.post("/curation/dismiss/", data)
    done = curator_client.post("/curation/dismiss/", _resubmit(preview.context["posted"]))
    after = curator_client.get("/curation/papers/duplicates/")

    assert [(p.first.id, p.second.id) for p in queue.context["pairs"]] == [(first.pk, second.pk)]
    assert (done.status_code, done["Location"]) == (302, "/curation/papers/duplicates/")
    assert after.context["pairs"] == []
    assert "No candidate pair." in _html(after)


def test_undo_from_the_history_restores_the_export(curator_client, imported_seeds):
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    before = export_text()
    curator_client.post(
        url, {"family_name": "Nowak", "given_name": "Łucja", "confirm": "1"}, follow=True
    )
    action = CurationAction.objects.get()
    assert export_text() != before

    response = curator_client.post(f"/curation/history/{action.pk}/undo/")

    assert (response.status_code, response["Location"]) == (302, "/curation/history/")
    assert export_text() == before
    assert _messages(response) == [f"Undone: {action.summary}."]
    history = curator_client.get("/curation/history/")
    detail = curator_client.get(f"/curation/history/{action.pk}/")
    assert "undone by carla" in _html(history)
    assert "<strong>Undone</strong> by carla" in _html(detail)
    assert "Undo this action" not in _html(detail)


def test_undo_is_refused_when_a_later_action_depends_on_it(curator_client, imported_seeds, curator):
    first = services.assign_page(
        page=_page(PAGE_001), actor=curator, new_author=services.NewAuthor("Nowak")
    )
    nowak = Author.objects.get(display_name="Nowak")
    second = services.edit_author(author=nowak, actor=curator, family_name="Nowak", given_name="Ł.")
    before = _state()

    response = curator_client.post(f"/curation/history/{first.pk}/undo/", follow=True)

    message = services.UNDO_DEPENDS.format(actions=f"#{second.pk} edit author ({second.summary})")
    assert response.redirect_chain == [(f"/curation/history/{first.pk}/", 302)]
    assert escape(message) in _html(response)
    assert [d.pk for d in response.context["dependents"]] == [second.pk]
    assert _state() == before
    first.refresh_from_db()
    assert first.undone_at is None


def test_undo_of_an_undone_action_is_refused(curator_client, imported_seeds, curator):
    action = services.assign_page(
        page=_page(PAGE_001), actor=curator, new_author=services.NewAuthor("Nowak")
    )
    services.undo_action(action=action, actor=curator)

    response = curator_client.post(f"/curation/history/{action.pk}/undo/", follow=True)

    assert response.redirect_chain == [(f"/curation/history/{action.pk}/", 302)]
    assert services.UNDO_ALREADY_UNDONE in _html(response)


def test_stale_edit_form_is_refused_and_changes_nothing(curator_client, imported_seeds, curator):
    url = "/curation/authors/wu-jeff/edit/"
    version = curator_client.get(url).context["form"].initial["version"]
    wu = Author.objects.get(slug="wu-jeff")
    services.edit_author(author=wu, actor=curator, family_name="Wu", given_name="J.")
    before = _state()

    response = curator_client.post(
        url,
        {"version": version, "family_name": "Wu", "given_name": "Jeffrey", "confirm": "1"},
    )

    assert response.status_code == 200
    assert escape(services.STALE_FORM) in _html(response)
    assert _state() == before


def test_stale_confirmation_is_refused_and_changes_nothing(curator_client, imported_seeds, curator):
    """The record changes between the preview and the confirmation."""
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    version = curator_client.get(url).context["form"].initial["version"]
    preview = curator_client.post(url, {"version": version, "family_name": "Nowak"})
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Kowalska"))
    services.unassign_page(page=page, actor=curator)
    before = _state()

    response = curator_client.post(url, _resubmit(preview.context["posted"]))

    assert response.status_code == 200
    assert escape(services.STALE_FORM) in _html(response)
    assert _state() == before


def test_stale_assign_form_of_a_page_assigned_meanwhile_shows_why(
    curator_client, imported_seeds, curator
):
    """Another curator assigned the page after this form was opened."""
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    version = curator_client.get(url).context["form"].initial["version"]
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Kowalska"))
    before = _state()

    response = curator_client.post(url, {"version": version, "family_name": "Nowak"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [services.STALE_FORM]
    assert escape(services.STALE_FORM) in _html(response)
    assert _state() == before


def test_back_from_the_preview_shows_the_form_as_filled_in(curator_client, imported_seeds):
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    preview = curator_client.post(url, {"family_name": "Nowak", "given_name": "Łucja"})
    before = _state()

    data = {**_resubmit(preview.context["posted"]), "back": ["1"]}
    del data["confirm"]

    back = curator_client.post(url, data)

    assert back.status_code == 200
    assert "Check before you confirm" not in _html(back)
    assert back.context["form"]["family_name"].value() == "Nowak"
    assert 'value="Łucja"' in _html(back)
    assert _state() == before


def test_undo_of_a_dismissal_brings_the_pair_back(curator_client, imported_seeds, curator):
    first = AuthorFactory(family_name="Kowalski", given_name="Jan", display_name="Jan Kowalski")
    second = AuthorFactory(family_name="Kowalski", given_name="Jan", display_name="Jan Kowalski")
    queues.compute(full=True)
    action = services.dismiss_pair(kind="author", first=first, second=second, actor=curator)
    queues.compute()  # the worker, after the dismissal: the pair is gone

    undo = curator_client.post(f"/curation/history/{action.pk}/undo/")
    queues.compute()  # the worker, after the undo: only what the undo changed
    queue = curator_client.get("/curation/authors/duplicates/")

    assert (undo.status_code, undo["Location"]) == (302, "/curation/history/")
    assert [(p.first.pk, p.second.pk) for p in queue.context["pairs"]] == [(first.pk, second.pk)]


# --- forms opened by an old address --------------------------------------------------------


def test_author_forms_by_a_merged_authors_address_go_to_the_survivors(
    curator_client, imported_seeds, curator
):
    wu = Author.objects.get(slug="wu-jeff")
    services.merge_authors(
        survivor=wu, others=[Author.objects.get(slug="parascandolo-giambattista")], actor=curator
    )

    edit = curator_client.get("/curation/authors/parascandolo-giambattista/edit/")
    split = curator_client.get("/curation/authors/parascandolo-giambattista/split/?papers=7")
    unknown = curator_client.get("/curation/authors/nobody-ever/edit/")

    assert (edit.status_code, edit["Location"]) == (302, "/curation/authors/wu-jeff/edit/")
    assert (split.status_code, split["Location"]) == (
        302,
        "/curation/authors/wu-jeff/split/?papers=7",
    )
    assert unknown.status_code == 404


def test_paper_form_by_the_address_before_a_title_edit_goes_to_the_new_one(
    curator_client, imported_seeds, curator
):
    paper = Paper.objects.filter(title="").order_by("pk").first()
    old_slug = paper.slug
    services.edit_paper(
        paper=paper, actor=curator, title="A Title At Last", abstract=paper.abstract
    )
    paper.refresh_from_db()

    response = curator_client.get(f"/curation/papers/{old_slug}/edit/")

    assert paper.slug != old_slug
    assert (response.status_code, response["Location"]) == (
        302,
        f"/curation/papers/{paper.slug}/edit/",
    )


def test_assign_form_offers_a_new_author_in_the_same_choice_as_the_suggestions(
    curator_client, imported_seeds
):
    page = _page(PAGE_001)
    url = f"/curation/pages/{page.pk}/assign/"
    ilya = Author.objects.get(slug="sutskever-ilya")
    version = curator_client.get(url).context["form"].initial["version"]

    form = curator_client.get(url)
    switched = curator_client.post(
        url, {"version": version, "author": "", "family_name": "Nowak", "given_name": "Łucja"}
    )
    picked = curator_client.post(
        url, {"version": version, "author": str(ilya.pk), "family_name": "", "given_name": ""}
    )

    html = _html(form)
    assert '<input type="radio" name="author" value="" checked> A new author, named below' in html
    assert switched.context["preview"].summary == (
        f"Assigned page {PAGE_001} (10 papers) to Łucja Nowak"
    )
    assert picked.context["preview"].summary.endswith("to Ilya Sutskever")
