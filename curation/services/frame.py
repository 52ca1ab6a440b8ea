"""The frame every curation operation shares: curator check, row locks, stale-form
versions, the live-record check, ``updated_at`` touches, the recording of an
action's changes (:func:`recording`, through :class:`~curation.journal.Journal`)
and the renewal of the public pages that show them.

No operation lives here, and nothing that builds or moves records (``records``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from catalog.freshness import renew_pages
from catalog.models import Author, Authorship, Paper

from ..access import is_curator
from ..journal import Journal, targets
from ..models import ActionTarget, CurationAction
from .feed import record_action
from .messages import ALREADY_MERGED, NOT_A_CURATOR, NOTHING_TO_DO, STALE_FORM, TAKEN_MEANWHILE
from .status import refresh_profile_status

# One JSON log line per action a curator made (previews roll back and log nothing).
action_log = logging.getLogger("curation.actions")

# --- versions: refusing stale forms ------------------------------------------------


def record_version(*records: models.Model) -> str:
    """A short token of the records' last changes; a form carries it back.

    Every operation moves ``updated_at`` of the records it changes, so a token
    taken when the form was shown differs once anyone changed one of them.
    """
    parts = sorted(
        f"{r._meta.label_lower}:{r.pk}:{r.updated_at.isoformat()}:"
        f"{getattr(r, 'merged_into_id', '')}"
        for r in records
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def check_version(records: Sequence[models.Model], version: str | None) -> None:
    if version is not None and version != record_version(*records):
        raise ValidationError(STALE_FORM, code="stale")


# --- the frame every operation shares ------------------------------------------------


def require_curator(actor: AbstractBaseUser) -> None:
    if not is_curator(actor):
        raise PermissionDenied(NOT_A_CURATOR)


def lock(model: type[models.Model], ids: Iterable[int]) -> dict[int, Any]:
    """Fetch and lock rows (PostgreSQL row locks; SQLite transactions already
    take the write lock at BEGIN). Always in id order, so two curators cannot deadlock."""
    rows = model.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {row.pk: row for row in rows}


def require_live(records: Iterable[Author | Paper]) -> None:
    for record in records:
        if record.merged_into_id is not None:
            raise ValidationError(ALREADY_MERGED.format(record=record), code="merged")


def touch(model: type[models.Model], ids: Iterable[int]) -> None:
    """Move ``updated_at``: stale forms are refused and cached public pages renew."""
    model.objects.filter(pk__in=set(ids)).update(updated_at=timezone.now())


def renew_public_pages(
    rows: list[dict[str, Any]], records: set[tuple[str, int]] | None = None
) -> None:
    """Renew the cached public pages that show what these journal rows changed
    (and no other): the records themselves, and the pages showing an author whose
    own row changed (a name, a slug, a merge). ``records``: :func:`action_records`
    of the rows, when the caller has them already."""
    records = action_records(rows) if records is None else records
    renew_pages(
        papers=[i for m, i in records if m == ActionTarget.Model.PAPER],
        authors=[i for m, i in records if m == ActionTarget.Model.AUTHOR],
        renamed_authors=[row["pk"] for row in rows if row["model"] == "catalog.author"],
    )


def action_records(rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """The records an action's rows concern (:func:`~curation.journal.targets`), and
    the papers and authors of the authorships it changed, as they are now: a merge
    records only the field it moved (``author_id`` or ``paper_id``), yet the
    paper's page and the author's profile both show the change. One query."""
    changed = [row["pk"] for row in rows if row["model"] == "catalog.authorship"]
    found = targets(rows)
    for paper_id, author_id in Authorship.objects.filter(pk__in=changed).values_list(
        "paper_id", "author_id"
    ):
        found |= {(ActionTarget.Model.PAPER, paper_id), (ActionTarget.Model.AUTHOR, author_id)}
    return found


@contextmanager
def recording(kind: str, actor: AbstractBaseUser) -> Iterator[tuple[CurationAction, Journal]]:
    """Create the action, let the operation work and watch, then store what changed."""
    action = CurationAction.objects.create(
        kind=kind, actor=actor, actor_name=actor.get_username(), summary=""
    )
    journal = Journal()
    yield action, journal
    rows = journal.differences()
    if not rows:
        raise ValidationError(NOTHING_TO_DO, code="nothing")
    action.changes = {"rows": rows}
    action.summary = Truncator(action.summary).chars(500)
    action.save(update_fields=["summary", "changes"])
    records = sorted(action_records(rows))
    ActionTarget.objects.bulk_create(
        [ActionTarget(action=action, model=m, object_id=i) for m, i in records]
    )
    refresh_profile_status(i for m, i in records if m == ActionTarget.Model.AUTHOR)
    renew_public_pages(rows, set(records))
    record_action(action, rows)
    transaction.on_commit(
        lambda: action_log.info(
            "%s #%s by %s: %s",
            action.kind,
            action.pk,
            action.actor_name,
            action.summary,
            extra={
                "kind": action.kind,
                "actor": action.actor_name,
                "action_id": action.pk,
                "summary": action.summary,
            },
        )
    )


@contextmanager
def unique_values_checked() -> Iterator[None]:
    """A unique value (ORCID, slug) another curator took between our check and our
    write: refuse cleanly (the savepoint keeps the transaction usable)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationError(TAKEN_MEANWHILE, code="taken") from error
