"""The curators' queues: computed by a background worker, kept in the ``queues``
cache, read by the curators' pages (a web request never runs a finder).

Four queues, one finder each (:mod:`curation.finders`): anonymous pages to assign,
duplicate papers, duplicate authors, profiles that may mix people. They are
computed together and stored as one :class:`QueueState`:

- in full (every finder over the whole catalogue, seconds at 100k papers) when
  nothing is stored yet, when a curator asks ("Compute again"), and on a schedule
  (``manage.py schedule_queues``) that catches anything a partial run could miss;
- otherwise only for what changed since the last computation: the papers and
  authors whose row changed or that gained an authorship (:func:`_changed_since`).
  Items that involve a changed record
  are dropped and those records looked at again; the rest is kept. Each queue
  ranking keeps twice what it shows (``KEPT``), so that the items taken out leave
  others. (The pages queue is the first pages by source: a partial run lists them
  again, and works out only those whose evidence changed.)

Who asks: every commit that changed the catalogue (``catalog.signals.
catalogue_changed``, connected in ``CurationConfig.ready``) calls
:func:`request_refresh`, which enqueues one job unless one is already waiting.
A lock shared through the database (:func:`catalog.locks.database_lock`) keeps two
workers from computing at once; a job that finds the lock held runs again later.

Between a change and the next computation, :func:`queues` takes out at once what
curators did (a page assigned, a pair merged or dismissed, a profile changed), as
``held_back``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from catalog.locks import database_lock
from catalog.models import Author, Authorship, Paper, SourceEntry, SourcePage

from . import finders
from .matcher.model import ASSIGN, REVIEW
from .models import DismissedPair, RejectedSuggestion

logger = logging.getLogger(__name__)

# How many candidates a queue shows (the queue pages all, the dashboard the first few).
QUEUE_LENGTH = {"pages": 50, "paper_pairs": 100, "author_pairs": 100, "mixed": 100}
# How many each queue keeps: twice what the rankings show, for partial runs to draw on.
KEPT = {"pages": 50, "paper_pairs": 200, "author_pairs": 200, "mixed": 200}
# A partial run looks this far behind the last computation's start: a transaction
# that stamped its records just before that start but committed after it is seen.
OVERLAP = timedelta(seconds=60)
# More changed records than this (a large import) and a full computation is cheaper.
MAX_PARTIAL_RECORDS = 20_000

STATE_KEY = "curation-queues:state"  # the QueueState, its items apart (ITEMS_KEY)
ITEMS_KEY = "curation-queues:items:{}"  # one queue's items: a page reads only its own
WAITING_KEY = "curation-queues:waiting"  # a job is enqueued and has not started
RUNNING_KEY = "curation-queues:running"  # a worker is computing (value: its start)
WAITING_SECONDS = 600  # a lost job (worker down) stops blocking new ones after this
RUNNING_SECONDS = 900
RETRY_SECONDS = 5  # a job that found another computing runs again this much later
QUEUE_LOCK = 0x717565756573  # pg_advisory_lock key: "queues"
QUEUE_LOCK_FILE = "-queues-lock"  # SQLite: lock file beside the database


@dataclass(frozen=True)
class QueueState:
    """What the last computation stored: each queue's items (``KEPT`` of
    length), when it started (``computed_at``: changes after it are not in it), the
    last full computation's start, and how long the last computation took."""

    items: dict[str, list]
    computed_at: datetime
    full_at: datetime
    full: bool
    seconds: float
    changed_records: int  # papers and authors a partial run looked at again (0: full)
    timings: dict[str, float]  # seconds per queue


@dataclass(frozen=True)
class Queue:
    """A queue as shown: the candidates computed at ``computed_at`` (None: never yet),
    less those whose records curators changed since (``held_back`` of them)."""

    items: list
    computed_at: datetime | None
    held_back: int


@dataclass(frozen=True)
class QueueStatus:
    computed_at: datetime | None
    full_at: datetime | None
    seconds: float | None
    full: bool
    computing_since: datetime | None  # a worker is computing now
    waiting: bool  # a computation is asked for and not started

    @property
    def computed_just_now(self) -> bool:
        return bool(self.computed_at) and timezone.now() - self.computed_at < timedelta(minutes=1)


def _cache():
    return caches["queues"]


# --- asking for a computation ----------------------------------------------------------


def request_refresh(*, full: bool = False) -> None:
    """Enqueue a computation after the current transaction commits, unless one is
    already waiting (it will see this change too: it starts after it)."""
    transaction.on_commit(lambda: _enqueue(full=full), robust=True)


