"""Readers' reports ("Report a problem"): filing one from a profile or a paper page
(``catalog.reports``, ``catalog.forms.ReportForm``, ``catalog.views.ReportView``),
what keeps robots and floods out (CSRF, the honeypot, REPORT_RATE), and the
curators' side: resolving or dismissing a report (``curation.services``), its undo,
and the pages ``/curation/reports/`` and ``/curation/reports/<pk>/``."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from catalog import reports
from catalog.models import Author, Paper, ReaderReport, SourcePage
from catalog.reports import file_report
from catalog.views import REPORTS_TOO_MANY
from curation import services
from curation.finders import page_judgement
from curation.models import CurationAction, RejectedSuggestion
from tests.factories import PaperFactory, SourceEntryFactory, SourcePageFactory

Kind = ReaderReport.Kind
State = ReaderReport.State
PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
GPT_4O = "gpt-4o-system-card"  # Ilya's; listed on both anonymous pages too
O1 = "openai-o1-system-card"  # Ilya's and Giambattista's
SENT_ILYA = "/report/sent/?back=/authors/sutskever-ilya/"
UNKNOWN_PAPER = "No paper of this profile has this address or title."
UNKNOWN_PROFILE = "No profile has this address."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _empty_throttle():
    """The report counts live in the ``throttle`` cache: each test starts at zero."""
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def ilya(imported_seeds) -> Author:
    return Author.objects.get(slug="sutskever-ilya")


@pytest.fixture
def wu(imported_seeds) -> Author:
    return Author.objects.get(slug="wu-jeff")


@pytest.fixture
def giamba(imported_seeds) -> Author:
    return Author.objects.get(slug="parascandolo-giambattista")


@pytest.fixture
def gpt4o(imported_seeds) -> Paper:
    return Paper.objects.get(slug=GPT_4O)


@pytest.fixture
def o1(imported_seeds) -> Paper:
    return Paper.objects.get(slug=O1)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _stored() -> list[tuple]:
    """Every report, oldest first: what it is about, as slugs, and its state."""
    return [
        (
            r.kind,
            r.author.slug if r.author else None,
            r.paper.slug if r.paper else None,
            r.other_author.slug if r.other_author else None,
            r.text,
            r.state,
            r.decided_at,
            r.decision,
        )
        for r in ReaderReport.objects.select_related("author", "paper", "other_author").order_by(
            "pk"
        )
    ]


def _open(kind, author=None, paper=None, other=None, text=""):
    """A report as stored right after filing."""
    return (kind, author, paper, other, text, State.OPEN, None, "")


def _profile_post(slug: str, **data) -> tuple[str, dict]:
    fields = {"kind": "", "paper": "", "other_profile": "", "text": "", "website": ""}
    return f"/report/?author={slug}", {**fields, **data}


def _paper_post(slug: str, **data) -> tuple[str, dict]:
    fields = {"kind": "", "paper_author": "", "text": "", "website": ""}
    return f"/report/?paper={slug}", {**fields, **data}


def _errors(response) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def _html(response) -> str:
    return response.content.decode()


# --- filing from a profile ------------------------------------------------------------------


def test_report_from_a_profile_not_by_author_stores_the_paper(client, ilya, gpt4o):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.NOT_BY_AUTHOR, paper=GPT_4O, text="  Not his.  "
    )

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    assert _stored() == [_open(Kind.NOT_BY_AUTHOR, "sutskever-ilya", GPT_4O, text="Not his.")]


def test_report_from_a_profile_same_person_stores_the_other_profile(client, ilya, wu):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.SAME_PERSON, other_profile="wu-jeff", paper=GPT_4O
    )

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    # The paper typed as well is not what this kind is about: it is not stored.
    assert _stored() == [_open(Kind.SAME_PERSON, "sutskever-ilya", other="wu-jeff")]


def test_report_from_a_profile_wrong_name_stores_the_text(client, ilya):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.WRONG_NAME, text="It is Ilya Sutskever, not Ilya Sutskevr."
    )

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    assert _stored() == [
        _open(Kind.WRONG_NAME, "sutskever-ilya", text="It is Ilya Sutskever, not Ilya Sutskevr.")
    ]


def test_report_from_a_profile_other_stores_the_text_and_a_paper_named(client, ilya):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.OTHER, paper=GPT_4O, other_profile="wu-jeff", text="Odd."
    )

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    assert _stored() == [_open(Kind.OTHER, "sutskever-ilya", GPT_4O, text="Odd.")]


def test_report_form_on_a_profile_offers_four_kinds_and_no_author_choice(client, ilya):
    response = client.get("/report/?author=sutskever-ilya")

    form = response.context["form"]
    assert response.status_code == 200
    assert [value for value, _ in form.fields["kind"].choices] == [
        Kind.NOT_BY_AUTHOR,
        Kind.SAME_PERSON,
        Kind.WRONG_NAME,
        Kind.OTHER,
    ]
    assert list(form.fields) == ["kind", "paper", "other_profile", "text", "website"]


# --- filing from a paper --------------------------------------------------------------------


def test_report_from_a_paper_not_by_author_stores_the_author_picked(client, giamba, o1):
    url, data = _paper_post(O1, kind=Kind.NOT_BY_AUTHOR, paper_author=giamba.pk)

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/report/sent/?back=/papers/{O1}/",
    )
    assert _stored() == [_open(Kind.NOT_BY_AUTHOR, "parascandolo-giambattista", O1)]


def test_report_from_a_paper_other_stores_the_paper_and_the_text(client, o1):
    url, data = _paper_post(O1, kind=Kind.OTHER, text="The venue is wrong.")

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/report/sent/?back=/papers/{O1}/",
    )
    assert _stored() == [_open(Kind.OTHER, None, O1, text="The venue is wrong.")]


def test_report_form_on_a_paper_offers_two_kinds_and_the_paper_s_authors(client, o1):
    response = client.get(f"/report/?paper={O1}")

    form = response.context["form"]
    assert response.status_code == 200
    assert [value for value, _ in form.fields["kind"].choices] == [Kind.NOT_BY_AUTHOR, Kind.OTHER]
    assert list(form.fields) == ["kind", "paper_author", "text", "website"]
    assert sorted(a.slug for a in form.fields["paper_author"].queryset) == [
        "parascandolo-giambattista",
        "sutskever-ilya",
    ]


# --- refusals, by field ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "data", "expected"),
    [
        ("profile", {"kind": Kind.NOT_BY_AUTHOR}, {"paper": [reports.NEEDS_PAPER]}),
        ("profile", {"kind": Kind.SAME_PERSON}, {"other_profile": [reports.NEEDS_OTHER]}),
        (
            "profile",
            {"kind": Kind.SAME_PERSON, "other_profile": "sutskever-ilya"},
            {"other_profile": [reports.SAME_PROFILE]},
        ),
        ("profile", {"kind": Kind.WRONG_NAME, "text": "   "}, {"text": [reports.NEEDS_TEXT]}),
        ("profile", {"kind": Kind.OTHER}, {"text": [reports.NEEDS_TEXT]}),
        (
            "profile",
            {"kind": Kind.NOT_BY_AUTHOR, "paper": "no-such-paper"},
            {"paper": [UNKNOWN_PAPER]},
        ),
        (
            "profile",
            {"kind": Kind.NOT_BY_AUTHOR, "paper": "/papers/inference-of-nonlinear/"},
            {"paper": [UNKNOWN_PAPER]},
        ),
        (
            "profile",
            {"kind": Kind.SAME_PERSON, "other_profile": "https://x.example/authors/nobody/"},
            {"other_profile": [UNKNOWN_PROFILE]},
        ),
        ("paper", {"kind": Kind.NOT_BY_AUTHOR}, {"paper_author": [reports.NEEDS_AUTHOR]}),
        ("paper", {"kind": Kind.OTHER}, {"text": [reports.NEEDS_TEXT]}),
        ("profile", {}, {"kind": ["This field is required."]}),
        (
            "paper",
            {"kind": Kind.WRONG_NAME, "text": "x"},
            {"kind": ["Select a valid choice. wrong_name is not one of the available choices."]},
        ),
    ],
)
def test_report_refusal_shows_the_field_s_error_and_stores_nothing(
    client, ilya, o1, where, data, expected
):
    url, posted = (
        _profile_post("sutskever-ilya", **data) if where == "profile" else _paper_post(O1, **data)
    )

    response = client.post(url, posted)

    assert response.status_code == 200
    assert _errors(response) == expected
    html = _html(response)
    for field, messages in expected.items():
        label = response.context["form"].fields[field].label
        assert f"<p>{escape(label)}: {escape(messages[0])}</p>" in html
    assert ReaderReport.objects.count() == 0


def test_report_from_a_paper_refuses_an_author_not_on_the_paper(client, wu, o1):
    url, data = _paper_post(O1, kind=Kind.NOT_BY_AUTHOR, paper_author=wu.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert _errors(response) == {"paper_author": [NOT_A_CHOICE]}
    assert ReaderReport.objects.count() == 0


def test_report_paper_of_someone_else_is_unknown_on_this_profile(client, ilya):
    """A paper that exists, but not on this profile (Wu's PDE paper, on Ilya's)."""
    other = Paper.objects.exclude(authorships__author=ilya).exclude(title="").order_by("slug")[0]
    url, data = _profile_post("sutskever-ilya", kind=Kind.NOT_BY_AUTHOR, paper=other.slug)

    response = client.post(url, data)

    assert _errors(response) == {"paper": [UNKNOWN_PAPER]}
    assert ReaderReport.objects.count() == 0


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda s: file_report(kind=Kind.WRONG_NAME, text="Misspelt"),
            {"author": [reports.NEEDS_AUTHOR]},
        ),
        (
            lambda s: file_report(kind=Kind.NOT_BY_AUTHOR, author=s["ilya"]),
            {"paper": [reports.NEEDS_PAPER]},
        ),
        (
            lambda s: file_report(kind=Kind.SAME_PERSON, author=s["ilya"]),
            {"other_author": [reports.NEEDS_OTHER]},
        ),
        (
            lambda s: file_report(kind=Kind.SAME_PERSON, author=s["ilya"], other_author=s["ilya"]),
            {"other_author": [reports.SAME_PROFILE]},
        ),
        (
            lambda s: file_report(kind=Kind.WRONG_NAME, author=s["ilya"], text=" \n "),
            {"text": [reports.NEEDS_TEXT]},
        ),
        (
            lambda s: file_report(kind=Kind.OTHER, paper=s["pde"]),
            {"text": [reports.NEEDS_TEXT]},
        ),
        (
            lambda s: file_report(kind=Kind.NOT_BY_AUTHOR),
            {"author": [reports.NEEDS_AUTHOR], "paper": [reports.NEEDS_PAPER]},
        ),
    ],
    ids=[
        "needs-author",
        "needs-paper",
        "needs-other",
        "same-profile",
        "needs-text",
        "other-needs-text",
        "two-fields",
    ],
)
def test_file_report_refuses_by_field(ilya, call, expected):
    scene = {"ilya": ilya, "pde": Paper.objects.get(title__startswith="Inference of Nonlinear")}

    with pytest.raises(ValidationError) as refused:
        call(scene)

    assert refused.value.message_dict == expected
    assert ReaderReport.objects.count() == 0


def test_file_report_refuses_a_paper_not_of_the_author(ilya):
    pde = Paper.objects.get(title__startswith="Inference of Nonlinear")

    with pytest.raises(ValidationError) as refused:
        file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=pde)

    assert refused.value.message_dict == {
        "paper": [
            "“Inference of Nonlinear Partial Differential Equations via Constrained Gaussian "
            "Processes” is not among Ilya Sutskever's papers."
        ]
    }
    assert ReaderReport.objects.count() == 0


def test_file_report_cuts_a_long_text(ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="x" * 3000)

    assert len(report.text) == reports.MAX_TEXT


# --- how the paper and the other profile may be named ---------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        GPT_4O,
        f"/papers/{GPT_4O}/",
        f"https://profiles.example.org/papers/{GPT_4O}/",
        f"http://testserver/papers/{GPT_4O}/?tab=cite#authors",
        "GPT-4o System Card",
        "  gpt-4o system card  ",
    ],
    ids=["slug", "path", "address", "address-with-query", "title", "title-any-case"],
)
def test_report_names_the_paper_by_slug_address_or_title(client, ilya, typed):
    url, data = _profile_post("sutskever-ilya", kind=Kind.NOT_BY_AUTHOR, paper=typed)

    response = client.post(url, data)

    assert response.status_code == 302
    assert _stored() == [_open(Kind.NOT_BY_AUTHOR, "sutskever-ilya", GPT_4O)]


def test_report_names_a_paper_with_an_apostrophe_by_its_title(client, ilya):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.NOT_BY_AUTHOR, paper="Let's Verify Step by Step"
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert _stored() == [_open(Kind.NOT_BY_AUTHOR, "sutskever-ilya", "let-s-verify-step-by-step")]


@pytest.mark.parametrize(
    "typed",
    [
        "wu-jeff",
        "/authors/wu-jeff/",
        "https://profiles.example.org/authors/wu-jeff/",
        "http://testserver/authors/wu-jeff",
        " https://profiles.example.org/authors/wu-jeff/?page=2 ",
    ],
    ids=["slug", "path", "address", "no-slash", "address-with-query"],
)
def test_report_names_the_other_profile_by_slug_or_address(client, ilya, wu, typed):
    url, data = _profile_post("sutskever-ilya", kind=Kind.SAME_PERSON, other_profile=typed)

    response = client.post(url, data)

    assert response.status_code == 302
    assert _stored() == [_open(Kind.SAME_PERSON, "sutskever-ilya", other="wu-jeff")]


def test_report_names_the_other_profile_by_a_merged_profile_s_address(
    client, ilya, wu, giamba, curator
):
    services.merge_authors(survivor=ilya, others=[giamba], actor=curator)
    url, data = _profile_post(
        "wu-jeff", kind=Kind.SAME_PERSON, other_profile="/authors/parascandolo-giambattista/"
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert _stored() == [_open(Kind.SAME_PERSON, "wu-jeff", other="sutskever-ilya")]


# --- robots, forgeries and floods -----------------------------------------------------------


def test_report_honeypot_redirects_as_if_filed_and_stores_nothing(client, ilya):
    url, data = _profile_post(
        "sutskever-ilya", kind=Kind.WRONG_NAME, text="Buy now", website="https://spam.example"
    )

    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    assert ReaderReport.objects.count() == 0


def test_report_without_a_csrf_token_is_refused_and_stores_nothing(ilya):
    browser = Client(enforce_csrf_checks=True)
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text="Misspelt")

    refused = browser.post(url, data)
    form = browser.get(url)
    token = form.cookies["csrftoken"].value
    accepted = browser.post(url, {**data, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in _html(form)
    assert (accepted.status_code, accepted["Location"]) == (302, SENT_ILYA)
    assert _stored() == [_open(Kind.WRONG_NAME, "sutskever-ilya", text="Misspelt")]


def test_report_over_the_rate_is_429_and_stores_nothing(client, ilya, settings):
    settings.REPORT_RATE = 2
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text="Misspelt")

    statuses = [client.post(url, data).status_code for _ in range(2)]
    refused = client.post(url, data)

    assert statuses == [302, 302]
    assert refused.status_code == 429
    assert list(refused.context["form"].non_field_errors()) == [REPORTS_TOO_MANY]
    assert f"<p>{escape(REPORTS_TOO_MANY)}</p>" in _html(refused)
    assert ReaderReport.objects.count() == 2


def test_report_rate_counts_each_address_apart(client, ilya, settings):
    settings.REPORT_RATE = 2
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text="Misspelt")

    def post(address: str) -> int:
        return client.post(url, data, REMOTE_ADDR=address).status_code

    first = [post("198.51.100.1"), post("198.51.100.1")]
    second = [post("198.51.100.2"), post("198.51.100.2")]
    over = [post("198.51.100.1"), post("198.51.100.2")]

    assert (first, second, over) == ([302, 302], [302, 302], [429, 429])
    assert ReaderReport.objects.count() == 4


def test_report_rate_ignores_forwarded_for_without_declared_proxies(client, ilya, settings):
    settings.REPORT_RATE = 2
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text="Misspelt")

    statuses = [
        client.post(url, data, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert ReaderReport.objects.count() == 2


def test_report_honeypot_does_not_count_against_the_rate(client, ilya, settings):
    settings.REPORT_RATE = 1
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text="Misspelt")

    robot = [client.post(url, {**data, "website": "x"}).status_code for _ in range(3)]
    reader = client.post(url, data)

    assert robot == [302, 302, 302]
    assert reader.status_code == 302
    assert ReaderReport.objects.count() == 1


# --- which record, and the page itself ------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?author=&paper=",
        f"?author=sutskever-ilya&paper={GPT_4O}",
        "?author=nobody-at-all",
        "?paper=no-such-paper",
    ],
    ids=["neither", "both-empty", "both", "unknown-author", "unknown-paper"],
)
def test_report_page_is_404_without_exactly_one_known_record(client, imported_seeds, query):
    url, data = _profile_post("x", kind=Kind.OTHER, text="Something")

    got = client.get(f"/report/{query}")
    posted = client.post(f"/report/{query}", data)

    assert (got.status_code, posted.status_code) == (404, 404)
    assert ReaderReport.objects.count() == 0


def test_report_against_a_merged_author_files_against_the_survivor(client, ilya, giamba, curator):
    services.merge_authors(survivor=ilya, others=[giamba], actor=curator)
    url, data = _profile_post("parascandolo-giambattista", kind=Kind.WRONG_NAME, text="Two names?")

    form = client.get(url)
    response = client.post(url, data)

    assert form.context["record"] == ilya
    assert (response.status_code, response["Location"]) == (302, SENT_ILYA)
    assert _stored() == [_open(Kind.WRONG_NAME, "sutskever-ilya", text="Two names?")]


def test_report_page_is_never_cached(client, ilya):
    response = client.get("/report/?author=sutskever-ilya")

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert response.status_code == 200
    assert directives == {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}
    assert "Expires" in response


def test_report_page_shows_the_record_it_is_about(client, ilya, o1):
    profile = _html(client.get("/report/?author=sutskever-ilya"))
    paper = _html(client.get(f"/report/?paper={O1}"))

    assert 'the profile of <a href="/authors/sutskever-ilya/">Ilya Sutskever</a>' in profile
    assert f'the paper <a href="/papers/{O1}/">OpenAI o1 System Card</a>' in paper


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("/authors/sutskever-ilya/", "/authors/sutskever-ilya/"),
        ("//evil.example", "/"),
        ("//evil.example/authors/x/", "/"),
        ("https://evil.example", "/"),
        ("https://evil.example/authors/x/", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_report_sent_links_back_to_local_pages_only(client, db, back, expected):
    response = client.get("/report/sent/", {"back": back})

    assert response.status_code == 200
    assert response.context["back"] == expected
    assert f'<a href="{expected}">Back to the page</a>' in _html(response)


def test_profile_and_paper_pages_link_to_the_report_form(client, ilya, gpt4o):
    profile = _html(client.get("/authors/sutskever-ilya/"))
    paper = _html(client.get(f"/papers/{GPT_4O}/"))

    assert (
        '<a class="report-link" href="/report/?author=sutskever-ilya" rel="nofollow">'
        "Report a problem</a>"
    ) in profile
    assert (
        f'<a class="report-link" href="/report/?paper={GPT_4O}" rel="nofollow">Report a problem</a>'
    ) in paper


# --- the curators' services -----------------------------------------------------------------


def test_resolve_report_records_the_decision_and_an_action(ilya, curator):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    before = timezone.now()

    action = services.resolve_report(report=report, actor=curator, note="  Renamed.  ")

    report.refresh_from_db()
    assert (report.state, report.decision) == (State.RESOLVED, "Renamed.")
    assert before <= report.decided_at <= timezone.now()
    assert (action.kind, action.summary, action.actor) == (
        CurationAction.Kind.RESOLVE_REPORT,
        f"Resolved report #{report.pk}: The name is wrong (Ilya Sutskever)",
        curator,
    )


def test_resolve_report_without_a_note_leaves_the_decision_empty(ilya, wu, curator):
    report = file_report(kind=Kind.SAME_PERSON, author=ilya, other_author=wu)

    services.resolve_report(report=report, actor=curator)

    report.refresh_from_db()
    assert (report.state, report.decision) == (State.RESOLVED, "")


def test_dismiss_report_records_the_reason_and_an_action(o1, curator):
    report = file_report(kind=Kind.OTHER, paper=o1, text="I do not like it")
    before = timezone.now()

    action = services.dismiss_report(report=report, actor=curator, reason="Not a problem.")

    report.refresh_from_db()
    assert (report.state, report.decision) == (State.DISMISSED, "Not a problem.")
    assert before <= report.decided_at <= timezone.now()
    assert (action.kind, action.summary, action.actor) == (
        CurationAction.Kind.DISMISS_REPORT,
        f"Dismissed report #{report.pk}: Something else (OpenAI o1 System Card)",
        curator,
    )


def test_decision_note_is_cut_to_500_characters(ilya, curator):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    services.dismiss_report(report=report, actor=curator, reason="why " * 200)

    report.refresh_from_db()
    assert len(report.decision) == 500


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_dismiss_report_without_a_reason_is_refused(ilya, curator, reason):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    with pytest.raises(ValidationError) as refused:
        services.dismiss_report(report=report, actor=curator, reason=reason)

    report.refresh_from_db()
    assert refused.value.messages == [services.REASON_REQUIRED]
    assert (report.state, report.decided_at, report.decision) == (State.OPEN, None, "")
    assert CurationAction.objects.count() == 0


@pytest.mark.parametrize(
    ("first", "second", "state"),
    [
        ("resolve", "resolve", "resolved"),
        ("resolve", "dismiss", "resolved"),
        ("dismiss", "resolve", "dismissed"),
        ("dismiss", "dismiss", "dismissed"),
    ],
)
def test_deciding_a_report_twice_is_refused(ilya, curator, first, second, state):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    decide = {
        "resolve": lambda: services.resolve_report(report=report, actor=curator, note="done"),
        "dismiss": lambda: services.dismiss_report(report=report, actor=curator, reason="no"),
    }
    decide[first]()
    report.refresh_from_db()
    decided = (report.state, report.decided_at, report.decision)

    with pytest.raises(ValidationError) as refused:
        decide[second]()

    report.refresh_from_db()
    assert refused.value.messages == [services.REPORT_DECIDED.format(state=state)]
    assert (report.state, report.decided_at, report.decision) == decided
    assert CurationAction.objects.count() == 1


@pytest.mark.parametrize("decision", ["resolve", "dismiss"])
def test_deciding_a_report_is_refused_to_non_curators(ilya, reader, staff_only, decision):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    refusals = []

    def decide(user):
        if decision == "resolve":
            return services.resolve_report(report=report, actor=user)
        return services.dismiss_report(report=report, actor=user, reason="no")

    for user in (reader, staff_only):
        with pytest.raises(PermissionDenied) as refused:
            decide(user)
        refusals.append(str(refused.value))

    report.refresh_from_db()
    assert refusals == [services.NOT_A_CURATOR] * 2
    assert report.state == State.OPEN
    assert CurationAction.objects.count() == 0


@pytest.mark.parametrize("decision", ["resolve", "dismiss"])
def test_undo_puts_the_report_back_open(ilya, gpt4o, curator, decision):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)
    if decision == "resolve":
        action = services.resolve_report(report=report, actor=curator, note="Split off.")
    else:
        action = services.dismiss_report(report=report, actor=curator, reason="It is his.")
    made = RejectedSuggestion.objects.count()

    services.undo_action(action=action, actor=curator)

    report.refresh_from_db()
    action.refresh_from_db()
    assert made == (2 if decision == "resolve" else 0)
    assert (report.state, report.decided_at, report.decision) == (State.OPEN, None, "")
    assert RejectedSuggestion.objects.count() == 0
    assert action.undone_by == curator


def test_undone_report_can_be_decided_again(ilya, curator):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    services.undo_action(
        action=services.resolve_report(report=report, actor=curator), actor=curator
    )

    services.dismiss_report(report=report, actor=curator, reason="Spelt right after all.")

    report.refresh_from_db()
    assert (report.state, report.decision) == (State.DISMISSED, "Spelt right after all.")


# --- "not by this author", resolved: the waiting pages are not the author's ----------------


def _rejections() -> set[tuple[str, str]]:
    return set(RejectedSuggestion.objects.values_list("page__source", "author__slug"))


def test_resolve_not_by_author_rejects_the_author_for_every_waiting_page_listing_it(
    ilya, gpt4o, curator
):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)

    action = services.resolve_report(report=report, actor=curator)

    # 001 and 004 wait and list the paper; 002 (Ilya's own, named) lists it too.
    assert _rejections() == {(PAGE_001, "sutskever-ilya"), (PAGE_004, "sutskever-ilya")}
    assert set(RejectedSuggestion.objects.values_list("action", flat=True)) == {action.pk}


def test_resolve_not_by_author_skips_assigned_pages_and_pages_already_rejected(
    ilya, gpt4o, curator
):
    p001 = SourcePage.objects.get(source=PAGE_001)
    p004 = SourcePage.objects.get(source=PAGE_004)
    services.assign_page(page=p001, actor=curator, new_author=services.NewAuthor("Nowak", "Ewa"))
    earlier = services.reject_suggestion(page=p004, author=ilya, actor=curator)
    extra = SourcePageFactory()
    SourceEntryFactory(page=extra, paper=gpt4o)
    unrelated = SourcePageFactory()
    SourceEntryFactory(page=unrelated, paper=PaperFactory())
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)

    action = services.resolve_report(report=report, actor=curator)

    made = RejectedSuggestion.objects.filter(action=action)
    assert list(made.values_list("page__source", "author__slug")) == [
        (extra.source, "sutskever-ilya")
    ]
    assert _rejections() == {(PAGE_004, "sutskever-ilya"), (extra.source, "sutskever-ilya")}
    assert RejectedSuggestion.objects.get(page=p004).action == earlier


def test_resolve_not_by_author_stops_the_matcher_offering_the_author(ilya, gpt4o, curator):
    p004 = SourcePage.objects.get(source=PAGE_004)
    before = [s.author.slug for s in page_judgement(p004).suggestions]
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)

    action = services.resolve_report(report=report, actor=curator)
    after = [s.author.slug for s in page_judgement(p004).suggestions]
    services.undo_action(action=action, actor=curator)
    after_undo = [s.author.slug for s in page_judgement(p004).suggestions]

    assert before[0] == "sutskever-ilya"
    assert after == [slug for slug in before if slug != "sutskever-ilya"]
    assert after_undo == before


def test_undo_of_a_resolve_is_refused_while_a_later_assign_took_a_rejection_back(
    ilya, gpt4o, curator
):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)
    resolve = services.resolve_report(report=report, actor=curator)
    p004 = SourcePage.objects.get(source=PAGE_004)
    services.assign_page(page=p004, author=ilya, actor=curator)

    with pytest.raises(ValidationError):
        services.undo_action(action=resolve, actor=curator)

    report.refresh_from_db()
    assert report.state == State.RESOLVED
    assert _rejections() == {(PAGE_001, "sutskever-ilya")}


def test_resolve_not_by_author_after_a_merge_rejects_the_survivor(ilya, giamba, o1, curator):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=giamba, paper=o1)
    services.merge_authors(survivor=ilya, others=[giamba], actor=curator)

    services.resolve_report(report=report, actor=curator)

    assert _rejections() == {(PAGE_001, "sutskever-ilya"), (PAGE_004, "sutskever-ilya")}


@pytest.mark.parametrize("kind", [Kind.SAME_PERSON, Kind.WRONG_NAME, Kind.OTHER])
def test_resolve_other_kinds_rejects_nothing(ilya, wu, gpt4o, curator, kind):
    report = ReaderReport.objects.create(
        kind=kind, author=ilya, paper=gpt4o, other_author=wu, text="Something"
    )

    services.resolve_report(report=report, actor=curator)

    assert RejectedSuggestion.objects.count() == 0


def test_dismiss_not_by_author_rejects_nothing(ilya, gpt4o, curator):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)

    services.dismiss_report(report=report, actor=curator, reason="It is his.")

    assert RejectedSuggestion.objects.count() == 0


# --- the curators' pages --------------------------------------------------------------------


def test_report_queue_lists_exactly_the_open_reports(curator_client, ilya, wu, o1, curator):
    first = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    decided = file_report(kind=Kind.OTHER, paper=o1, text="Venue")
    last = file_report(kind=Kind.SAME_PERSON, author=ilya, other_author=wu)
    services.dismiss_report(report=decided, actor=curator, reason="Right as it is.")

    response = curator_client.get("/curation/reports/")

    html = _html(response)
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [last.pk, first.pk]
    assert response.context["open_count"] == 2
    assert [r.pk for r in response.context["decided"]] == [decided.pk]
    assert "2 open" in html
    assert (
        f'<a href="/curation/reports/{last.pk}/">#{last.pk} These two profiles are one person</a>'
        in html
    )
    assert "<h2>Decided lately</h2>" in html
    assert "dismissed: Right as it is." in html


def test_dashboard_shows_the_open_reports(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    response = curator_client.get("/curation/")

    assert (response.context["open_reports"], response.context["reports"]) == (1, [report])
    assert f'<a href="/curation/reports/{report.pk}/">#{report.pk} The name is wrong</a>' in _html(
        response
    )


def _tools(html: str) -> list[str]:
    labels = ["Split the paper off", "Merge the two profiles…", "Edit the name…"]
    return [label for label in labels if label in html]


def test_report_page_links_a_not_by_author_report_to_the_split(curator_client, ilya, gpt4o):
    report = file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o)

    html = _html(curator_client.get(f"/curation/reports/{report.pk}/"))

    assert _tools(html) == ["Split the paper off"]
    assert (
        f'<a class="button" href="/curation/authors/sutskever-ilya/split/?papers={gpt4o.pk}">'
        "Split the paper off Ilya Sutskever…</a>"
    ) in html


def test_report_page_links_a_same_person_report_to_the_merge(curator_client, ilya, wu):
    report = file_report(kind=Kind.SAME_PERSON, author=ilya, other_author=wu)

    html = _html(curator_client.get(f"/curation/reports/{report.pk}/"))

    assert _tools(html) == ["Merge the two profiles…"]
    assert (
        f'<a class="button" href="/curation/authors/merge/?ids={ilya.pk}&amp;ids={wu.pk}">'
        "Merge the two profiles…</a>"
    ) in html


def test_report_page_links_a_wrong_name_report_to_the_edit(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    html = _html(curator_client.get(f"/curation/reports/{report.pk}/"))

    assert _tools(html) == ["Edit the name…"]
    assert (
        '<a class="button" href="/curation/authors/sutskever-ilya/edit/">Edit the name…</a>'
    ) in html


def test_report_page_links_no_tool_for_other(curator_client, o1):
    report = file_report(kind=Kind.OTHER, paper=o1, text="The venue is wrong.")

    html = _html(curator_client.get(f"/curation/reports/{report.pk}/"))

    assert _tools(html) == []
    assert f'<a href="/papers/{O1}/">OpenAI o1 System Card</a>' in html


def test_report_tool_links_lead_to_the_tools(curator_client, ilya, wu, gpt4o):
    """The links' targets open, with what the report is about chosen."""
    split = curator_client.get(f"/curation/authors/sutskever-ilya/split/?papers={gpt4o.pk}")
    merge = curator_client.get(f"/curation/authors/merge/?ids={ilya.pk}&ids={wu.pk}")
    edit = curator_client.get("/curation/authors/sutskever-ilya/edit/")

    assert (split.status_code, merge.status_code, edit.status_code) == (200, 200, 200)


