"""Who may do what: five users against every curation page and write, the curation
services, every admin page and admin action, and the curation links on public pages.

- anonymous: the sign-in page (curation) or the admin's sign-in page (admin);
- signed in, no permission: 403 on curation, the admin's sign-in page;
- staff only (``is_staff``, no group, no permission): 403 on every curation page
  and write, the admin's index but no model in it, no curation link anywhere;
- curator (group ``curators``, so ``curation.curate``; not staff): every curation
  page and write, the admin read-only with its curation actions;
- superuser: everything.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from catalog.models import (
    Author,
    AuthorSlugAlias,
    Paper,
    PaperSlugAlias,
    ReaderReport,
    SourcePage,
)
from curation import services
from curation.access import ADMIN_PERMISSIONS, CURATE_PERMISSION, is_curator
from curation.models import CurationAction, DismissedPair

from .conftest import export_text

USERS = ["anonymous", "signed_in", "staff_only", "curator", "superuser"]
REFUSED = ["anonymous", "signed_in", "staff_only"]
ALLOWED = ["curator", "superuser"]
# Every GET of the curators' pages (curation/urls.py), and the queues' "Compute again".
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
    "page-reject",
    "accept-confident",
    "merge-papers",
    "merge-authors",
    "split-author",
    "edit-author",
    "edit-paper",
    "dismiss",
    "undo",
    "reports",
    "report",
]
POST_ONLY = {"dismiss", "undo", "page-reject"}
OPERATIONS = [
    "page-assign",
    "page-unassign",
    "page-reject",
    "accept-confident",
    "merge-papers",
    "merge-authors",
    "split-author",
    "edit-author",
    "edit-paper",
    "dismiss",
    "undo",
    "report",
]
# The admin actions that lead to the curation forms: model, action, what it selects.
ADMIN_ACTIONS = {
    "merge papers": ("paper", "merge_selected"),
    "merge authors": ("author", "merge_selected"),
    "assign page": ("sourcepage", "assign"),
}
ACTION_LABELS = {"Merge selected papers…", "Merge selected authors…", "Assign page…"}
# In the admin: what curators may view (read-only), and what anyone may add.
CURATOR_APPS = {"catalog", "curation"}
ADDABLE = {"auth.user", "auth.group"}
CURATOR_TOOLS = ["Edit name / ORCID", "Split profile", "Edit title / abstract"]
CURATION_LINK = '<a href="/curation/"'


def _login_url(url: str) -> str:
    return "/accounts/login/?next=" + quote(url, safe="/")


def _admin_login_url(url: str) -> str:
    return "/admin/login/?next=" + quote(url, safe="/")


def _state() -> tuple[str, int, int, list[tuple]]:
    """Everything a curator's POST could change: the export, the audit log, dismissals,
    readers' reports (their state and decision)."""
    return (
        export_text(),
        CurationAction.objects.count(),
        DismissedPair.objects.count(),
        list(
            ReaderReport.objects.order_by("pk").values_list("pk", "state", "decided_at", "decision")
        ),
    )


def _answer(response) -> int | tuple[int, str]:
    """The status, with the address for a redirect."""
    if response.status_code == 302:
        return 302, response["Location"]
    return response.status_code


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "root-pass-1")


@pytest.fixture
def users(reader, staff_only, curator, superuser) -> dict:
    return {
        "anonymous": None,
        "signed_in": reader,
        "staff_only": staff_only,
        "curator": curator,
        "superuser": superuser,
    }


def _client_of(client, users, who):
    if users[who] is not None:
        client.force_login(users[who])
    return client


# --- the curators' pages -------------------------------------------------------------------


def _expected_get(who: str, name: str, url: str) -> int | tuple[int, str]:
    if who == "anonymous":
        return 302, _login_url(url)
    if who in ("signed_in", "staff_only"):
        return 403
    return 405 if name in POST_ONLY else 200


@pytest.mark.parametrize("who", USERS)
def test_permissions_on_every_curation_page(client, curation_scene, users, who):
    client = _client_of(client, users, who)
    urls = {name: url for name, (url, _) in curation_scene["urls"].items()}

    statuses = {name: _answer(client.get(url)) for name, url in urls.items()}

    assert sorted(urls) == sorted(GET_PAGES)
    assert statuses == {name: _expected_get(who, name, url) for name, url in urls.items()}