def _enqueue(*, full: bool, retry_at: datetime | None = None) -> None:
    """Enqueue a job, unless one that covers it waits already (a full one covers any;
    a partial one, partial ones). Two requests at the same instant may both enqueue:
    harmless, the second job finds little or nothing changed.

    A partial job starts ``QUEUE_PARTIAL_SECONDS`` after the last computation began
    at the earliest: a curator working a change a second gets one run every few
    seconds that takes them all, not a worker busy for ever (and sees their own
    changes at once through ``held_back``)."""
    waiting = _cache().get(WAITING_KEY)
    if retry_at is None and (waiting == "full" or (waiting and not full)):
        return
    if retry_at is None and not full and (state := _cache().get(STATE_KEY)) is not None:
        earliest = state.computed_at + timedelta(seconds=settings.QUEUE_PARTIAL_SECONDS)
        retry_at = earliest if earliest > timezone.now() else None
    _cache().set(WAITING_KEY, "full" if full else "changes", WAITING_SECONDS)
    task = compute_queues_job.using(run_after=retry_at) if retry_at else compute_queues_job
    task.enqueue(full=full)


# --- computing ---------------------------------------------------------------------


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """On PostgreSQL, every query of a computation reads one snapshot of the catalogue
    (a read-only REPEATABLE READ transaction): a curator's change landing between two
    queries of a finder is seen by all of them or by none. On SQLite the computation
    reads outside a transaction (ours begin IMMEDIATE: one would hold every writer off
    for seconds); the finders leave out a record deleted between their queries."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # (in a transaction already, as in tests: its own snapshot rules)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


@task()
def compute_queues_job(*, full: bool = False) -> str:
    """The background job (``manage.py db_worker`` runs it): :func:`compute`."""
    state = compute(full=full)
    if state is None:
        return "another worker is computing: asked again for later"
    kind = "full" if state.full else f"{state.changed_records} changed records"
    return f"computed ({kind}) in {state.seconds:.2f}s"


def compute(*, full: bool = False) -> QueueState | None:
    """Compute the queues (in full, or what changed since the stored state) and store
    them. None, and the job asked again a little later, when another worker is
    computing."""
    with database_lock(QUEUE_LOCK, name=QUEUE_LOCK_FILE, wait=False) as held:
        if not held:
            _enqueue(full=full, retry_at=timezone.now() + timedelta(seconds=RETRY_SECONDS))
            return None
        started = timezone.now()
        _cache().delete(WAITING_KEY)  # a change from now on asks for a new run
        _cache().set(RUNNING_KEY, started, RUNNING_SECONDS)
        try:
            with _one_snapshot():
                state = _computation(full=full, started=started)
            _store(state)
        finally:
            _cache().delete(RUNNING_KEY)
    logger.info(
        "queues computed (%s) in %.2fs: %s",
        "full" if state.full else f"{state.changed_records} changed records",
        state.seconds,
        ", ".join(f"{len(found)} {n} ({state.timings[n]}s)" for n, found in state.items.items()),
        extra={"full": state.full, "seconds": state.seconds},
    )
    return state


def _store(state: QueueState) -> None:
    """The items first, then the state that dates them."""
    _cache().set_many({ITEMS_KEY.format(n): items for n, items in state.items.items()}, None)
    _cache().set(STATE_KEY, replace(state, items={}), None)


def _stored(names: Iterable[str]) -> QueueState | None:
    """The stored state with the items of the queues named; None when any is missing."""
    keys = {name: ITEMS_KEY.format(name) for name in names}
    found = _cache().get_many([STATE_KEY, *keys.values()])
    state = found.get(STATE_KEY)
    if state is None or any(key not in found for key in keys.values()):
        return None
    return replace(state, items={name: found[key] for name, key in keys.items()})


def _computation(*, full: bool, started: datetime) -> QueueState:
    """Every queue in full, or what changed since the stored state (none: in full)."""
    clock = time.perf_counter()
    previous = None if full else _stored(QUEUE_LENGTH)
    changed = None if previous is None else _changed_since(previous.computed_at - OVERLAP)
    items, timings = {}, {}
    for name in QUEUE_LENGTH:
        began = time.perf_counter()
        if changed is None:
            items[name] = FINDERS[name](limit=KEPT[name])
        else:
            items[name] = PARTIAL[name](previous.items[name], *changed)
        timings[name] = round(time.perf_counter() - began, 2)
    return QueueState(
        items=items,
        computed_at=started,
        full_at=started if changed is None else previous.full_at,
        full=changed is None,
        seconds=round(time.perf_counter() - clock, 2),
        changed_records=0 if changed is None else len(changed[0]) + len(changed[1]),
        timings=timings,
    )


def _changed_since(since: datetime) -> tuple[set[int], set[int]] | None:
    """(papers, authors) that changed for the queues since, or None when so many did
    that a full computation is the cheaper one.

    Records whose own row changed (new, edited, merged, split, renamed: every import
    and curator's change moves ``updated_at``) and those that gained an authorship.
    Not every record whose public page changed: a paper that one more anonymous page
    lists, or the forty authors of a paper that gained a page entry, score as before.
    """
    new_authorships = Authorship.objects.filter(created_at__gt=since).values_list(
        "paper_id", "author_id"
    )
    papers = set(Paper.objects.filter(updated_at__gt=since).values_list("pk", flat=True))
    authors = set(Author.objects.filter(updated_at__gt=since).values_list("pk", flat=True))
    for paper_id, author_id in new_authorships:
        papers.add(paper_id)
        authors.add(author_id)
    if len(papers) + len(authors) > MAX_PARTIAL_RECORDS:
        return None
    return papers, authors


def _partial_pages(previous: list, papers: set[int], authors: set[int]) -> list:
    """The first pages by source again; a page keeps its suggestions unless one of its
    papers or one of its suggested authors changed."""
    shown = {item.page.pk: item for item in previous}
    touched = set()
    if papers and shown:
        touched = {
            page_id
            for page_id, paper_id in SourceEntry.objects.filter(page_id__in=shown).values_list(
                "page_id", "paper_id"
            )
            if paper_id in papers
        }
    reuse = {
        pk: item
        for pk, item in shown.items()
        if pk not in touched and not any(s.author.pk in authors for s in item.suggestions)
    }
    return finders.pages_to_assign(limit=KEPT["pages"], reuse=reuse)


def _merged(
    previous: list,
    fresh: list,
    *,
    involved: Callable[[Any], Collection[int]],
    changed: set[int],
    order: Callable[[Any], tuple],
    length: int,
    keep: Callable[[Any], bool] = lambda item: True,
) -> list:
    """The previous items that involve no changed record, with the fresh ones, in the
    queue's order, cut to its kept length."""
    kept = [i for i in previous if changed.isdisjoint(involved(i)) and keep(i)]
    return sorted([*kept, *fresh], key=order)[:length]


def _partial_pairs(name: str, previous: list, changed: set[int]) -> list:
    """A pair queue: the pairs with a changed record found again, the others kept
    unless a curator dismissed them since (both sides have ``id``: PaperSide, Author)."""
    finder, kind, order = PAIR_QUEUES[name]
    fresh = finder(limit=None, **{f"{kind}s": changed}) if changed else []
    dismissed = set(DismissedPair.objects.filter(kind=kind).values_list("low_id", "high_id"))
    return _merged(
        previous,
        fresh,
        involved=lambda pair: (pair.first.id, pair.second.id),
        changed=changed,
        order=order,
        length=KEPT[name],
        keep=lambda pair: tuple(sorted((pair.first.id, pair.second.id))) not in dismissed,
    )


PAIR_QUEUES = {  # finder, the kind of record paired, the queue's order
    "paper_pairs": (finders.duplicate_paper_candidates, "paper", finders.paper_pair_order),
    "author_pairs": (finders.duplicate_author_candidates, "author", finders.author_pair_order),
}


def _partial_mixed(previous: list, papers: set[int], authors: set[int]) -> list:
    """Changed profiles clustered again; a kept profile must still be among those the
    finder examines (the largest ones: others may have grown past it)."""
    examined = finders.examined_profiles()
    fresh = finders.mixed_profiles(limit=None, authors=authors, examined=examined)
    return _merged(
        previous,
        fresh,
        involved=lambda profile: (profile.author.pk,),
        changed=authors,
        order=finders.mixed_profile_order,
        length=KEPT["mixed"],
        keep=lambda profile: profile.author.pk in examined,
    )


FINDERS: dict[str, Callable[..., list]] = {
    "pages": finders.pages_to_assign,
    "paper_pairs": finders.duplicate_paper_candidates,
    "author_pairs": finders.duplicate_author_candidates,
    "mixed": finders.mixed_profiles,
}
PARTIAL: dict[str, Callable[[list, set[int], set[int]], list]] = {
    "pages": _partial_pages,
    "paper_pairs": lambda previous, papers, authors: _partial_pairs(
        "paper_pairs", previous, papers
    ),
    "author_pairs": lambda previous, papers, authors: _partial_pairs(
        "author_pairs", previous, authors
    ),
    "mixed": _partial_mixed,
}


# --- reading -----------------------------------------------------------------------


def status() -> QueueStatus:
    """When the queues were computed, and whether a computation is under way."""
    found = _cache().get_many([STATE_KEY, RUNNING_KEY, WAITING_KEY])
    state: QueueState | None = found.get(STATE_KEY)
    return QueueStatus(
        computed_at=state.computed_at if state else None,
        full_at=state.full_at if state else None,
        seconds=state.seconds if state else None,
        full=bool(state and state.full),
        computing_since=found.get(RUNNING_KEY),
        waiting=bool(found.get(WAITING_KEY)),
    )


def _authors_state(ids: set[int]) -> dict[int, tuple[bool, datetime]]:
    """Per author: merged away?, and when it last changed."""
    rows = Author.objects.filter(pk__in=ids).values_list("pk", "merged_into_id", "updated_at")
    return {pk: (merged is not None, updated) for pk, merged, updated in rows} if ids else {}


def _still_suggested(item: Any, keep: Callable[[Any], bool]) -> Any:
    """A page's judgement less the suggestions no longer offered; a confident
    ``assign`` becomes ``review`` when its first candidate is gone."""
    kept = tuple(s for s in item.suggestions if keep(s))
    if kept == item.suggestions:
        return item
    recommendation = item.recommendation
    if recommendation == ASSIGN and kept[:1] != item.suggestions[:1]:
        recommendation = REVIEW
    return replace(item, suggestions=kept, recommendation=recommendation)


def queues(*names: str) -> dict[str, Queue]:
    """The named queues (keys of ``QUEUE_LENGTH``) as last computed, less what curators
    did since (``held_back``): a page assigned, a pair with a record merged away,
    deleted (an undone split's author) or dismissed, a profile changed since (split,
    merged, given a page). A suggested author merged away or deleted, or one a curator
    said the page is not, is dropped from the page's suggestions. Undoing brings a
    candidate back. Never computes: when nothing was computed yet, the queues are
    empty (``computed_at`` None) and a computation is asked for. At most 6 queries.
    """
    state = _stored(names)
    if state is None:
        request_refresh(full=True)
        return {n: Queue([], None, 0) for n in names}
    items = {n: state.items[n] for n in names}
    since = state.computed_at

    pages = items.get("pages", [])
    paper_pairs = items.get("paper_pairs", [])
    author_pairs = items.get("author_pairs", [])
    mixed = items.get("mixed", [])
    authors = _authors_state(
        {s.author.pk for i in pages for s in i.suggestions}
        | {r.id for i in author_pairs for r in (i.first, i.second)}
        | {i.author.pk for i in mixed}
    )
    live_authors = {pk for pk, (merged, _) in authors.items() if not merged}
    assigned_pages, rejected = set(), set()
    if pages:
        assigned_pages = set(
            SourcePage.objects.filter(
                pk__in={i.page.pk for i in pages}, author__isnull=False
            ).values_list("pk", flat=True)
        )
        rejected = set(
            RejectedSuggestion.objects.filter(
                page_id__in={i.page.pk for i in pages}, created_at__gt=since
            ).values_list("page_id", "author_id")
        )
    live_papers = set()
    if paper_pairs:
        live_papers = set(
            Paper.objects.filter(
                pk__in={r.id for i in paper_pairs for r in (i.first, i.second)},
                merged_into__isnull=True,
            ).values_list("pk", flat=True)
        )
    dismissed = set()
    if paper_pairs or author_pairs:  # the finders left out those dismissed before
        dismissed = set(
            DismissedPair.objects.filter(created_at__gt=since).values_list(
                "kind", "low_id", "high_id"
            )
        )

    def open_pair(pair, kind: str, live: set[int]) -> bool:
        """Both records still there and not merged away, and the pair not dismissed."""
        low, high = sorted((pair.first.id, pair.second.id))  # PaperSide or Author
        return {low, high} <= live and (kind, low, high) not in dismissed

    kept = {
        "pages": [
            _still_suggested(
                i,
                lambda s, page=i.page.pk: (
                    s.author.pk in live_authors and (page, s.author.pk) not in rejected
                ),
            )
            for i in pages
            if i.page.pk not in assigned_pages
        ],
        "paper_pairs": [i for i in paper_pairs if open_pair(i, "paper", live_papers)],
        "author_pairs": [i for i in author_pairs if open_pair(i, "author", live_authors)],
        "mixed": [i for i in mixed if i.author.pk in authors and authors[i.author.pk][1] <= since],
    }
    return {
        n: Queue(kept[n][: QUEUE_LENGTH[n]], since, len(items[n]) - len(kept[n])) for n in names
    }
