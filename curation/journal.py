"""What a curator's action changed, row by row: the record undo replays backwards.

A service opens a :class:`Journal` inside its transaction, declares the rows it
may touch (:meth:`Journal.watch`, a queryset filter that matches those rows both
before and after the change), does its writes with the ordinary ORM, and closes
the journal. Closing compares the watched rows before and after and stores the
difference in ``CurationAction.changes``::

    {"rows": [{"model": "catalog.authorship", "pk": 7, "op": "update",
               "before": {"author_id": 3}, "after": {"author_id": 5}}, ...]}

``op`` is ``create`` (``after`` holds the whole row), ``delete`` (``before`` holds
it) or ``update`` (both hold only the fields that changed). ``updated_at`` and
``page_changed_at`` are left out: they only say "something changed", which the
action itself says; so is an author's status (``confirmed_at``,
``curator_changed_at``), which follows the actions not undone.

Derived rows (a paper's match keys and venue appearances) are not recorded:
they follow from the entries, and undo recomputes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Q

from catalog.models import (
    Author,
    AuthorName,
    Authorship,
    AuthorSlugAlias,
    Paper,
    PaperSlugAlias,
    ReaderReport,
    SourceEntry,
    SourcePage,
)

from .models import ActionTarget, CurationAction, DismissedPair, RejectedSuggestion

# Restore order: parents before children. Deleting created rows goes the other way.
JOURNALED: tuple[type[models.Model], ...] = (
    Author,
    AuthorSlugAlias,
    AuthorName,
    Paper,
    PaperSlugAlias,
    SourcePage,
    Authorship,
    SourceEntry,
    DismissedPair,
    RejectedSuggestion,
    ReaderReport,
)
MODELS: dict[str, type[models.Model]] = {m._meta.label_lower: m for m in JOURNALED}
# Kept apart from any action: the profile status follows the actions not undone
# (curation.services.status), so undo recomputes it rather than restoring it.
NOT_RECORDED = {"updated_at", "page_changed_at", "confirmed_at", "curator_changed_at"}

Row = dict[str, Any]


def jsonable(value: Any) -> Any:
    """How a value is stored in the journal (and compared with what is there now)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in NOT_RECORDED]


def snapshot(model: type[models.Model], condition: Q) -> dict[int, Row]:
    """The watched rows as the journal stores them, by primary key."""
    rows = model._base_manager.filter(condition).order_by().values(*_attnames(model))
    return {row["id"]: {k: jsonable(v) for k, v in row.items()} for row in rows}


class Journal:
    """Collects the before/after of the rows one action touches."""

    def __init__(self) -> None:
        self._watched: dict[type[models.Model], list[Q]] = defaultdict(list)
        self._before: dict[type[models.Model], dict[int, Row]] = defaultdict(dict)

    def watch(self, model: type[models.Model], condition: Q) -> None:
        """Remember the rows matching ``condition`` now; they are compared at close.

        The condition must match the rows after the change too (say, authorships
        of either author of a merge), and any row the action creates.
        """
        if model not in MODELS.values():
            raise ValueError(f"{model.__name__} is not journaled")
        for pk, row in snapshot(model, condition).items():
            self._before[model].setdefault(pk, row)
        self._watched[model].append(condition)

    def differences(self) -> list[Row]:
        """The recorded changes, in restore order of models, then by primary key."""
        rows: list[Row] = []
        for model in JOURNALED:
            if model not in self._watched:
                continue
            condition = Q()
            for q in self._watched[model]:
                condition |= q
            before = self._before[model]
            after = snapshot(model, condition)
            # A row that left every watched condition was changed out of sight: look it up.
            gone = before.keys() - after.keys()
            if gone:
                after.update(snapshot(model, Q(pk__in=gone)))
            label = model._meta.label_lower
            for pk in sorted(before.keys() | after.keys()):
                old, new = before.get(pk), after.get(pk)
                if old == new:
                    continue
                if old is None:
                    rows.append(
                        {"model": label, "pk": pk, "op": "create", "before": None, "after": new}
                    )
                elif new is None:
                    rows.append(
                        {"model": label, "pk": pk, "op": "delete", "before": old, "after": None}
                    )
                else:
                    changed = [k for k in old if old[k] != new[k]]
                    rows.append(
                        {
                            "model": label,
                            "pk": pk,
                            "op": "update",
                            "before": {k: old[k] for k in changed},
                            "after": {k: new[k] for k in changed},
                        }
                    )
        return rows


# --- reading a recorded action ------------------------------------------------------


def recorded_rows(action: CurationAction) -> list[Row]:
    return list(action.changes.get("rows", []))


def _row_values(row: Row) -> Iterator[tuple[str, Any]]:
    for side in ("before", "after"):
        yield from (row[side] or {}).items()


def touched(rows: Iterable[Row]) -> set[tuple[str, int]]:
    """The rows an action depends on: those it changed and the authorships its
    entries were pointed at (moving an entry onto an authorship relies on it)."""
    found: set[tuple[str, int]] = set()
    for row in rows:
        found.add((row["model"], row["pk"]))
        if row["model"] == "catalog.sourceentry":
            found.update(
                ("catalog.authorship", value)
                for key, value in _row_values(row)
                if key == "authorship_id" and value is not None
            )
    return found


# Columns that point at another recorded row, and the table they point into
# (``merged_into_id`` points into its own row's table).
REFERENCES = {
    "author_id": "catalog.author",
    "paper_id": "catalog.paper",
    "page_id": "catalog.sourcepage",
    "authorship_id": "catalog.authorship",
}


def created(rows: Iterable[Row]) -> set[tuple[str, int]]:
    """The rows an action created (undoing it deletes them)."""
    return {(row["model"], row["pk"]) for row in rows if row["op"] == "create"}


def references(rows: Iterable[Row]) -> set[tuple[str, int]]:
    """The rows an action's rows point at, before or after it."""
    found: set[tuple[str, int]] = set()
    for row in rows:
        for key, value in _row_values(row):
            if value is None:
                continue
            if key == "merged_into_id":
                found.add((row["model"], value))
            elif key in REFERENCES:
                found.add((REFERENCES[key], value))
    return found


def targets(rows: Iterable[Row]) -> set[tuple[str, int]]:
    """The records (authors, papers, pages) an action concerns, for history and undo."""
    found: set[tuple[str, int]] = set()
    links = {
        "author_id": ActionTarget.Model.AUTHOR,
        "merged_into_id": None,  # resolved by model below
        "paper_id": ActionTarget.Model.PAPER,
        "page_id": ActionTarget.Model.PAGE,
    }
    own = {
        "catalog.author": ActionTarget.Model.AUTHOR,
        "catalog.paper": ActionTarget.Model.PAPER,
        "catalog.sourcepage": ActionTarget.Model.PAGE,
    }
    for row in rows:
        kind = own.get(row["model"])
        if kind:
            found.add((kind, row["pk"]))
        for key, value in _row_values(row):
            if value is None or key not in links:
                continue
            target = links[key] or kind
            if target:
                found.add((target, value))
        if row["model"] == "curation.dismissedpair":
            pair = row["after"] or row["before"]
            kind = (
                ActionTarget.Model.AUTHOR if pair["kind"] == "author" else ActionTarget.Model.PAPER
            )
            found.update({(kind, pair["low_id"]), (kind, pair["high_id"])})
    return found
