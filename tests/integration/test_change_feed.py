"""The change feed (``/api/changes/``, ``/changes.atom``): one event per import batch
and per curator's action that changed what the API shows, with what it means
(``data``) and the records to read again (``records``); cursor paging; the Atom
feed; and a mirror that follows the feed and ends up holding what the export holds."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.changes import record_change
from catalog.exporting import export_sections
from catalog.importing import import_pages
from catalog.importing.repair import fold_split_papers
from catalog.models import Author, ChangeEvent, Paper, PaperKey, ReaderReport, SourcePage
from catalog.papers import save_paper_display
from catalog.reports import file_report
from curation import services
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory
from tests.pages import named_page, write_page

SEED_PAGES = [
    "000_66da5a788456bc5b.txt",
    "001_fa869cb8beed8520.txt",
    "002_35c52ba779523854.txt",
    "003_10db5ee52b695946.txt",
    "004_ecb8618afa550e8b.txt",
]
WU_PAGE = "003_10db5ee52b695946.txt"
TONY_001 = "001_fa869cb8beed8520.txt"
TONY_004 = "004_ecb8618afa550e8b.txt"
SUTSKEVER = "sutskever-ilya"
PARASCANDOLO = "parascandolo-giambattista"
WU = "wu-jeff"
CONSISTENCY = "consistency-models"
WEBGPT = "webgpt-browser-assisted-question-answering-with-human-feedback"
# The two papers of Wu, Jeff's page that belong to a homonym.
GAUSSIAN = "inference-of-nonlinear-partial-differential-equations-via-constrained-gaussian"
MARKOV = "an-exact-dynamic-programming-solution-for-a-decentralized-two-player-markov"
ORCID = "0000-0002-1825-0097"


# --- helpers ---------------------------------------------------------------------------


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def _cursor() -> int:
    """The id of the newest event (0 when there is none)."""
    last = ChangeEvent.objects.order_by("-id").first()
    return last.id if last else 0


def _events_after(client, after: int) -> list[dict]:
    """Every event after the cursor, as the API shows it."""
    return _get(client, f"/api/changes/?after={after}&page_size=500")["results"]


def _shown(event: dict) -> tuple[str, str, dict, dict]:
    return event["kind"], event["summary"], event["data"], event["records"]


def _slugs(queryset, field: str = "slug") -> list[str]:
    return sorted(set(queryset.values_list(field, flat=True)))


def _papers_of_author(slug: str) -> list[str]:
    return _slugs(Paper.objects.filter(authorships__author__slug=slug), "slug")


def _papers_on_page(source: str) -> list[str]:
    return _slugs(Paper.objects.filter(entries__page__source=source), "slug")


def _seed_copy(directory: Path, sample_page_files: list[Path]) -> list[Path]:
    directory.mkdir(exist_ok=True)
    return [Path(shutil.copy(path, directory / path.name)) for path in sample_page_files]


def _make_events(count: int) -> list[int]:
    """``count`` events written straight through ``record_change``; their ids."""
    return [
        record_change(kind=ChangeEvent.Kind.EDITED, summary=f"Event {n}", data={"n": n}).id
        for n in range(count)
    ]


# --- one event per kind ----------------------------------------------------------------


def test_import_of_the_seeds_writes_one_imported_event(client, db, sample_page_files):
    import_pages(sample_page_files)

    [event] = _events_after(client, 0)

    assert _shown(event) == (
        "imported",
        "Imported 5 new and 0 updated pages",
        {"pages_new": SEED_PAGES, "pages_updated": []},
        {
            "authors": [PARASCANDOLO, SUTSKEVER, WU],
            "papers": _slugs(Paper.objects.all()),
            "pages": SEED_PAGES,
            "venues": [
                "aaai-conferences",
                "arxiv-org-artificial-intelligence",
                "arxiv-org-machine-learning",
                "neural-information-processing-systems",
            ],
        },
    )


def test_reimport_unchanged_pages_writes_no_event(client, imported_seeds, sample_page_files):
    after = _cursor()

    import_pages(sample_page_files)

    assert _events_after(client, after) == []


def test_reimport_of_an_edited_page_writes_pages_updated(
    client, imported_seeds, sample_page_files, tmp_path
):
    files = _seed_copy(tmp_path, sample_page_files)
    wu_page = tmp_path / WU_PAGE
    added = named_page("Wu, Jeff", [("A Paper Added Later", "Venue Added", "Its own abstract.")])
    wu_page.write_text(wu_page.read_text() + "\n\n\n" + added.split("\n\n\n", 1)[1])
    wu_papers = _papers_of_author(WU)
    after = _cursor()

    import_pages(files)

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "imported",
        "Imported 0 new and 1 updated pages",
        {"pages_new": [], "pages_updated": [WU_PAGE]},
        {
            "authors": [WU],
            "papers": sorted([*wu_papers, "a-paper-added-later"]),
            "pages": [WU_PAGE],
            "venues": [
                "aaai-conferences",
                "arxiv-org-artificial-intelligence",
                "arxiv-org-machine-learning",
                "venue-added",
            ],
        },
    )


def _split_papers() -> tuple[Paper, Paper, Author]:
    """Two live papers with one abstract (as two racing imports could leave them),
    each with an author of its own; returns (older, younger, the younger's author)."""
    older = PaperFactory(title="Folded Paper", abstract="The abstract two imports both saw.")
    younger = PaperFactory(title="", abstract="The abstract two imports both saw.")
    save_paper_display([older, younger])  # slugs as the importer gives them
    AuthorshipFactory(paper=older, author=AuthorFactory(slug="older-author"))
    author = AuthorFactory(slug="younger-author")
    AuthorshipFactory(paper=younger, author=author)
    for paper in (older, younger):
        PaperKey.objects.create(paper=paper, kind=PaperKey.Kind.ABSTRACT, key=paper.abstract_key)
    older.refresh_from_db()
    younger.refresh_from_db()
    return older, younger, author


def test_fold_of_split_papers_writes_a_merged_event(client, db):
    older, younger, _ = _split_papers()

    with transaction.atomic():
        folded = fold_split_papers()

    [event] = _events_after(client, 0)
    assert (folded, event["kind"], event["summary"], event["data"]) == (
        1,
        "merged",
        "1 papers sharing an abstract folded into the oldest",
        {"model": "paper", "merged": {younger.slug: older.slug}},
    )


def test_merge_papers_writes_a_merged_event(client, imported_seeds, curator):
    after = _cursor()

    action = services.merge_papers(
        survivor=Paper.objects.get(slug=CONSISTENCY),
        others=[Paper.objects.get(slug=WEBGPT)],
        actor=curator,
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "merged",
        action.summary,
        {"action": action.pk, "model": "paper", "merged": {WEBGPT: CONSISTENCY}},
        {"authors": [SUTSKEVER, WU], "papers": [CONSISTENCY, WEBGPT], "pages": [WU_PAGE]},
    )


def test_merge_authors_writes_a_merged_event(client, imported_seeds, curator):
    giamba_papers = _papers_of_author(PARASCANDOLO)
    after = _cursor()

    action = services.merge_authors(
        survivor=Author.objects.get(slug=SUTSKEVER),
        others=[Author.objects.get(slug=PARASCANDOLO)],
        actor=curator,
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "merged",
        action.summary,
        {"action": action.pk, "model": "author", "merged": {PARASCANDOLO: SUTSKEVER}},
        {
            "authors": [PARASCANDOLO, SUTSKEVER],
            "papers": giamba_papers,
            "pages": ["000_66da5a788456bc5b.txt"],
        },
    )


def _split_wu(curator):
    return services.split_author(
        author=Author.objects.get(slug=WU),
        papers=list(Paper.objects.filter(slug__in=[GAUSSIAN, MARKOV])),
        actor=curator,
        new_author=services.NewAuthor("Wu", "Jeff"),
    )


def test_split_author_writes_a_split_event(client, imported_seeds, curator):
    after = _cursor()

    action = _split_wu(curator)

    homonym = Author.objects.exclude(slug=WU).get(family_name="Wu").slug
    [event] = _events_after(client, after)
    assert _shown(event) == (
        "split",
        action.summary,
        {
            "action": action.pk,
            "from": WU,
            "author": homonym,
            "new_author": True,
            "papers": [MARKOV, GAUSSIAN],
        },
        {"authors": sorted([WU, homonym]), "papers": [MARKOV, GAUSSIAN], "pages": [WU_PAGE]},
    )


def test_split_author_to_an_existing_author_says_so(client, imported_seeds, curator):
    after = _cursor()

    action = services.split_author(
        author=Author.objects.get(slug=WU),
        papers=[Paper.objects.get(slug=GAUSSIAN)],
        actor=curator,
        to_author=Author.objects.get(slug=PARASCANDOLO),
    )

    [event] = _events_after(client, after)
    assert (event["kind"], event["data"], event["records"]) == (
        "split",
        {
            "action": action.pk,
            "from": WU,
            "author": PARASCANDOLO,
            "new_author": False,
            "papers": [GAUSSIAN],
        },
        {"authors": [PARASCANDOLO, WU], "papers": [GAUSSIAN], "pages": [WU_PAGE]},
    )


def test_assign_page_writes_an_assigned_event(client, imported_seeds, curator):
    after = _cursor()

    action = services.assign_page(
        page=SourcePage.objects.get(source=TONY_004),
        actor=curator,
        new_author=services.NewAuthor("Nowak", "Łucja"),
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "assigned",
        action.summary,
        {"action": action.pk, "pages": {TONY_004: "nowak-lucja"}},
        {"authors": ["nowak-lucja"], "papers": _papers_on_page(TONY_004), "pages": [TONY_004]},
    )


def test_assign_pages_writes_one_assigned_event_for_every_page(client, imported_seeds, curator):
    after = _cursor()

    wu = Author.objects.get(slug=WU)  # holds none of the pages' papers yet

    action = services.assign_pages(
        assignments=[
            (SourcePage.objects.get(source=TONY_001), wu),
            (SourcePage.objects.get(source=TONY_004), wu),
        ],
        actor=curator,
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "assigned",
        action.summary,
        {"action": action.pk, "pages": {TONY_001: WU, TONY_004: WU}},
        {
            "authors": [WU],
            "papers": sorted({*_papers_on_page(TONY_001), *_papers_on_page(TONY_004)}),
            "pages": [TONY_001, TONY_004],
        },
    )


def test_unassign_page_writes_an_unassigned_event(client, imported_seeds, curator):
    page = SourcePage.objects.get(source=TONY_004)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja"))
    after = _cursor()

    action = services.unassign_page(page=SourcePage.objects.get(pk=page.pk), actor=curator)

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "unassigned",
        action.summary,
        {"action": action.pk, "pages": {TONY_004: "nowak-lucja"}},
        {"authors": ["nowak-lucja"], "papers": _papers_on_page(TONY_004), "pages": [TONY_004]},
    )