def test_report_page_resolve_redirects_to_the_queue_with_a_message(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    response = curator_client.post(
        f"/curation/reports/{report.pk}/", {"decision": "resolve", "note": "Renamed."}
    )
    queue = curator_client.get(response["Location"])

    action = CurationAction.objects.get()
    report.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/curation/reports/")
    assert (report.state, report.decision) == (State.RESOLVED, "Renamed.")
    assert action.kind == CurationAction.Kind.RESOLVE_REPORT
    assert [str(m) for m in queue.context["messages"]] == [
        f"Resolved report #{report.pk}: The name is wrong (Ilya Sutskever) "
        f'<a href="/curation/history/{action.pk}/">See or undo it in the history.</a>'
    ]


def test_report_page_dismiss_with_a_note(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    response = curator_client.post(
        f"/curation/reports/{report.pk}/", {"decision": "dismiss", "note": "Spelt right."}
    )

    report.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/curation/reports/")
    assert (report.state, report.decision) == (State.DISMISSED, "Spelt right.")
    assert CurationAction.objects.get().kind == CurationAction.Kind.DISMISS_REPORT


def test_report_page_dismiss_without_a_note_is_400_with_the_message(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    response = curator_client.post(
        f"/curation/reports/{report.pk}/", {"decision": "dismiss", "note": "  "}
    )

    report.refresh_from_db()
    assert response.status_code == 400
    assert response.context["errors"] == [services.REASON_REQUIRED]
    assert f"<p>{escape(services.REASON_REQUIRED)}</p>" in _html(response)
    assert report.state == State.OPEN
    assert CurationAction.objects.count() == 0


def test_report_page_without_a_decision_is_400(curator_client, ilya):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")

    response = curator_client.post(
        f"/curation/reports/{report.pk}/", {"decision": "delete", "note": "x"}
    )

    assert response.status_code == 400
    assert response.context["errors"] == ["Choose to resolve or to dismiss the report."]
    assert '<textarea id="report-note" name="note" rows="3" maxlength="500">x</textarea>' in _html(
        response
    )
    assert ReaderReport.objects.get().state == State.OPEN


def test_report_page_of_a_decided_report_refuses_a_second_decision(curator_client, ilya, curator):
    report = file_report(kind=Kind.WRONG_NAME, author=ilya, text="Misspelt")
    services.resolve_report(report=report, actor=curator, note="Renamed.")

    page = curator_client.get(f"/curation/reports/{report.pk}/")
    response = curator_client.post(
        f"/curation/reports/{report.pk}/", {"decision": "dismiss", "note": "no"}
    )

    assert 'name="decision"' not in _html(page)
    assert "resolved: Renamed." in _html(page)
    assert response.status_code == 400
    assert response.context["errors"] == [services.REPORT_DECIDED.format(state="resolved")]


def test_report_page_of_an_unknown_report_is_404(curator_client, imported_seeds):
    got = curator_client.get("/curation/reports/999999/")
    posted = curator_client.post("/curation/reports/999999/", {"decision": "resolve"})

    assert (got.status_code, posted.status_code) == (404, 404)


def test_hostile_report_text_is_escaped_on_the_curators_pages(
    client, curator_client, ilya, curator
):
    url, data = _profile_post("sutskever-ilya", kind=Kind.WRONG_NAME, text=HOSTILE)
    client.post(url, data)
    report = ReaderReport.objects.get()
    decided = file_report(kind=Kind.OTHER, author=ilya, text="x")
    services.dismiss_report(report=decided, actor=curator, reason=HOSTILE)

    pages = {
        path: _html(curator_client.get(path))
        for path in (
            "/curation/",
            "/curation/reports/",
            f"/curation/reports/{report.pk}/",
            f"/curation/reports/{decided.pk}/",
        )
    }

    assert report.text == HOSTILE
    assert {path: "<script>" in html for path, html in pages.items()} == dict.fromkeys(pages, False)
    assert {path: "<img src=x" in html for path, html in pages.items()} == dict.fromkeys(
        pages, False
    )
    assert escape(HOSTILE) in pages[f"/curation/reports/{report.pk}/"]
    assert escape(HOSTILE) in pages[f"/curation/reports/{decided.pk}/"]
    assert "&lt;script&gt;" in pages["/curation/"]
    assert "&lt;script&gt;" in pages["/curation/reports/"]


def _queue_queries(client) -> tuple[int, int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/curation/reports/")
    return response.status_code, len(response.context["reports"]), len(queries)


def test_report_queue_queries_do_not_grow(curator_client, ilya, wu, gpt4o, curator):
    def add(count: int) -> None:
        for n in range(count):
            kinds = [
                {"kind": Kind.NOT_BY_AUTHOR, "author": ilya, "paper": gpt4o},
                {"kind": Kind.SAME_PERSON, "author": ilya, "other_author": wu},
                {"kind": Kind.WRONG_NAME, "author": wu, "text": f"Misspelt {n}"},
                {"kind": Kind.OTHER, "paper": gpt4o, "text": f"Venue {n}"},
            ]
            file_report(**kinds[n % 4])
        decided = file_report(kind=Kind.WRONG_NAME, author=ilya, text="decided")
        services.dismiss_report(report=decided, actor=curator, reason="no")

    add(1)
    small = _queue_queries(curator_client)
    add(11)
    large = _queue_queries(curator_client)

    assert (small[:2], large[:2]) == ((200, 1), (200, 12))
    assert small[2] == large[2]


def test_report_page_queries_do_not_depend_on_the_kind(curator_client, ilya, wu, gpt4o):
    reports_ = [
        file_report(kind=Kind.NOT_BY_AUTHOR, author=ilya, paper=gpt4o),
        file_report(kind=Kind.SAME_PERSON, author=ilya, other_author=wu),
    ]
    counts = []

    for report in reports_:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(f"/curation/reports/{report.pk}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
