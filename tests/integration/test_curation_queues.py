"""The curators' queues: computed by the background worker (curation.queues), in full
or for what changed since; read by the pages without computing; what curators did
since the last computation is taken out at once."""

from __future__ import annotations

import io
from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from catalog.importing import import_pages
from catalog.models import Author, Authorship, Paper, SourcePage
from curation import queues, services
from curation.models import DismissedPair
from tests.factories import AuthorFactory, PaperFactory
from tests.pages import anonymous_page, write_page

PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
TWIN_TITLE = "Sparse Attention Revisited for Tiny Corpora of Handwritten Letters"


@pytest.fixture
def twin_papers(db) -> tuple[Paper, Paper]:
    """Two records of one paper: same title, abstracts one word apart."""
    return (
        PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters."),
        PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters!"),
    )


@pytest.fixture
def twin_authors(db) -> tuple[Author, Author]:
    return (
        AuthorFactory(family_name="Quillfeather", given_name="Oona", display_name="Oona Q"),
        AuthorFactory(family_name="Quillfeather", given_name="Oona", display_name="Oona Q"),
    )


def _pairs(queue: queues.Queue) -> set[tuple[int, int]]:
    return {(pair.first.id, pair.second.id) for pair in queue.items}


def _page_sources(queue: queues.Queue) -> set[str]:
    return {item.page.source for item in queue.items}


def _jobs() -> list[dict]:
    return [r.args_kwargs["kwargs"] for r in DBTaskResult.objects.order_by("enqueued_at")]


def _identity(name: str, item) -> tuple:
    """What a queue item is, with its score: equal for equal results."""
    if name == "pages":
        return (
            item.page.pk,
            item.recommendation,
            tuple((s.author.pk, s.probability) for s in item.suggestions),
        )
    if name == "mixed":
        return (
            item.author.pk,
            item.separation,
            item.probability,
            tuple(c.paper_ids for c in item.clusters),
        )
    return (item.first.id, item.second.id, item.score)


def _stamp_back(seconds: int = 3600) -> None:
    """Age the stored computation as if it had run ``seconds`` ago, with the records
    stamped before it: a partial run then looks only at what the test changes."""
    state = caches["queues"].get(queues.STATE_KEY)
    earlier = state.computed_at - timedelta(seconds=seconds)
    before = earlier - timedelta(seconds=seconds)
    Paper.objects.update(page_changed_at=before, updated_at=before)
    Author.objects.update(page_changed_at=before, updated_at=before)
    Authorship.objects.update(created_at=before)
    caches["queues"].set(
        queues.STATE_KEY, replace(state, computed_at=earlier, full_at=earlier), None
    )


# --- reading never computes -------------------------------------------------------------