@pytest.mark.parametrize(
    ("given_name", "orcid", "fields"),
    [
        ("Jeff", ORCID, ["orcid"]),
        ("Jeffrey", "", ["display_name", "given_name", "names"]),
        ("Jeffrey", ORCID, ["display_name", "given_name", "names", "orcid"]),
    ],
)
def test_edit_author_writes_an_edited_event_with_the_shown_fields(
    client, imported_seeds, curator, given_name, orcid, fields
):
    after = _cursor()

    action = services.edit_author(
        author=Author.objects.get(slug=WU),
        actor=curator,
        family_name="Wu",
        given_name=given_name,
        orcid=orcid,
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "edited",
        action.summary,
        {"action": action.pk, "model": "author", "record": WU, "fields": fields},
        {"authors": [WU]},
    )


def test_edit_author_dropping_a_name_variant_names_the_names(client, imported_seeds, curator):
    wu = Author.objects.get(slug=WU)
    services.edit_author(author=wu, actor=curator, family_name="Wu", given_name="Jeffrey")
    after = _cursor()

    action = services.edit_author(
        author=wu, actor=curator, family_name="Wu", given_name="Jeffrey", drop_names=["Wu, Jeff"]
    )

    [event] = _events_after(client, after)
    assert (event["data"], event["records"]) == (
        {"action": action.pk, "model": "author", "record": WU, "fields": ["names"]},
        {"authors": [WU]},
    )