@pytest.mark.parametrize("who", REFUSED)
def test_permissions_refuse_every_curation_write(client, curation_scene, users, who):
    """The preview (which runs the service and rolls it back) and the confirmed write."""
    client = _client_of(client, users, who)
    before = _state()
    statuses, expected = {}, {}

    for name in OPERATIONS:
        url, data = curation_scene["urls"][name]
        statuses[name] = (
            _answer(client.post(url, data)),
            _answer(client.post(url, {**data, "confirm": "1"})),
        )
        expected[name] = ((302, _login_url(url)) if who == "anonymous" else 403,) * 2

    assert statuses == expected
    assert _state() == before


@pytest.mark.parametrize("name", OPERATIONS)
@pytest.mark.parametrize("who", ALLOWED)
def test_permissions_allow_every_curation_write(client, curation_scene, users, who, name):
    client = _client_of(client, users, who)
    url, data = curation_scene["urls"][name]
    actions_before = CurationAction.objects.count()

    response = client.post(url, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/login/")
    if name == "undo":
        curation_scene["action"].refresh_from_db()
        assert curation_scene["action"].undone_by == users[who]
    else:
        assert CurationAction.objects.count() == actions_before + 1
        assert CurationAction.objects.order_by("-pk").first().actor == users[who]
    if name == "report":
        assert response["Location"] == "/curation/reports/"
        curation_scene["report"].refresh_from_db()
        assert curation_scene["report"].state == ReaderReport.State.RESOLVED


def test_permissions_services_refuse_staff_without_the_permission(
    curation_scene, staff_only, curator
):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    page = SourcePage.objects.get(source="001_fa869cb8beed8520.txt")
    assigned = SourcePage.objects.get(source="004_ecb8618afa550e8b.txt")
    first, second = Paper.objects.order_by("pk")[:2]
    calls = {
        "assign": lambda: services.assign_page(
            page=page, actor=staff_only, new_author=services.NewAuthor("Nowak")
        ),
        "unassign": lambda: services.unassign_page(page=assigned, actor=staff_only),
        "not this author": lambda: services.reject_suggestion(
            page=page, author=ilya, actor=staff_only
        ),
        "merge papers": lambda: services.merge_papers(
            survivor=first, others=[second], actor=staff_only
        ),
        "merge authors": lambda: services.merge_authors(
            survivor=ilya, others=[wu], actor=staff_only
        ),
        "split": lambda: services.split_author(
            author=wu, papers=[wu.authorships.first().paper], actor=staff_only, to_author=ilya
        ),
        "edit author": lambda: services.edit_author(
            author=wu, actor=staff_only, family_name="Wu", given_name="Jeffrey"
        ),
        "edit paper": lambda: services.edit_paper(
            paper=first, actor=staff_only, title="Renamed", abstract=first.abstract
        ),
        "dismiss": lambda: services.dismiss_pair(
            kind="author", first=ilya, second=wu, actor=staff_only
        ),
        "undo": lambda: services.undo_action(action=curation_scene["action"], actor=staff_only),
        "resolve report": lambda: services.resolve_report(
            report=curation_scene["report"], actor=staff_only
        ),
        "dismiss report": lambda: services.dismiss_report(
            report=curation_scene["report"], actor=staff_only, reason="no"
        ),
    }
    before = _state()
    refusals = {}

    for name, call in calls.items():
        with pytest.raises(PermissionDenied) as error:
            call()
        refusals[name] = str(error.value)

    assert refusals == dict.fromkeys(calls, services.NOT_A_CURATOR)
    assert _state() == before


# --- the admin -----------------------------------------------------------------------------


@pytest.fixture
def admin_urls(curation_scene, curator) -> dict[str, str]:
    """The admin's index, and the list, a change page and the add page of every model
    it shows (one row of each exists)."""
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    services.dismiss_pair(kind="author", first=ilya, second=wu, actor=curator)
    AuthorSlugAlias.objects.get_or_create(author=ilya, slug="ilya-sutskever-old")
    PaperSlugAlias.objects.get_or_create(paper=Paper.objects.first(), slug="an-old-paper-slug")
    urls = {"index": "/admin/"}
    for model in admin.site._registry:
        name = f"{model._meta.app_label}.{model._meta.model_name}"
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        row = model.objects.order_by("pk").first()
        urls[f"{name} list"] = reverse(f"{info}_changelist")
        if row is not None:  # the sign-in lockout's logs (django-axes) are empty here
            urls[f"{name} change"] = reverse(f"{info}_change", args=[row.pk])
        urls[f"{name} add"] = reverse(f"{info}_add")
    return urls


def _expected_admin(who: str, page: str, url: str) -> int | tuple[int, str]:
    if who in ("anonymous", "signed_in"):
        return 302, _admin_login_url(url)
    if page == "index":
        return 200
    model = page.split(" ")[0]
    if page.endswith(" add"):  # catalogue, audit log, lockout logs: read-only for all
        return 200 if who == "superuser" and model in ADDABLE else 403
    if who == "superuser":
        return 200
    return 200 if who == "curator" and model.split(".")[0] in CURATOR_APPS else 403


@pytest.mark.parametrize("who", USERS)
def test_permissions_on_every_admin_page(client, admin_urls, users, who):
    client = _client_of(client, users, who)

    statuses = {page: _answer(client.get(url)) for page, url in admin_urls.items()}

    assert statuses == {page: _expected_admin(who, page, url) for page, url in admin_urls.items()}


def test_permissions_admin_is_read_only_for_curators(client, admin_urls, curator):
    client.force_login(curator)
    pages = {p: u for p, u in admin_urls.items() if p.endswith(" change") and "auth." not in p}
    before = _state()

    shown = {p: b'name="_save"' in client.get(u).content for p, u in pages.items()}
    changed = {p: client.post(u, {}).status_code for p, u in pages.items()}
    deleted = {
        p: client.post(u.replace("/change/", "/delete/"), {"post": "yes"}).status_code
        for p, u in pages.items()
    }

    assert shown == dict.fromkeys(pages, False)
    assert changed == dict.fromkeys(pages, 403)
    assert deleted == dict.fromkeys(pages, 403)
    assert _state() == before


def _expected_action(who: str, model: str, target: str) -> int | tuple[int, str]:
    url = f"/admin/catalog/{model}/"
    if who in ("anonymous", "signed_in"):
        return 302, _admin_login_url(url)
    return 403 if who == "staff_only" else (302, target)


@pytest.mark.parametrize("who", USERS)
def test_permissions_on_every_admin_action(client, curation_scene, users, who):
    client = _client_of(client, users, who)
    papers = list(Paper.objects.order_by("pk")[:2])
    authors = list(Author.objects.order_by("pk")[:2])
    page = SourcePage.objects.get(source="001_fa869cb8beed8520.txt")
    selected = {
        "merge papers": ([p.pk for p in papers], "/curation/papers/merge/?ids={}&ids={}"),
        "merge authors": ([a.pk for a in authors], "/curation/authors/merge/?ids={}&ids={}"),
        "assign page": ([page.pk], "/curation/pages/{}/assign/"),
    }
    before = _state()
    statuses, expected = {}, {}

    for name, (model, action) in ADMIN_ACTIONS.items():
        ids, target = selected[name]
        response = client.post(
            f"/admin/catalog/{model}/", {"action": action, "_selected_action": ids}
        )
        statuses[name] = _answer(response)
        expected[name] = _expected_action(who, model, target.format(*ids))

    assert statuses == expected
    assert _state() == before


@pytest.mark.parametrize("who", ["staff_viewer", "curator", "superuser"])
def test_permissions_admin_offers_curation_actions_to_curators_only(
    client, curation_scene, users, django_user_model, who
):
    """A staff member allowed to view the catalogue, without ``curation.curate``:
    the lists, but no curation action, and posting one does nothing."""
    viewer = django_user_model.objects.create_user("vera", is_staff=True)
    for app_label, codename in ADMIN_PERMISSIONS:
        viewer.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client.force_login(viewer if who == "staff_viewer" else users[who])
    page = SourcePage.objects.get(source="001_fa869cb8beed8520.txt")

    offered = set()
    for model, _ in ADMIN_ACTIONS.values():
        response = client.get(f"/admin/catalog/{model}/")
        assert response.status_code == 200
        if response.context["action_form"] is not None:  # None: no action at all
            offered |= set(dict(response.context["action_form"].fields["action"].choices).values())
    posted = client.post(
        "/admin/catalog/sourcepage/", {"action": "assign", "_selected_action": [page.pk]}
    )

    if who == "staff_viewer":
        assert offered & ACTION_LABELS == set()
        assert _answer(posted) == 200  # the list again: it has no action to run
    else:
        assert offered & ACTION_LABELS == ACTION_LABELS
        assert _answer(posted) == (302, f"/curation/pages/{page.pk}/assign/")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("signed_in", 200), ("staff_only", 302), ("curator", 302), ("superuser", 302)],
)
def test_permissions_admin_sign_in_form(client, users, who, expected):
    """Curators sign in to the admin with its own form; a user with no permission
    is told the account cannot (the form again)."""
    passwords = {
        "signed_in": "reader-pass-1",
        "staff_only": "staff-pass-1",
        "curator": "curator-pass-1",
        "superuser": "root-pass-1",
    }

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": users[who].username, "password": passwords[who], "next": "/admin/"},
    )

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == "/admin/"


