"""The curators' pages and the admin actions, through HTTP: who may open them, the
preview-then-confirm flow of every operation, the errors they show, the history,
constant query counts, and the admin actions that lead to the same forms."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from catalog.importing import import_pages
from catalog.models import ORCID_INVALID, Author, Paper, SourcePage
from curation import services
from curation.access import CURATORS_GROUP, ensure_curators_group
from curation.admin import ASSIGN_ONE_PAGE
from curation.forms import NEW_OR_EXISTING
from curation.models import CurationAction, DismissedPair
from tests.factories import AuthorFactory, PaperFactory
from tests.pages import anonymous_page, named_page, write_page

from .conftest import export_text

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
PDE_TITLE = (
    "Inference of Nonlinear Partial Differential Equations via Constrained Gaussian Processes"
)
MDP_TITLE = (
    "An Exact Dynamic Programming Solution for a Decentralized Two-Player Markov Decision Process"
)
VALID_ORCID = "0000-0002-1825-0097"
BAD_ORCID = "0000-0002-1825-0098"  # wrong check digit


# --- helpers ------------------------------------------------------------------------------


def _page(source: str) -> SourcePage:
    return SourcePage.objects.get(source=source)


def _papers_of(author: Author) -> set[str]:
    return set(Paper.objects.filter(authorships__author=author).values_list("slug", flat=True))


def _page_papers(page: SourcePage) -> set[str]:
    return set(page.entries.values_list("paper__slug", flat=True))


def _profile_papers(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {authorship.paper.slug for authorship in response.context["paper_page"]}


def _resubmit(posted: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The confirmation form's hidden fields, as the browser posts them, plus confirm."""
    data: dict[str, list[str]] = {}
    for key, value in posted:
        data.setdefault(key, []).append(value)
    return {**data, "confirm": ["1"]}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _html(response) -> str:
    return response.content.decode()


def _state() -> tuple[str, int, int]:
    """Everything a curator's POST could change: the export, the audit log, dismissals."""
    return export_text(), CurationAction.objects.count(), DismissedPair.objects.count()


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