def test_edit_paper_writes_an_edited_event(client, imported_seeds, curator):
    paper = Paper.objects.get(slug=CONSISTENCY)
    after = _cursor()

    action = services.edit_paper(
        paper=paper, actor=curator, title=paper.title, abstract="A corrected abstract."
    )

    [event] = _events_after(client, after)
    assert _shown(event) == (
        "edited",
        action.summary,
        {"action": action.pk, "model": "paper", "record": CONSISTENCY, "fields": ["abstract"]},
        {"authors": [SUTSKEVER], "papers": [CONSISTENCY]},
    )


def test_undo_of_a_split_writes_an_undone_event_naming_the_deleted_author(
    client, imported_seeds, curator
):
    split = _split_wu(curator)
    homonym = Author.objects.exclude(slug=WU).get(family_name="Wu").slug
    split_event = _cursor()

    services.undo_action(action=split, actor=curator)

    [event] = _events_after(client, split_event)
    assert not Author.objects.filter(slug=homonym).exists()
    assert _shown(event) == (
        "undone",
        f"Undone: {split.summary}",
        {"action": split.pk, "event": split_event, "kind": "split"},
        {"authors": sorted([WU, homonym]), "papers": [MARKOV, GAUSSIAN], "pages": [WU_PAGE]},
    )