def test_permissions_curators_group_has_the_curate_permission(db):
    """Given by migration 0002 (the test database is migrated)."""
    group = Group.objects.get(name="curators")

    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert codenames == {("curation", "curate"), *ADMIN_PERMISSIONS}


@pytest.mark.django_db(transaction=True)
def test_permissions_curators_group_comes_back_after_a_flush():
    """A flush (as after every test that commits) empties every table; the group
    and its permission come back with the post_migrate signal it sends."""
    call_command("flush", interactive=False, verbosity=0)

    group = Group.objects.get(name="curators")

    assert ("curation", "curate") in set(
        group.permissions.values_list("content_type__app_label", "codename")
    )


def test_permissions_is_curator_answers_as_has_perm(users, django_user_model):
    """One query instead of has_perm's two, with the same answer: by group, by a
    permission of the user's own, as superuser; never when inactive."""
    direct = django_user_model.objects.create_user("dirk")
    direct.user_permissions.add(
        Permission.objects.get(content_type__app_label="curation", codename="curate")
    )
    inactive = django_user_model.objects.create_user("ina", is_active=False)
    inactive.groups.add(Group.objects.get(name="curators"))
    everyone = {**users, "direct": direct, "inactive": inactive}
    everyone.pop("anonymous")

    answers = {
        who: (
            is_curator(user),
            django_user_model.objects.get(pk=user.pk).has_perm(CURATE_PERMISSION),
        )
        for who, user in everyone.items()
    }

    assert answers == {
        "signed_in": (False, False),
        "staff_only": (False, False),
        "curator": (True, True),
        "superuser": (True, True),
        "direct": (True, True),
        "inactive": (False, False),
    }


def test_permissions_demo_curator_is_a_curator_not_staff(client, db):
    call_command("demo_curator", "--username", "dana", stdout=io.StringIO())
    user = get_user_model().objects.get(username="dana")
    client.force_login(user)

    assert (user.is_staff, is_curator(user), user.has_perm(CURATE_PERMISSION)) == (
        False,
        True,
        True,
    )
    assert (client.get("/curation/").status_code, client.get("/admin/").status_code) == (200, 200)


# --- curation links on the public pages ----------------------------------------------------


@pytest.mark.parametrize("who", USERS)
def test_permissions_public_pages_show_curation_tools_to_curators_only(
    client, imported_seeds, users, who
):
    client = _client_of(client, users, who)
    paper = Paper.objects.exclude(title="").order_by("slug").first()

    html = client.get("/authors/wu-jeff/").content.decode()
    html += client.get(f"/papers/{paper.slug}/").content.decode()

    shown = {tool for tool in [*CURATOR_TOOLS, CURATION_LINK] if tool in html}
    assert shown == (set() if who in REFUSED else {*CURATOR_TOOLS, CURATION_LINK})