def _cold_and_warm(client, url: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Queries of a queue page when its finders run, then when they come from the cache."""
    caches["queues"].clear()
    return _queries(client, url), _queries(client, url)


def _login_url(url: str) -> str:
    return "/accounts/login/?next=" + quote(url, safe="/")


def _ids(*records) -> str:
    return "&".join(f"ids={r.pk}" for r in records)


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


# --- 1. who may open what ---------------------------------------------------------------------


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


# --- 2. each operation: preview, then confirm ------------------------------------------------


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


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
    assert _profile_papers(curator_client, nowak.get_absolute_url()) == set()


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
    action = services.dismiss_pair(kind="author", first=first, second=second, actor=curator)

    undo = curator_client.post(f"/curation/history/{action.pk}/undo/")
    queue = curator_client.get("/curation/authors/duplicates/")

    assert (undo.status_code, undo["Location"]) == (302, "/curation/history/")
    assert [(p.first.pk, p.second.pk) for p in queue.context["pairs"]] == [(first.pk, second.pk)]


# --- 3. validation errors are shown, never a 500 ---------------------------------------------


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


# --- 4. history --------------------------------------------------------------------------------


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


# --- 5. query counts do not grow with the data -----------------------------------------------

# Words for generated pages: every title and abstract its own, so that no two
# generated papers look like duplicates of each other.
WORDS = [
    "amber",
    "basalt",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "jasper",
    "kelp",
    "lagoon",
    "marble",
    "nectar",
    "onyx",
    "prairie",
    "quartz",
    "reef",
    "sierra",
    "tundra",
    "umber",
    "valley",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
]


def _unique_text(n: int, k: int, size: int = 6) -> str:
    return " ".join(
        WORDS[(n * 7 + k * 3 + i * 5) % len(WORDS)] + str(n * 10 + k) for i in range(size)
    )


def _add_anonymous_pages(tmp_path, count: int) -> None:
    """``count`` anonymous pages, each listing two seed papers' abstracts and its own."""
    abstracts = list(
        Paper.objects.exclude(abstract="").order_by("slug").values_list("abstract", flat=True)
    )
    files = [
        write_page(
            tmp_path,
            f"9{n:02d}_extra.txt",
            anonymous_page(
                "Tony", [abstracts[2 * n], abstracts[2 * n + 1], _unique_text(n, 0, 12)]
            ),
        )
        for n in range(count)
    ]
    import_pages(files)


def _tag(n: int) -> str:
    """A made-up word of its own for each ``n``: 'zqa', 'zqb', ..."""
    return "zq" + "".join(chr(97 + int(d)) for d in str(n))


def _add_mixed_profiles(tmp_path, count: int) -> None:
    """``count`` named pages whose author wrote four deep-learning papers and one on rivers."""
    main = [
        ("Gradient descent for deep networks", "neural network training by gradient descent"),
        ("Convolutional image classifiers", "convolutional network image classification"),
        ("Recurrent language models", "recurrent network language model sequence prediction"),
        ("Transformers at scale", "transformer attention language model pretraining"),
    ]
    files = []
    for n in range(count):
        tag = _tag(n)
        entries = [
            (
                f"{tag} {title} {tag}",
                "Neural Information Processing Systems",
                f"{tag} {abstract} in deep learning networks {tag}.",
            )
            for title, abstract in main
        ]
        entries.append(
            (
                f"{tag}x River sediment transport {tag}x",
                "AAAI Conferences",
                f"{tag}x river sediment erosion hydrology flood plain catchment rainfall {tag}x.",
            )
        )
        page = named_page(f"Mixed{tag}, Ann", entries)
        files.append(write_page(tmp_path, f"8{n:02d}_mixed.txt", page))
    import_pages(files)


def _add_candidate_pairs(count: int) -> None:
    """``count`` pairs of papers with one title, and ``count`` pairs of namesakes."""
    for n in range(count):
        tag = _tag(n)
        title = f"{tag} {_unique_text(n, 5, 4)} revisited {tag}"
        PaperFactory(title=title, abstract=f"{tag} We revisit {_unique_text(n, 6, 8)}.")
        PaperFactory(title=title, abstract=f"{tag} We revisit {_unique_text(n, 6, 8)}!")
        family = f"Twin{tag}"
        AuthorFactory(family_name=family, given_name="Jan", display_name=f"Jan {family}")
        AuthorFactory(family_name=family, given_name="Jan", display_name=f"Jan {family}")


def _add_actions(curator, count: int) -> None:
    """``count`` actions (every third undone), each dismissing two unrelated papers."""
    for n in range(count):
        first = PaperFactory(title=f"{_unique_text(n, 7, 4)} alpha")
        second = PaperFactory(title=f"{_unique_text(n, 8, 4)} omega")
        action = services.dismiss_pair(kind="paper", first=first, second=second, actor=curator)
        if n % 3 == 0:
            services.undo_action(action=action, actor=curator)


@pytest.fixture(params=["small", "large"])
def size(request):
    return request.param


def test_dashboard_queries_do_not_grow(curator_client, imported_seeds, curator, tmp_path, size):
    large = size == "large"
    _add_anonymous_pages(tmp_path, 4 if large else 0)
    _add_mixed_profiles(tmp_path, 5 if large else 1)
    _add_candidate_pairs(6 if large else 2)
    _add_actions(curator, 8 if large else 3)
    shown = curator_client.get("/curation/").context

    cold, warm = _cold_and_warm(curator_client, "/curation/")

    assert (len(shown["pages"]), shown["waiting"]) == ((6, 6) if large else (2, 2))
    assert len(shown["mixed"]) == (6 if large else 2)
    assert len(shown["author_pairs"]) == (6 if large else 2)
    assert len(shown["paper_pairs"]) == (6 if large else 2)
    assert len(shown["recent"]) == (8 if large else 3)
    assert (cold, warm) == ((200, 32), (200, 10))


def test_page_queue_queries_do_not_grow(curator_client, imported_seeds, tmp_path, size):
    _add_anonymous_pages(tmp_path, 4 if size == "large" else 0)
    shown = curator_client.get("/curation/pages/").context["pages"]

    cold, warm = _cold_and_warm(curator_client, "/curation/pages/")

    assert len(shown) == (6 if size == "large" else 2)
    assert (cold, warm) == ((200, 12), (200, 6))


def test_duplicate_queues_queries_do_not_grow(curator_client, imported_seeds, size):
    count = 30 if size == "large" else 2
    _add_candidate_pairs(count)
    papers = curator_client.get("/curation/papers/duplicates/").context["pairs"]
    authors = curator_client.get("/curation/authors/duplicates/").context["pairs"]

    paper_queries = _cold_and_warm(curator_client, "/curation/papers/duplicates/")
    author_queries = _cold_and_warm(curator_client, "/curation/authors/duplicates/")

    assert (len(papers), len(authors)) == (count, count)
    assert paper_queries == ((200, 9), (200, 6))
    assert author_queries == ((200, 10), (200, 6))


def test_mixed_profiles_queue_queries_do_not_grow(curator_client, imported_seeds, tmp_path, size):
    count = 8 if size == "large" else 1
    _add_mixed_profiles(tmp_path, count)
    shown = curator_client.get("/curation/authors/mixed/").context["profiles"]

    cold, warm = _cold_and_warm(curator_client, "/curation/authors/mixed/")

    assert len(shown) == count + 1  # and Wu, Jeff from the seeds
    assert (cold, warm) == ((200, 11), (200, 5))


def test_history_queries_do_not_grow(curator_client, db, curator, size):
    count = 30 if size == "large" else 3
    _add_actions(curator, count)

    status, queries = _queries(curator_client, "/curation/history/")
    filtered = _queries(curator_client, "/curation/history/?actor=carla&kind=dismiss_pair")

    assert (status, queries) == (200, 6)
    assert filtered == (200, 6)


# --- 6. admin actions --------------------------------------------------------------------------


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
    """Staff are curators even outside the group."""
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