def test_undo_of_a_merge_names_the_merged_records(client, imported_seeds, curator):
    merge = services.merge_papers(
        survivor=Paper.objects.get(slug=CONSISTENCY),
        others=[Paper.objects.get(slug=WEBGPT)],
        actor=curator,
    )
    merge_event = _cursor()

    services.undo_action(action=merge, actor=curator)

    [event] = _events_after(client, merge_event)
    assert (event["kind"], event["data"], event["records"]) == (
        "undone",
        {"action": merge.pk, "event": merge_event, "kind": "merged"},
        {"authors": [SUTSKEVER, WU], "papers": [CONSISTENCY, WEBGPT], "pages": [WU_PAGE]},
    )


def _dismiss_pair(curator):
    first, second = Author.objects.get(slug=SUTSKEVER), Author.objects.get(slug=WU)
    return services.dismiss_pair(kind="author", first=first, second=second, actor=curator)


def _reject_suggestion(curator):
    return services.reject_suggestion(
        page=SourcePage.objects.get(source=TONY_001),
        author=Author.objects.get(slug=SUTSKEVER),
        actor=curator,
    )


def _resolve_report(curator):
    report = file_report(
        kind=ReaderReport.Kind.NOT_BY_AUTHOR,
        author=Author.objects.get(slug=SUTSKEVER),
        paper=Paper.objects.get(slug="gpt-4o-system-card"),
    )
    return services.resolve_report(report=report, actor=curator, note="Recorded.")


def _dismiss_report(curator):
    report = file_report(
        kind=ReaderReport.Kind.WRONG_NAME, author=Author.objects.get(slug=WU), text="Jeffrey."
    )
    return services.dismiss_report(report=report, actor=curator, reason="The name is right.")


@pytest.mark.parametrize(
    "act", [_dismiss_pair, _reject_suggestion, _resolve_report, _dismiss_report]
)
def test_actions_that_change_nothing_shown_write_no_event(client, imported_seeds, curator, act):
    after = _cursor()

    action = act(curator)
    services.undo_action(action=action, actor=curator)

    assert _events_after(client, after) == []


def _stale_merge(curator):
    ilya, wu = Author.objects.get(slug=SUTSKEVER), Author.objects.get(slug=WU)
    version = services.record_version(ilya, wu)
    services.edit_author(author=wu, actor=curator, family_name="Wu", given_name="Jeff", orcid=ORCID)
    after = _cursor()
    with pytest.raises(ValidationError) as error:
        services.merge_authors(
            survivor=ilya, others=[Author.objects.get(slug=WU)], actor=curator, version=version
        )
    return after, error.value.messages, [services.STALE_FORM]


def _merge_a_merged_author(curator):
    giamba = Author.objects.get(slug=PARASCANDOLO)
    services.merge_authors(
        survivor=Author.objects.get(slug=SUTSKEVER), others=[giamba], actor=curator
    )
    giamba.refresh_from_db()
    after = _cursor()
    with pytest.raises(ValidationError) as error:
        services.merge_authors(survivor=Author.objects.get(slug=WU), others=[giamba], actor=curator)
    return after, error.value.messages, [services.ALREADY_MERGED.format(record=giamba)]


def _merge_with_a_name_refused_midway(curator):
    after = _cursor()
    with pytest.raises(ValidationError) as error:  # refused after the merge's writes
        services.merge_authors(
            survivor=Author.objects.get(slug=SUTSKEVER),
            others=[Author.objects.get(slug=WU)],
            actor=curator,
            display_name=", Ilya",
        )
    return after, error.value.messages, [services.NAME_REQUIRED]


def _edit_changing_nothing(curator):
    after = _cursor()
    with pytest.raises(ValidationError) as error:
        services.edit_author(
            author=Author.objects.get(slug=WU), actor=curator, family_name="Wu", given_name="Jeff"
        )
    return after, error.value.messages, [services.NOTHING_TO_DO]