def test_queues_before_any_computation_are_empty_and_ask_the_worker(
    twin_papers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        found = queues.queues("paper_pairs")["paper_pairs"]
    again = queues.queues("paper_pairs")["paper_pairs"]  # one job waits already

    assert (found.items, found.computed_at, again.items) == ([], None, [])
    assert _jobs() == [{"full": True}]
    assert queues.status().waiting is True


def test_queues_come_from_the_cache_until_computed_again(twin_papers, django_assert_num_queries):
    first, second = twin_papers
    computed = queues.compute(full=True)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    with django_assert_num_queries(2):  # merged papers, dismissals
        cached = queues.queues("paper_pairs")["paper_pairs"]
    recomputed = queues.compute()

    assert _pairs(cached) == {(first.pk, second.pk)}
    assert cached.computed_at == computed.computed_at
    assert len(recomputed.items["paper_pairs"]) == 3  # the third record pairs with both
    assert recomputed.computed_at > computed.computed_at


def test_compute_stores_when_and_how_it_computed(twin_papers):
    full = queues.compute(full=True)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    partial = queues.compute()
    status = queues.status()

    assert (full.full, full.changed_records, partial.full) == (True, 0, False)
    assert partial.changed_records >= 1
    assert (status.computed_at, status.full_at, status.full) == (
        partial.computed_at,
        full.computed_at,
        False,
    )
    assert (status.computing_since, status.waiting) == (None, False)


# --- what curators did since is taken out at once -----------------------------------------


def test_queue_takes_out_a_pair_merged_since_and_brings_it_back_on_undo(twin_papers, curator):
    first, second = twin_papers
    queues.compute(full=True)
    action = services.merge_papers(survivor=first, others=[second], actor=curator)

    after_merge = queues.queues("paper_pairs")["paper_pairs"]
    services.undo_action(action=action, actor=curator)
    after_undo = queues.queues("paper_pairs")["paper_pairs"]

    assert (_pairs(after_merge), after_merge.held_back) == (set(), 1)
    assert (_pairs(after_undo), after_undo.held_back) == ({(first.pk, second.pk)}, 0)


def test_queue_takes_out_a_pair_dismissed_since(twin_authors, curator):
    first, second = twin_authors
    queues.compute(full=True)
    before = queues.queues("author_pairs")["author_pairs"]

    services.dismiss_pair(kind="author", first=second, second=first, actor=curator)
    after = queues.queues("author_pairs")["author_pairs"]
    after_partial_run = (queues.compute(), queues.queues("author_pairs")["author_pairs"])[1]

    assert _pairs(before) == {(first.pk, second.pk)}
    assert (_pairs(after), after.held_back) == (set(), 1)
    assert (_pairs(after_partial_run), after_partial_run.held_back) == (set(), 0)


def test_queue_takes_out_a_page_assigned_since_but_keeps_its_suggestions_elsewhere(
    imported_seeds, curator
):
    ilya = Author.objects.get(slug="sutskever-ilya")
    page = SourcePage.objects.get(source=PAGE_001)
    queues.compute(full=True)

    services.assign_page(page=page, author=ilya, actor=curator)
    queue = queues.queues("pages")["pages"]

    assert (_page_sources(queue), queue.held_back) == ({PAGE_004}, 1)
    # Ilya changed (he has a new page) but is still the first suggestion for 004.
    assert queue.items[0].suggestions[0].author.slug == "sutskever-ilya"


def test_queue_drops_a_suggested_author_merged_away(imported_seeds, curator):
    ilya = Author.objects.get(slug="sutskever-ilya")
    wu = Author.objects.get(slug="wu-jeff")
    queues.compute(full=True)
    before = queues.queues("pages")["pages"]

    services.merge_authors(survivor=wu, others=[ilya], actor=curator)
    after = queues.queues("pages")["pages"]

    suggested_before = {s.author.slug for i in before.items for s in i.suggestions}
    suggested_after = {s.author.slug for i in after.items for s in i.suggestions}
    assert "sutskever-ilya" in suggested_before
    assert suggested_after == suggested_before - {"sutskever-ilya"}
    assert _page_sources(after) == {PAGE_001, PAGE_004}


def test_queue_takes_out_a_profile_split_since(imported_seeds, curator):
    wu = Author.objects.get(slug="wu-jeff")
    queues.compute(full=True)
    before = queues.queues("mixed")["mixed"]
    paper = Paper.objects.filter(authorships__author=wu).order_by("pk").first()

    services.split_author(
        author=wu,
        papers=[paper],
        actor=curator,
        new_author=services.NewAuthor(family_name="Wu", given_name="Jeffrey"),
    )
    after = queues.queues("mixed")["mixed"]

    assert [i.author.slug for i in before.items] == ["wu-jeff"]
    assert (after.items, after.held_back) == ([], 1)


# --- partial computations ---------------------------------------------------------------


def test_partial_computation_after_changes_equals_a_full_one(
    imported_seeds, twin_papers, twin_authors, curator, tmp_path
):
    queues.compute(full=True)
    _stamp_back()
    ilya = Author.objects.get(slug="sutskever-ilya")
    services.assign_page(page=SourcePage.objects.get(source=PAGE_001), author=ilya, actor=curator)
    services.merge_papers(survivor=twin_papers[0], others=[twin_papers[1]], actor=curator)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")
    AuthorFactory(family_name="Quillfeather", given_name="O.", display_name="O. Quillfeather")
    import_pages([write_page(tmp_path, "900_new.txt", anonymous_page("Tony", ["Fresh bees."]))])

    partial = queues.compute()
    full = queues.compute(full=True)

    assert partial.full is False
    assert 0 < partial.changed_records < Paper.objects.count() + Author.objects.count()
    for name in queues.QUEUE_LENGTH:
        assert [_identity(name, i) for i in partial.items[name]] == [
            _identity(name, i) for i in full.items[name]
        ], name


def test_partial_computation_looks_only_at_changed_records(imported_seeds, twin_papers):
    queues.compute(full=True)
    _stamp_back()
    third = PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    partial = queues.compute()

    # The new paper and its author(s), nothing else.
    assert partial.changed_records == 1 + third.authorships.count()
    assert {
        p for pair in partial.items["paper_pairs"] for p in (pair.first.id, pair.second.id)
    } == {
        twin_papers[0].pk,
        twin_papers[1].pk,
        third.pk,
    }


def test_partial_computation_of_too_many_changes_is_a_full_one(twin_papers, monkeypatch):
    queues.compute(full=True)
    monkeypatch.setattr(queues, "MAX_PARTIAL_RECORDS", 0)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    state = queues.compute()

    assert (state.full, state.changed_records, len(state.items["paper_pairs"])) == (True, 0, 3)


# --- who asks for a computation -----------------------------------------------------------


def test_an_import_asks_for_a_partial_computation_once(
    imported_seeds, tmp_path, django_capture_on_commit_callbacks
):
    queues.compute(full=True)
    pages = [
        write_page(tmp_path, f"90{n}_new.txt", anonymous_page("Tony", [f"Bees {n}."]))
        for n in range(3)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        import_pages(pages[:1])
        import_pages(pages[1:])

    assert _jobs() == [{"full": False}]  # the second import found one waiting


def test_a_curator_action_asks_for_a_partial_computation(
    imported_seeds, curator, django_capture_on_commit_callbacks
):
    queues.compute(full=True)
    ilya = Author.objects.get(slug="sutskever-ilya")

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_page(
            page=SourcePage.objects.get(source=PAGE_001), author=ilya, actor=curator
        )

    assert _jobs() == [{"full": False}]


def test_a_full_request_is_enqueued_even_when_a_partial_one_waits(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queues.request_refresh()
        queues.request_refresh()
        queues.request_refresh(full=True)
        queues.request_refresh(full=True)
        queues.request_refresh()

    assert _jobs() == [{"full": False}, {"full": True}]


def test_compute_while_another_worker_computes_asks_again_later(db, monkeypatch):
    monkeypatch.setattr(queues, "database_lock", lambda *args, **kwargs: nullcontext(False))

    state = queues.compute()

    job = DBTaskResult.objects.get()
    assert state is None
    assert job.args_kwargs["kwargs"] == {"full": False}
    assert timedelta(0) < job.run_after - job.enqueued_at <= timedelta(seconds=queues.RETRY_SECONDS)
    assert caches["queues"].get(queues.STATE_KEY) is None


# --- the worker, end to end -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_computes_the_queues_after_an_import(curator, tmp_path, client, settings):
    settings.QUEUE_PARTIAL_SECONDS = 0  # the worker runs the partial job at once
    import_pages(sorted(Path(settings.SAMPLE_PAGES_DIR).glob("*.txt")))
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    client.force_login(curator)
    before = client.get("/curation/").context["pages"]

    import_pages([write_page(tmp_path, "900_new.txt", anonymous_page("Tony", ["Fresh bees."]))])
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    after = client.get("/curation/")

    assert {i.page.source for i in before} == {PAGE_001, PAGE_004}
    assert {i.page.source for i in after.context["pages"]} == {PAGE_001, PAGE_004, "900_new.txt"}
    assert after.context["queue_status"].full is False
    assert [r.status for r in DBTaskResult.objects.all()] == ["SUCCESSFUL"] * 2


# --- the pages ------------------------------------------------------------------------------


def test_dashboard_compute_again_asks_the_worker_and_comes_back_at_once(
    client, curator, imported_seeds, twin_papers, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    queues.compute(full=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/curation/papers/duplicates/")
    page = client.get("/curation/papers/duplicates/")

    assert (response.status_code, response["Location"]) == (302, "/curation/papers/duplicates/")
    assert _jobs() == [{"full": True}]
    assert "Computing… (waiting for a worker)" in page.content.decode()
    assert len(page.context["pairs"]) == 1


def test_dashboard_before_any_computation_says_so(client, curator, db):
    client.force_login(curator)

    body = client.get("/curation/").content.decode()

    assert "No candidates computed yet." in body


def test_dashboard_shows_a_computation_under_way(client, curator, twin_papers):
    client.force_login(curator)
    queues.compute(full=True)
    caches["queues"].set(queues.RUNNING_KEY, queues.status().computed_at, 60)

    body = client.get("/curation/").content.decode()

    assert "Computing… (started at" in body


def test_queue_page_get_computes_nothing(client, curator, imported_seeds, twin_papers):
    client.force_login(curator)
    queues.compute(full=True)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")

    response = client.get("/curation/papers/duplicates/?refresh=1")

    assert (response.status_code, len(response.context["pairs"])) == (200, 1)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("reader", 403), ("curator", 302)],
)
def test_queue_refresh_is_for_curators_only(client, curator, reader, db, who, expected):
    if who != "anonymous":
        client.force_login(curator if who == "curator" else reader)

    response = client.post("/curation/")

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


# --- the commands ---------------------------------------------------------------------------


def test_compute_queues_command_changes_only(twin_papers):
    queues.compute(full=True)
    PaperFactory(title=TWIN_TITLE, abstract="We revisit sparse attention on letters?")
    out = io.StringIO()

    call_command("compute_queues", "--changes", stdout=out)

    assert out.getvalue().startswith("Queues computed for ")
    assert " changed records in " in out.getvalue()
    assert len(queues.queues("paper_pairs")["paper_pairs"].items) == 3


def test_compute_queues_command_enqueue_leaves_it_to_the_worker(
    db, django_capture_on_commit_callbacks
):
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("compute_queues", "--enqueue", stdout=out)

    assert out.getvalue() == "Asked the worker to compute the queues.\n"
    assert _jobs() == [{"full": True}]


def test_schedule_queues_once_asks_for_a_full_computation(db, django_capture_on_commit_callbacks):
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("schedule_queues", "--once", "--every", "60", stdout=out)

    assert out.getvalue() == "Asked for a full computation of the queues (every 60s).\n"
    assert _jobs() == [{"full": True}]


def test_partial_computation_drops_a_profile_no_longer_examined(imported_seeds, monkeypatch):
    queues.compute(full=True)
    before = queues.queues("mixed")["mixed"]
    monkeypatch.setattr(queues.finders, "examined_profiles", lambda **kwargs: {})

    state = queues.compute()

    assert [i.author.slug for i in before.items] == ["wu-jeff"]
    assert state.items["mixed"] == []


def test_dashboard_says_when_the_queues_were_computed(client, curator, twin_papers):
    client.force_login(curator)
    queues.compute(full=True)
    state = caches["queues"].get(queues.STATE_KEY)

    fresh = client.get("/curation/").content.decode()
    caches["queues"].set(
        queues.STATE_KEY, replace(state, computed_at=state.computed_at - timedelta(hours=2)), None
    )
    older = client.get("/curation/").content.decode()

    assert "Candidates computed just now, at" in fresh
    assert "(in full, " in fresh
    assert "Candidates computed 2\xa0hours ago, at" in older


def test_finders_leave_out_an_author_deleted_between_their_queries(
    twin_authors, imported_seeds, monkeypatch
):
    """An undone split deletes the author it created: a finder that listed the author
    in one query and finds it gone in the next leaves it out instead of failing."""
    from curation.finders import author_pairs, profiles, suggestions

    gone = {twin_authors[1].pk, Author.objects.get(slug="wu-jeff").pk}
    gone.add(Author.objects.get(slug="sutskever-ilya").pk)
    for module in (author_pairs, profiles, suggestions):
        real = module.authors_by_id
        monkeypatch.setattr(
            module,
            "authors_by_id",
            lambda ids, real=real: {pk: a for pk, a in real(ids).items() if pk not in gone},
        )

    state = queues.compute(full=True)

    assert state.items["author_pairs"] == []
    assert state.items["mixed"] == []
    suggested = {s.author.pk for i in state.items["pages"] for s in i.suggestions}
    assert suggested == {Author.objects.get(slug="parascandolo-giambattista").pk}


def test_a_partial_computation_waits_for_the_interval_since_the_last(
    db, settings, django_capture_on_commit_callbacks
):
    settings.QUEUE_PARTIAL_SECONDS = 15
    state = queues.compute(full=True)

    with django_capture_on_commit_callbacks(execute=True):
        queues.request_refresh()
        queues.request_refresh(full=True)

    partial, full = DBTaskResult.objects.order_by("enqueued_at")
    assert partial.args_kwargs["kwargs"] == {"full": False}
    assert partial.run_after == state.computed_at + timedelta(seconds=15)
    assert full.args_kwargs["kwargs"] == {"full": True}
    assert full.run_after.year == 9999  # the backend's "no delay": at once


def test_queue_takes_out_pairs_and_suggestions_of_an_author_an_undo_deleted(
    imported_seeds, curator
):
    """A split creates an author; the worker pairs it with a namesake; undoing the
    split deletes it: the pair leaves the queue at once."""
    wu = Author.objects.get(slug="wu-jeff")
    namesake = AuthorFactory(family_name="Wu", given_name="Jeffrey", display_name="Jeffrey Wu")
    paper = Paper.objects.filter(authorships__author=wu).order_by("pk").first()
    split = services.split_author(
        author=wu,
        papers=[paper],
        actor=curator,
        new_author=services.NewAuthor(family_name="Wu", given_name="Jeffrey"),
    )
    created = Author.objects.filter(merged_into=None).exclude(pk__in=[wu.pk, namesake.pk])
    created = created.get(family_name="Wu").pk
    queues.compute(full=True)
    before = queues.queues("author_pairs")["author_pairs"]

    services.undo_action(action=split, actor=curator)
    after = queues.queues("author_pairs")["author_pairs"]

    pairs_before = {(p.first.pk, p.second.pk) for p in before.items}
    assert tuple(sorted((created, namesake.pk))) in pairs_before
    assert all(created not in (p.first.pk, p.second.pk) for p in after.items)
    assert after.held_back == sum(1 for pair in pairs_before if created in pair)


def test_a_split_pair_is_never_proposed_as_duplicates_until_the_split_is_undone(
    imported_seeds, curator
):
    wu = Author.objects.get(slug="wu-jeff")
    paper = Paper.objects.filter(authorships__author=wu).order_by("pk").first()

    split = services.split_author(
        author=wu,
        papers=[paper],
        actor=curator,
        new_author=services.NewAuthor(family_name="Wu", given_name="Jeffrey"),
    )
    after_split = queues.compute(full=True).items["author_pairs"]
    services.undo_action(action=split, actor=curator)
    after_undo = DismissedPair.objects.count()

    assert after_split == []  # "Jeffrey Wu" / "Jeff Wu" would pair by the name rules
    assert after_undo == 0
