"""Accept all confident suggestions: every page the matcher would assign, given to
its first candidate in one audited action that one undo reverts, after a preview
(curation.services.assign_pages, curation.views.batch)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from catalog.importing import import_pages
from catalog.models import Author, Authorship, DecidedBy, SourceEntry, SourcePage
from curation import finders, queues, services
from curation.models import CurationAction, RejectedSuggestion
from tests.factories import AuthorFactory, AuthorshipFactory
from tests.pages import anonymous_page, named_page, write_page

from .conftest import export_text

URL = "/curation/pages/accept-confident/"
# (family name, topic): each a named author with eight papers on the topic.
PEOPLE = [
    ("Doe", "glacier"),
    ("Roe", "volcano"),
    ("Poe", "coral"),
    ("Zoe", "desert"),
    ("Moe", "monsoon"),
    ("Hoe", "tundra"),
]
NEW_PAGE = "090_new.txt"
VENUE = "Journal of Earth Science"


def _abstract(family: str, topic: str, k: int) -> str:
    return (
        f"We measure {topic} {family.lower()}word{k} behaviour under {topic} "
        f"conditions number {k} {topic}."
    )


def build_confident_catalogue(tmp_path, confident: int = 3) -> None:
    """``confident`` named authors with eight papers each, and for each an anonymous
    page listing four of them and one paper no profile lists yet (the matcher is
    confident: ``00N_anon.txt`` is ``N``'s); and one anonymous page nobody in the
    catalogue wrote (a new author). The queues are computed."""
    files = []
    for n, (family, topic) in enumerate(PEOPLE[:confident]):
        entries = [
            (f"{topic} study {family} {k} on {topic} dynamics", VENUE, _abstract(family, topic, k))
            for k in range(8)
        ]
        named = named_page(f"{family}, Jane", entries)
        files.append(write_page(tmp_path, f"named_{family}.txt", named))
        abstracts = [abstract for _, _, abstract in entries[:4]]
        abstracts.append(f"Field notes on {topic} that only {family.lower()}page lists.")
        files.append(write_page(tmp_path, f"00{n}_anon.txt", anonymous_page("Jane", abstracts)))
    new = anonymous_page("Jane", ["Nothing anyone here wrote.", "Nor this one."])
    files.append(write_page(tmp_path, NEW_PAGE, new))
    import_pages(files)
    queues.compute(full=True)


def _page(source: str) -> SourcePage:
    return SourcePage.objects.get(source=source)


def _author(family: str) -> Author:
    return Author.objects.get(family_name=family)


def _pairs(count: int = 3) -> list[tuple[SourcePage, Author]]:
    return [(_page(f"00{n}_anon.txt"), _author(PEOPLE[n][0])) for n in range(count)]


def _posted(pairs: list[tuple[SourcePage, Author]]) -> dict[str, list[int]]:
    return {
        "page": [page.pk for page, _ in pairs],
        "author": [author.pk for _, author in pairs],
        "confirm": ["1"],
    }


def _claims(page: SourcePage) -> set[int | None]:
    """The authors the page's entries claim authorships of (None: claims nothing)."""
    return set(
        SourceEntry.objects.filter(page=page).values_list("authorship__author_id", flat=True)
    )


def _curated(author: Author) -> int:
    return Authorship.objects.filter(author=author, decided_by=DecidedBy.CURATOR).count()


def _login_url(url: str) -> str:
    return "/accounts/login/?next=" + quote(url, safe="/")


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def catalogue(db, tmp_path):
    build_confident_catalogue(tmp_path)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


# --- the service -----------------------------------------------------------------


def test_assign_pages_assigns_every_pair_in_one_action(catalogue, curator):
    pairs = _pairs()

    action = services.assign_pages(assignments=pairs, actor=curator)

    assert list(CurationAction.objects.values_list("pk", "kind")) == [
        (action.pk, CurationAction.Kind.ASSIGN_PAGES)
    ]
    assert action.summary == (
        "Assigned 3 pages to their confident suggestions: 000_anon.txt -> Doe, Jane; "
        "001_anon.txt -> Roe, Jane; 002_anon.txt -> Poe, Jane"
    )
    for page, author in pairs:
        page.refresh_from_db()
        assert (page.author_id, page.assigned_by) == (author.pk, DecidedBy.CURATOR)
        assert _claims(page) == {author.pk}
        # Four papers were on the profile already; the fifth, which no profile held, joins.
        assert _curated(author) == 1
    assert _page(NEW_PAGE).author_id is None


def test_assign_pages_gives_each_page_what_assign_page_gives(catalogue, curator):
    """The rows one assign_page per page changes, all in one action."""
    single = [
        services.assign_page(page=page, author=author, actor=curator) for page, author in _pairs()
    ]
    singly = sorted((r["model"], r["op"]) for action in single for r in action.changes["rows"])
    for action in reversed(single):
        services.undo_action(action=action, actor=curator)

    batch = services.assign_pages(assignments=_pairs(), actor=curator)

    assert sorted((r["model"], r["op"]) for r in batch.changes["rows"]) == singly
    assert len(batch.changes["rows"]) == 3 * (1 + 5 + 1)  # page, entries, new authorship


def test_assign_pages_one_undo_unassigns_every_page(catalogue, curator):
    before = export_text()
    action = services.assign_pages(assignments=_pairs(), actor=curator)

    services.undo_action(action=action, actor=curator)

    for page, author in _pairs():
        assert (page.author_id, page.assigned_by) == (None, "")
        assert _claims(page) == {None}
        assert _curated(author) == 0
    assert export_text() == before
    action.refresh_from_db()
    assert action.undone_by == curator


def test_assign_pages_undo_removes_an_authorship_two_pages_share(catalogue, curator, tmp_path):
    """Two pages of one author list one paper no profile holds: the authorship the
    first page creates and the second claims too is recorded as created, and undo
    removes it."""
    shared = "A paper only these two pages list, about glacier sediment."
    files = [
        write_page(
            tmp_path,
            f"05{n}_more.txt",
            anonymous_page("Jane", [_abstract("Doe", "glacier", 4 + n), shared]),
        )
        for n in range(2)
    ]
    import_pages(files)
    doe, pages = _author("Doe"), [_page("050_more.txt"), _page("051_more.txt")]
    before = export_text()

    action = services.assign_pages(assignments=[(p, doe) for p in pages], actor=curator)
    created = Authorship.objects.get(author=doe, paper__abstract=shared)
    services.undo_action(action=action, actor=curator)

    assert [
        (r["op"], r["pk"]) for r in action.changes["rows"] if r["model"] == "catalog.authorship"
    ] == [("create", created.pk)]
    assert not Authorship.objects.filter(paper__abstract=shared).exists()
    assert export_text() == before


def test_assign_pages_takes_back_a_not_this_author(catalogue, curator):
    page, author = _pairs(1)[0]
    services.reject_suggestion(page=page, author=author, actor=curator)

    services.assign_pages(assignments=[(page, author)], actor=curator)

    assert not RejectedSuggestion.objects.filter(page=page).exists()


def test_assign_pages_refuses_a_page_assigned_meanwhile_and_writes_nothing(catalogue, curator):
    pairs = _pairs()
    taken, poe = pairs[1][0], _author("Poe")
    services.assign_page(page=taken, author=poe, actor=curator)
    before = (export_text(), CurationAction.objects.count())

    with pytest.raises(ValidationError) as refused:
        services.assign_pages(assignments=pairs, actor=curator)

    assert refused.value.messages == [
        services.PAGE_ASSIGNED_MEANWHILE.format(page="001_anon.txt", author="Jane Poe")
    ]
    assert (export_text(), CurationAction.objects.count()) == before
    assert _page("000_anon.txt").author_id is None


def test_assign_pages_refuses_an_author_merged_meanwhile(catalogue, curator):
    pairs = _pairs()
    roe = pairs[1][1]
    services.merge_authors(
        survivor=_author("Doe"), others=[roe], display_name="Doe, Jane", actor=curator
    )
    before = (export_text(), CurationAction.objects.count())

    with pytest.raises(ValidationError) as refused:
        services.assign_pages(assignments=pairs, actor=curator)

    assert refused.value.messages == [
        services.AUTHOR_GONE_MEANWHILE.format(author="Jane Roe", page="001_anon.txt")
    ]
    assert (export_text(), CurationAction.objects.count()) == before


def test_assign_pages_refuses_a_page_listed_twice(catalogue, curator):
    page, author = _pairs(1)[0]

    with pytest.raises(ValidationError) as refused:
        services.assign_pages(assignments=[(page, author), (page, author)], actor=curator)

    assert refused.value.messages == [services.PAGE_LISTED_TWICE.format(page="000_anon.txt")]
    assert CurationAction.objects.count() == 0


def test_assign_pages_refuses_an_empty_list(catalogue, curator):
    with pytest.raises(ValidationError) as refused:
        services.assign_pages(assignments=[], actor=curator)

    assert refused.value.messages == [services.NOTHING_TO_DO]


def test_assign_pages_refuses_non_curators(catalogue, reader):
    with pytest.raises(PermissionDenied):
        services.assign_pages(assignments=_pairs(), actor=reader)

    assert CurationAction.objects.count() == 0


# --- the page ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_accept_confident_sends_anonymous_visitors_to_login(client, catalogue, method):
    data = _posted(_pairs()) if method == "post" else None

    response = getattr(client, method)(URL, data)

    assert (response.status_code, response["Location"]) == (302, _login_url(URL))
    assert CurationAction.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_accept_confident_is_forbidden_to_non_curators(client, catalogue, reader, method):
    client.force_login(reader)
    data = _posted(_pairs()) if method == "post" else None

    response = getattr(client, method)(URL, data)

    assert response.status_code == 403
    assert CurationAction.objects.count() == 0


def test_accept_confident_preview_lists_page_author_and_probability(curator_client, catalogue):
    response = curator_client.get(URL)

    html = _html(response)
    shown = [
        (item.page.source, item.top.author.inverted_name, item.top.probability)
        for item in response.context["confident"]
    ]
    assert response.status_code == 200
    assert shown == [
        ("000_anon.txt", "Doe, Jane", 1.0),
        ("001_anon.txt", "Roe, Jane", 1.0),
        ("002_anon.txt", "Poe, Jane", 1.0),
    ]
    for source, family in (("000_anon.txt", "doe"), ("001_anon.txt", "roe")):
        assert f"<code>{source}</code>" in html
        assert f'<a href="/authors/{family}-jane/"><bdi>{family.title()}, Jane</bdi></a>' in html
    assert html.count('title="calibrated probability that the page is theirs">100%</span>') == 3
    assert NEW_PAGE not in html
    # Each judged again now, exactly as the page's own assign form judges it.
    assert response.context["confident"] == [
        finders.page_judgement(page, limit=1) for page, _ in _pairs()
    ]
    assert html.count('<input type="hidden" name="page"') == 3
    assert "Confirm: assign 3 pages" in html
    assert CurationAction.objects.count() == 0


def test_accept_confident_preview_escapes_what_it_shows(curator_client, catalogue):
    SourcePage.objects.filter(source="000_anon.txt").update(label="<b>Jane</b>")
    Author.objects.filter(family_name="Doe").update(family_name="<i>Doe</i>")

    html = _html(curator_client.get(URL))

    assert "label “<bdi>&lt;b&gt;Jane&lt;/b&gt;</bdi>”" in html
    assert "<bdi>&lt;i&gt;Doe&lt;/i&gt;, Jane</bdi>" in html
    assert "<b>Jane</b>" not in html


def test_accept_confident_preview_leaves_out_pages_no_longer_confident(curator_client, catalogue):
    """The queue still says assign; judged again, the page's papers are on a second
    profile now (written after the queue was computed): to review, not listed."""
    doubtful = _page("001_anon.txt")
    other = AuthorFactory()
    for entry in SourceEntry.objects.filter(page=doubtful):
        AuthorshipFactory(paper=entry.paper, author=other)

    response = curator_client.get(URL)

    assert [i.page.source for i in response.context["confident"]] == [
        "000_anon.txt",
        "002_anon.txt",
    ]


def test_accept_confident_post_assigns_and_redirects_to_the_action(curator_client, catalogue):
    pairs = _pairs()

    response = curator_client.post(URL, _posted(pairs))

    action = CurationAction.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/curation/history/{action.pk}/")
    assert action.kind == CurationAction.Kind.ASSIGN_PAGES
    assert [page.author_id for page, _ in _pairs()] == [author.pk for _, author in pairs]
    page = curator_client.get(response["Location"])
    assert "Undo this action" in _html(page)
    assert escape(f"Done: {action.summary}. The history can undo it.") in _html(page)


def test_accept_confident_post_shows_the_refusal_on_the_preview(curator_client, catalogue, curator):
    pairs = _pairs()
    services.assign_page(page=pairs[0][0], author=_author("Roe"), actor=curator)
    before = (export_text(), CurationAction.objects.count())

    response = curator_client.post(URL, _posted(pairs))

    assert response.status_code == 200
    assert services.PAGE_ASSIGNED_MEANWHILE.format(page="000_anon.txt", author="Jane Roe") in _html(
        response
    )
    assert [i.page.source for i in response.context["confident"]] == [
        "001_anon.txt",
        "002_anon.txt",
    ]
    assert (export_text(), CurationAction.objects.count()) == before


def test_accept_confident_post_names_a_page_that_no_longer_exists(curator_client, catalogue):
    pairs = _pairs()
    data = _posted(pairs)
    data["page"][0] = 10**9

    response = curator_client.post(URL, data)

    assert services.PAGE_GONE_MEANWHILE.format(page=f"#{10**9}") in _html(response)
    assert CurationAction.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [{"page": ["x"], "author": ["1"]}, {"page": ["1", "2"], "author": ["1"]}],
    ids=["not-an-id", "unpaired"],
)
def test_accept_confident_post_refuses_malformed_pairs(curator_client, catalogue, data):
    response = curator_client.post(URL, data)

    assert response.status_code == 400
    assert CurationAction.objects.count() == 0


def test_accept_confident_without_confident_pages_offers_no_button(curator_client, db, tmp_path):
    build_confident_catalogue(tmp_path, confident=0)

    response = curator_client.get(URL)

    html = _html(response)
    assert response.status_code == 200
    assert "No page is waiting with a confident suggestion right now" in html
    assert 'name="confirm"' not in html


@pytest.mark.parametrize("confident", [0, 2])
def test_accept_confident_dashboard_link_shows_with_confident_pages(
    curator_client, db, tmp_path, confident
):
    build_confident_catalogue(tmp_path, confident=confident)

    response = curator_client.get("/curation/")

    link = f'<a class="button" href="{URL}">Accept all confident suggestions…</a>'
    assert (response.context["confident"], link in _html(response)) == (confident, confident > 0)


@pytest.mark.parametrize("confident", [1, 5])
def test_accept_confident_preview_queries_do_not_grow(curator_client, db, tmp_path, confident):
    """The session and user, the queue read, then the waiting pages judged again
    together: as many queries for one confident page as for five."""
    build_confident_catalogue(tmp_path, confident=confident)

    with CaptureQueriesContext(connection) as queries:
        response = curator_client.get(URL)

    assert len(response.context["confident"]) == confident
    assert len(queries) == 15