def _undo_twice(curator):
    action = _split_wu(curator)
    services.undo_action(action=action, actor=curator)
    after = _cursor()
    with pytest.raises(ValidationError) as error:
        services.undo_action(action=action, actor=curator)
    return after, error.value.messages, [services.UNDO_ALREADY_UNDONE]


@pytest.mark.parametrize(
    "refused",
    [
        _stale_merge,
        _merge_a_merged_author,
        _merge_with_a_name_refused_midway,
        _edit_changing_nothing,
        _undo_twice,
    ],
)
def test_refused_service_call_writes_no_event(client, imported_seeds, curator, refused):
    after, messages, expected = refused(curator)

    assert (messages, _events_after(client, after)) == (expected, [])


# --- cursor paging ---------------------------------------------------------------------


def test_feed_pages_through_every_event_once_in_order(client, db):
    ids = _make_events(7)

    first = _get(client, "/api/changes/?page_size=3")
    second = _get(client, first["next"])
    third = _get(client, second["next"])

    pages = [first, second, third]
    assert [[e["id"] for e in page["results"]] for page in pages] == [ids[:3], ids[3:6], ids[6:]]
    assert [(page["next"], page["last"]) for page in pages] == [
        (f"http://testserver/api/changes/?after={ids[2]}&page_size=3", ids[2]),
        (f"http://testserver/api/changes/?after={ids[5]}&page_size=3", ids[5]),
        (None, ids[6]),
    ]
    assert [e["summary"] for page in pages for e in page["results"]] == [
        f"Event {n}" for n in range(7)
    ]


def test_feed_shows_each_event_whole(client, db):
    [event_id] = _make_events(1)
    event = ChangeEvent.objects.get(pk=event_id)

    page = _get(client, "/api/changes/")

    assert page == {
        "results": [
            {
                "id": event_id,
                "at": event.created_at.isoformat().replace("+00:00", "Z"),
                "kind": "edited",
                "summary": "Event 0",
                "data": {"n": 0},
                "records": {},
            }
        ],
        "next": None,
        "last": event_id,
    }


def test_feed_default_page_holds_100_events(client, db):
    ids = _make_events(101)

    page = _get(client, "/api/changes/")

    assert ([e["id"] for e in page["results"]], page["next"], page["last"]) == (
        ids[:100],
        f"http://testserver/api/changes/?after={ids[99]}&page_size=100",
        ids[99],
    )


def test_feed_after_the_last_event_is_empty_and_keeps_the_cursor(client, db):
    ids = _make_events(3)

    at_end = _get(client, f"/api/changes/?after={ids[-1]}")
    beyond = _get(client, f"/api/changes/?after={ids[-1] + 1000}")

    assert at_end == {"results": [], "next": None, "last": ids[-1]}
    assert beyond == {"results": [], "next": None, "last": ids[-1] + 1000}


def test_feed_of_an_empty_catalogue_is_empty(client, db):
    assert _get(client, "/api/changes/") == {"results": [], "next": None, "last": 0}


AFTER_ERROR = {"after": ["A whole number 0 or more."]}
PAGE_SIZE_ERROR = {"page_size": ["A whole number from 1 to 500."]}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("after=-1", AFTER_ERROR),
        ("after=abc", AFTER_ERROR),
        ("after=1.5", AFTER_ERROR),
        ("after=+3", AFTER_ERROR),
        ("after=%201", AFTER_ERROR),
        ("page_size=0", PAGE_SIZE_ERROR),
        ("page_size=501", PAGE_SIZE_ERROR),
        ("page_size=-5", PAGE_SIZE_ERROR),
        ("page_size=ten", PAGE_SIZE_ERROR),
        ("after=x&page_size=1", AFTER_ERROR),
        pytest.param(
            "after=%C2%B2",
            AFTER_ERROR,
        ),
        pytest.param(
            "page_size=%C2%B2",
            PAGE_SIZE_ERROR,
        ),
    ],
)
def test_feed_refuses_bad_parameters_with_a_message(client, db, query, errors):
    client.raise_request_exception = False

    response = client.get(f"/api/changes/?{query}")

    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == errors


