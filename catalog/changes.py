"""The change feed: ``record_change`` writes one ``ChangeEvent`` inside the
transaction of the change it describes (an import batch, a curator's action, an
undo); ``events_after`` reads them in order from a cursor, at the same cost at
any depth (the primary key's index).

Events are written under a transaction-level lock held to the commit, so they
commit in the order of their ids: a client that read up to event N never finds
an event below N appearing later. The lock is taken last in each transaction
(just before the event is written) and held only until its commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.text import Truncator

from .locks import transaction_lock
from .models import Author, ChangeEvent, Paper, SourcePage, Venue

FEED_LOCK = 0x63_68_61_6E_67_65  # "change": the advisory lock of the feed's order

Kind = ChangeEvent.Kind


def _keys(model, ids: Iterable[int], field: str) -> list[str]:
    ids = sorted(set(ids) - {None})
    if not ids:
        return []
    return sorted(model._base_manager.filter(pk__in=ids).values_list(field, flat=True))


def record_change(
    *,
    kind: str,
    summary: str,
    data: dict | None = None,
    authors: Iterable[int] = (),
    papers: Iterable[int] = (),
    pages: Iterable[int] = (),
    venues: Iterable[int] = (),
    gone: dict[str, list[str]] | None = None,
    action_id: int | None = None,
) -> ChangeEvent:
    """Write one event: ``data`` (what it means), and the records whose API
    representation changed, by id (read here as slugs and sources) or, for rows
    the change deleted, already as slugs in ``gone``. Call inside the change's
    transaction, after its writes."""
    records = {
        "authors": _keys(Author, authors, "slug"),
        "papers": _keys(Paper, papers, "slug"),
        "pages": _keys(SourcePage, pages, "source"),
        "venues": _keys(Venue, venues, "slug"),
    }
    for name, keys in (gone or {}).items():
        records[name] = sorted({*records[name], *keys})
    transaction_lock(FEED_LOCK)
    return ChangeEvent.objects.create(
        kind=kind,
        summary=Truncator(summary).chars(500),
        data=data or {},
        records={name: keys for name, keys in records.items() if keys},
        action_id=action_id,
    )


def events_after(after: int = 0) -> QuerySet[ChangeEvent]:
    """Events after the cursor ``after`` (an event id; 0: from the first), oldest first."""
    return ChangeEvent.objects.filter(id__gt=after).order_by("id")


def latest_events() -> QuerySet[ChangeEvent]:
    """The newest events first (the Atom feed)."""
    return ChangeEvent.objects.order_by("-id")