def test_feed_page_runs_the_same_queries_at_any_depth(client, db):
    ids = _make_events(300)

    def queries(after: int) -> tuple[int, list[int]]:
        with CaptureQueriesContext(connection) as captured:
            page = _get(client, f"/api/changes/?after={after}&page_size=50")
        return len(captured), [e["id"] for e in page["results"]]

    shallow, shallow_ids = queries(0)
    deep, deep_ids = queries(ids[249])

    assert (shallow, deep) == (1, 1)
    assert (shallow_ids, deep_ids) == (ids[:50], ids[250:])


# --- the Atom feed ---------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom_titles(client) -> list[str]:
    response = client.get("/changes.atom")
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "application/atom+xml; charset=utf-8",
    )
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def test_atom_feed_lists_the_newest_events_first(client, imported_seeds, curator):
    merge = services.merge_papers(
        survivor=Paper.objects.get(slug=CONSISTENCY),
        others=[Paper.objects.get(slug=WEBGPT)],
        actor=curator,
    )
    services.undo_action(action=merge, actor=curator)

    titles = _atom_titles(client)

    assert titles == [
        f"Undone: Undone: {merge.summary}",
        f"Merged: {merge.summary}",
        "Imported: Imported 5 new and 0 updated pages",
    ]


def test_atom_feed_entries_link_to_their_event_and_count_the_records(client, imported_seeds):
    event = ChangeEvent.objects.get()

    feed = ET.fromstring(client.get("/changes.atom").content)

    [entry] = feed.findall(f"{ATOM}entry")
    assert (
        entry.findtext(f"{ATOM}id"),
        entry.find(f"{ATOM}link").get("href"),
        entry.findtext(f"{ATOM}summary"),
    ) == (
        f"change-{event.pk}",
        f"http://testserver/api/changes/?after={event.pk - 1}&page_size=1",
        "Changed: 3 authors, 5 pages, 40 papers, 4 venues.",
    )


def test_atom_feed_holds_the_50_newest_events(client, db):
    _make_events(55)

    titles = _atom_titles(client)

    assert titles == [f"Edited: Event {n}" for n in range(54, 4, -1)]


# --- a mirror that follows the feed ----------------------------------------------------

LOCATION = re.compile(r"^/api/(authors|papers)/([^/]+)/$")


class Mirror:
    """A client that keeps a copy of the catalogue by reading the feed: for every
    record an event names, it reads the record's API detail (and the whole lists
    the detail embeds only in part) and keeps what the export shows of it."""

    def __init__(self, client, page_size: int = 2, *, entries: bool = False) -> None:
        self.client = client
        self.page_size = page_size
        self.entries = entries  # keep each page's entries too
        self.cursor = 0
        self.authors: dict[str, dict] = {}
        self.papers: dict[str, dict] = {}
        self.pages: dict[str, dict] = {}
        self.seen: list[int] = []

    def sync(self) -> None:
        url = f"/api/changes/?after={self.cursor}&page_size={self.page_size}"
        while url:
            page = _get(self.client, url)
            for event in page["results"]:
                self.seen.append(event["id"])
                records = event["records"]
                for slug in records.get("authors", []):
                    self.read_author(slug)
                for slug in records.get("papers", []):
                    self.read_paper(slug)
                for source in records.get("pages", []):
                    self.read_page(source)
                # A new slug for a new name or title: the old one is an address only.
                store = self.papers if event["data"].get("model") == "paper" else self.authors
                for old in event["data"].get("renamed", {}):
                    store.pop(old, None)
            self.cursor = page["last"]
            url = page["next"]

    def _whole_list(self, url: str) -> list[dict]:
        items = []
        while url:
            page = _get(self.client, url)
            items += page["results"]
            url = page["next"]
        return items

    def _survivor(self, response) -> str:
        match = LOCATION.match(response["Location"])
        assert match, response["Location"]
        return match.group(2)

    def read_author(self, slug: str) -> None:
        response = self.client.get(f"/api/authors/{slug}/")
        if response.status_code == 200:
            author = response.json()
            papers = self._whole_list(author["papers_url"])
            assert author["paper_count"] == len(papers)
            self.authors[slug] = {
                "slug": author["slug"],
                "display_name": author["display_name"],
                "family_name": author["family_name"],
                "given_name": author["given_name"],
                "orcid": author["orcid"],
                "papers": sorted(p["slug"] for p in papers),
            }
        elif response.status_code == 301:
            survivor = self._survivor(response)
            self.authors[slug] = {"merged_into": survivor}
            self.read_author(survivor)
        elif response.status_code == 404:
            self.authors.pop(slug, None)
        elif response.status_code == 410:
            self.authors[slug] = {"papers": []}
        else:
            raise AssertionError((slug, response.status_code))

    def read_paper(self, slug: str) -> None:
        response = self.client.get(f"/api/papers/{slug}/")
        if response.status_code == 200:
            paper = response.json()
            authors = self._whole_list(paper["authors_url"])
            assert paper["author_count"] == len(authors)
            self.papers[slug] = {
                "slug": paper["slug"],
                "title": paper["title"],
                "abstract": paper["abstract"],
                "venues": sorted(v["slug"] for v in paper["venues"]),
                "authors": sorted(a["slug"] for a in authors),
            }
        elif response.status_code == 301:
            survivor = self._survivor(response)
            self.papers[slug] = {"merged_into": survivor}
            self.read_paper(survivor)
        elif response.status_code == 404:
            self.papers.pop(slug, None)
        else:
            raise AssertionError((slug, response.status_code))

    def read_page(self, source: str) -> None:
        response = self.client.get(f"/api/pages/{source}/")
        if response.status_code == 404:
            self.pages.pop(source, None)
            return
        assert response.status_code == 200, (source, response.status_code)
        page = response.json()
        self.pages[source] = {
            "source": page["source"],
            "kind": page["kind"],
            "label": page["label"],
            "author": page["author"]["slug"] if page["author"] else None,
            "content_hash": page["content_hash"],
        }
        if self.entries:
            self.pages[source]["entries"] = [
                {
                    "position": entry["position"],
                    "line": entry["line"],
                    "title": entry["title"],
                    "venue": entry["venue"],
                    "abstract": entry["abstract"],
                    "paper": entry["paper"]["slug"],
                    "author": entry["author"]["slug"] if entry["author"] else None,
                }
                for entry in self._whole_list(page["entries_url"])
            ]

    def state(self) -> dict:
        return {"authors": self.authors, "papers": self.papers, "pages": self.pages}


PAGE_FIELDS = ("source", "kind", "label", "author", "content_hash")


def exported(*, entries: bool = False) -> dict:
    """What the mirror should hold, from the export: live records whole, merged
    ones as their survivor, authors left with no paper as such (410); pages with
    their entries when ``entries``."""
    sections = {name: list(records) for name, records in export_sections()}
    authors, papers = {}, {}
    for author in sections["authors"]:
        if author["merged_into"]:
            authors[author["slug"]] = {"merged_into": author["merged_into"]}
        elif not author["papers"]:
            authors[author["slug"]] = {"papers": []}
        else:
            fields = ("slug", "display_name", "family_name", "given_name", "orcid", "papers")
            authors[author["slug"]] = {field: author[field] for field in fields}
    for paper in sections["papers"]:
        if paper["merged_into"]:
            papers[paper["slug"]] = {"merged_into": paper["merged_into"]}
        else:
            fields = ("slug", "title", "abstract", "venues", "authors")
            papers[paper["slug"]] = {field: paper[field] for field in fields}
    fields = PAGE_FIELDS + (("entries",) if entries else ())
    pages = {page["source"]: {f: page[f] for f in fields} for page in sections["pages"]}
    return {"authors": authors, "papers": papers, "pages": pages}


def _scenario(sample_page_files: list[Path], curator) -> list[Callable[[], object]]:
    """Import the seeds, assign a waiting page, merge two papers, split a profile to a
    new author and undo it, edit an ORCID, merge two authors: one step each."""
    split = []

    def split_wu():
        split.append(_split_wu(curator))

    return [
        lambda: import_pages(sample_page_files),
        lambda: services.assign_page(
            page=SourcePage.objects.get(source=TONY_004),
            actor=curator,
            new_author=services.NewAuthor("Nowak", "Łucja"),
        ),
        lambda: services.merge_papers(
            survivor=Paper.objects.get(slug=CONSISTENCY),
            others=[Paper.objects.get(slug=WEBGPT)],
            actor=curator,
        ),
        split_wu,
        lambda: services.undo_action(action=split[0], actor=curator),
        lambda: services.edit_author(
            author=Author.objects.get(slug=WU),
            actor=curator,
            family_name="Wu",
            given_name="Jeff",
            orcid=ORCID,
        ),
        lambda: services.merge_authors(
            survivor=Author.objects.get(slug=SUTSKEVER),
            others=[Author.objects.get(slug=PARASCANDOLO)],
            actor=curator,
            display_name="Sutskever, Ilya",
        ),
    ]


@pytest.mark.parametrize("sync_after_every_step", [False, True], ids=["at-end", "every-step"])
def test_mirror_following_the_feed_holds_what_the_export_holds(
    client, db, sample_page_files, curator, sync_after_every_step
):
    mirror = Mirror(client)

    for step in _scenario(sample_page_files, curator):
        step()
        if sync_after_every_step:
            mirror.sync()
    mirror.sync()

    assert mirror.seen == list(ChangeEvent.objects.values_list("id", flat=True))
    assert len(mirror.seen) == 7
    assert mirror.state() == exported()


def test_mirror_sees_an_author_left_with_no_paper(client, imported_seeds, curator):
    mirror = Mirror(client)
    mirror.sync()
    page = SourcePage.objects.get(source=TONY_004)
    services.assign_page(page=page, actor=curator, new_author=services.NewAuthor("Nowak", "Łucja"))
    mirror.sync()
    held = mirror.authors["nowak-lucja"]["papers"]

    services.unassign_page(page=SourcePage.objects.get(pk=page.pk), actor=curator)
    mirror.sync()

    assert (held, mirror.authors["nowak-lucja"]) == (_papers_on_page(TONY_004), {"papers": []})
    assert mirror.state() == exported()


def test_mirror_follows_an_undone_merge(client, imported_seeds, curator):
    mirror = Mirror(client)
    merge = services.merge_authors(
        survivor=Author.objects.get(slug=SUTSKEVER),
        others=[Author.objects.get(slug=PARASCANDOLO)],
        actor=curator,
    )
    mirror.sync()
    merged = mirror.authors[PARASCANDOLO]

    services.undo_action(action=merge, actor=curator)
    mirror.sync()

    assert merged == {"merged_into": SUTSKEVER}
    assert mirror.state() == exported()


def test_mirror_follows_a_paper_renamed_by_an_edit(client, imported_seeds, curator):
    mirror = Mirror(client)
    mirror.sync()
    paper = Paper.objects.get(slug=CONSISTENCY)

    services.edit_paper(
        paper=paper, actor=curator, title="Consistency Models, Revisited", abstract=paper.abstract
    )
    mirror.sync()

    assert mirror.state() == exported()


def test_mirror_follows_a_reimport_that_drops_a_paper(client, db, tmp_path):
    path = write_page(
        tmp_path,
        "doe.txt",
        named_page(
            "Doe, Ann",
            [("Kept paper", "Venue A", "Kept abstract."), ("Dropped paper", "Venue B", "Gone.")],
        ),
    )
    import_pages([path])
    mirror = Mirror(client)
    mirror.sync()
    write_page(
        tmp_path,
        "doe.txt",
        named_page(
            "Doe, Ann",
            [("Kept paper", "Venue A", "Kept abstract."), ("New paper", "Venue C", "New.")],
        ),
    )

    import_pages([path])
    mirror.sync()

    assert mirror.state() == exported()


def test_mirror_follows_a_fold_of_split_papers(client, db):
    older, younger, author = _split_papers()
    mirror = Mirror(client)
    mirror.read_author(author.slug)
    mirror.read_paper(younger.slug)

    with transaction.atomic():
        fold_split_papers()
    mirror.sync()

    assert (mirror.papers[younger.slug], mirror.authors[author.slug]["papers"]) == (
        {"merged_into": older.slug},
        [older.slug],
    )


def test_mirror_of_page_entries_follows_imports_and_assignments(client, imported_seeds, curator):
    mirror = Mirror(client, entries=True)
    mirror.sync()

    services.assign_page(
        page=SourcePage.objects.get(source=TONY_004),
        actor=curator,
        author=Author.objects.get(slug=SUTSKEVER),
    )
    mirror.sync()

    assert mirror.state() == exported(entries=True)


def _merge_papers(curator):
    return services.merge_papers(
        survivor=Paper.objects.get(slug=CONSISTENCY),
        others=[Paper.objects.get(slug=WEBGPT)],
        actor=curator,
    )


@pytest.mark.parametrize("act", [_merge_papers, _split_wu])
def test_mirror_of_page_entries_follows_merges_and_splits(client, imported_seeds, curator, act):
    mirror = Mirror(client, entries=True)
    mirror.sync()

    act(curator)
    mirror.sync()

    assert mirror.state() == exported(entries=True)
