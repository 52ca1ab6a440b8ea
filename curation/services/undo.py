"""Undo: put back exactly what an action changed, reading its journal backwards.

Refused, with nothing changed, when a later action depends on it, when the
rows changed since, or when a unique value it would give back is held by
another record now. The operations themselves are in the sibling modules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from catalog.models import Author, AuthorSlugAlias, Paper, PaperSlugAlias, SourcePage
from catalog.papers import refresh_papers

from ..journal import (
    JOURNALED,
    MODELS,
    created,
    recorded_rows,
    references,
    snapshot,
    targets,
    touched,
)
from ..models import ActionTarget, CurationAction
from .feed import record_undo
from .frame import lock, renew_public_pages, require_curator, touch
from .messages import (
    UNDO_ALREADY_UNDONE,
    UNDO_CHANGED_SINCE,
    UNDO_CONFLICT,
    UNDO_DEPENDS,
    UNDO_VALUE_TAKEN,
)
from .status import refresh_profile_status


def dependent_actions(action: CurationAction) -> list[CurationAction]:
    """Later actions, not undone, that changed or relied on rows this one changed,
    or that point at rows this one created (undoing it would take them away)."""
    my_rows = recorded_rows(action)
    mine, my_creations = touched(my_rows), created(my_rows)
    my_targets = ActionTarget.objects.filter(action=action)
    shares_a_record = ActionTarget.objects.filter(action=OuterRef("pk")).filter(
        Exists(my_targets.filter(model=OuterRef("model"), object_id=OuterRef("object_id")))
    )
    later = CurationAction.objects.filter(
        Exists(shares_a_record), pk__gt=action.pk, undone_at__isnull=True
    ).order_by("pk")
    found = []
    for other in later:
        rows = recorded_rows(other)
        if touched(rows) & mine or references(rows) & my_creations:
            found.append(other)
    return found


def _describe_row(model: type[models.Model], pk: int) -> str:
    obj = model._base_manager.filter(pk=pk).first()
    name = model._meta.verbose_name
    return f"{name} «{obj}»" if obj else f"{name} #{pk} (no longer there)"


def _verify_unchanged(rows: list[dict[str, Any]]) -> None:
    """Every row the action wrote still holds what the action left there."""
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[row["model"]].append(row)
    for label, model_rows in by_model.items():
        model = MODELS[label]
        now = snapshot(model, Q(pk__in=[r["pk"] for r in model_rows]))
        for row in model_rows:
            current = now.get(row["pk"])
            if row["op"] == "delete":
                ok = current is None
            elif current is None:
                ok = False
            else:
                ok = all(current.get(k) == v for k, v in row["after"].items())
            if not ok:
                raise ValidationError(
                    UNDO_CHANGED_SINCE.format(record=_describe_row(model, row["pk"])),
                    code="changed",
                )


def _named(actions: Iterable[CurationAction]) -> str:
    return "; ".join(f"#{a.pk} {a.get_kind_display()} ({a.summary})" for a in actions)


def _unique_field_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The column sets a table keeps unique (a conditional constraint counts for
    non-empty values: the ORCID)."""
    sets = [(f.attname,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [
        tuple(model._meta.get_field(name).attname for name in constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return sets


UniqueKey = tuple[str, tuple[str, ...], tuple[Any, ...]]  # table, columns, values


def _unique_keys(label: str, values: dict[str, Any]) -> set[UniqueKey]:
    """The unique values a row with these (journal) values holds."""
    return {
        (label, fields, tuple(values[field] for field in fields))
        for fields in _unique_field_sets(MODELS[label])
        if all(values.get(field) not in (None, "") for field in fields)
    }


def _full_rows(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each row's whole values before and after its action: an update recorded only
    the fields it changed, the others are read as they are now (one query a table)."""
    updated: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["op"] == "update":
            updated[row["model"]].append(row["pk"])
    now = {
        (label, pk): values
        for label, pks in updated.items()
        for pk, values in snapshot(MODELS[label], Q(pk__in=pks)).items()
    }
    return [
        (
            {**now.get((row["model"], row["pk"]), {}), **(row["before"] or {})},
            {**now.get((row["model"], row["pk"]), {}), **(row["after"] or {})},
        )
        for row in rows
    ]


def _check_restored_values_free(action: CurationAction, rows: list[dict[str, Any]]) -> None:
    """Refuse, naming them, when undo would put back a unique value (an ORCID, a
    paper-author pair) that a later action gave, took or moved (those actions), or
    that another row holds now without any action (that row: an import's)."""
    restored: set[UniqueKey] = set()
    for row, (before, _) in zip(rows, _full_rows(rows), strict=True):
        if row["op"] != "create":
            restored |= _unique_keys(row["model"], before)
    if not restored:
        return
    mine = {(row["model"], row["pk"]) for row in rows}
    holders = []
    for label, fields in {(label, fields) for label, fields, _ in restored}:
        model = MODELS[label]
        wanted = {
            values
            for key_label, key_fields, values in restored
            if (key_label, key_fields) == (label, fields)
        }
        first = model._meta.get_field(fields[0])
        found = snapshot(model, Q(**{f"{fields[0]}__in": [first.to_python(v[0]) for v in wanted]}))
        holders += [
            {
                "model": label,
                "pk": pk,
                "op": "create",
                "before": None,
                "after": values,
                "fields": fields,
            }
            for pk, values in found.items()
            if (label, pk) not in mine and tuple(values[f] for f in fields) in wanted
        ]
    near: dict[str, set[int]] = defaultdict(set)  # the records: a few models, many ids
    for model_name, pk in targets(rows) | targets(holders):
        near[model_name].add(pk)
    sharing = Q(*[Q(model=m, object_id__in=ids) for m, ids in near.items()], _connector=Q.OR)
    later = list(
        CurationAction.objects.filter(
            pk__gt=action.pk,
            undone_at__isnull=True,
            pk__in=ActionTarget.objects.filter(sharing).values("action_id"),
        ).order_by("pk")
    )
    later_rows = [(other, row) for other in later for row in recorded_rows(other)]
    held: dict[int, set[UniqueKey]] = defaultdict(set)
    for (other, row), (before, after) in zip(
        later_rows, _full_rows([row for _, row in later_rows]), strict=True
    ):
        held[other.pk] |= _unique_keys(row["model"], before) | _unique_keys(row["model"], after)
    makers = [other for other in later if held[other.pk] & restored]
    if makers:
        raise ValidationError(UNDO_DEPENDS.format(actions=_named(makers)), code="depends")
    if holders:
        raise ValidationError(
            UNDO_VALUE_TAKEN.format(
                record=_describe_row(MODELS[holders[0]["model"]], holders[0]["pk"]),
                fields=", ".join(f.removesuffix("_id") for f in holders[0]["fields"]),
            ),
            code="taken",
        )


def _python_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return {k: fields[k].to_python(v) for k, v in values.items()}


def _restore(rows: list[dict[str, Any]]) -> None:
    """Apply the recorded changes backwards: recreate what was deleted, put back
    what was updated, delete what was created."""
    for model in JOURNALED:
        label = model._meta.label_lower
        for row in (r for r in rows if r["model"] == label and r["op"] == "delete"):
            obj = model(**_python_values(model, row["before"]))
            # raw: keep the recorded created_at rather than stamping a new one
            obj.save_base(raw=True, force_insert=True)
    # Fields that go back to empty first, in every row, then the others: a unique
    # value (an ORCID) can then move back from one record to another.
    updates = sorted((r for r in rows if r["op"] == "update"), key=lambda r: (r["model"], r["pk"]))
    for emptied in (True, False):
        for row in updates:
            values = {k: v for k, v in row["before"].items() if (v in ("", None)) == emptied}
            if values:
                model = MODELS[row["model"]]
                model._base_manager.filter(pk=row["pk"]).update(**_python_values(model, values))
    for model in reversed(JOURNALED):
        label = model._meta.label_lower
        created = [r["pk"] for r in rows if r["model"] == label and r["op"] == "create"]
        if created:
            model._base_manager.filter(pk__in=created).delete()


def _keep_slugs(rows: list[dict[str, Any]]) -> None:
    """Slugs are never reused: a slug the undone action gave a record stays
    reserved, redirecting to the record, or retired if the record is gone."""
    aliases = {"catalog.author": AuthorSlugAlias, "catalog.paper": PaperSlugAlias}
    for row in rows:
        alias = aliases.get(row["model"])
        if alias is None or "slug" not in (row["after"] or {}):
            continue
        owner = "author_id" if alias is AuthorSlugAlias else "paper_id"
        target = row["pk"] if row["op"] == "update" else None
        if target is None and alias is PaperSlugAlias:
            continue  # curators never create papers
        alias.objects.get_or_create(slug=row["after"]["slug"], defaults={owner: target})


def undo_action(*, action: CurationAction, actor: AbstractBaseUser) -> CurationAction:
    """Put back exactly what ``action`` changed.

    Refused, with nothing changed, when a later action that is not undone
    depends on it (the message names them), or when the rows changed since.
    """
    require_curator(actor)
    with transaction.atomic():
        action = CurationAction.objects.select_for_update().get(pk=action.pk)
        if action.undone_at is not None:
            raise ValidationError(UNDO_ALREADY_UNDONE, code="undone")
        rows = recorded_rows(action)
        records = targets(rows)
        # The records every operation locks: an operation running now waits for us.
        for model, kind in (
            (Author, ActionTarget.Model.AUTHOR),
            (Paper, ActionTarget.Model.PAPER),
            (SourcePage, ActionTarget.Model.PAGE),
        ):
            lock(model, [i for m, i in records if m == kind])
        dependents = dependent_actions(action)
        if dependents:
            raise ValidationError(UNDO_DEPENDS.format(actions=_named(dependents)), code="depends")
        _verify_unchanged(rows)
        _check_restored_values_free(action, rows)
        try:
            with transaction.atomic():
                _restore(rows)
                _keep_slugs(rows)
        except IntegrityError as error:
            raise ValidationError(UNDO_CONFLICT, code="conflict") from error
        refresh_papers(sorted(i for m, i in records if m == ActionTarget.Model.PAPER))
        touch(Author, [i for m, i in records if m == ActionTarget.Model.AUTHOR])
        touch(Paper, [i for m, i in records if m == ActionTarget.Model.PAPER])
        touch(SourcePage, [i for m, i in records if m == ActionTarget.Model.PAGE])
        renew_public_pages(rows)
        action.undone_at = timezone.now()
        action.undone_by = actor
        action.save(update_fields=["undone_at", "undone_by"])
        refresh_profile_status(
            action.targets.filter(model=ActionTarget.Model.AUTHOR).values_list(
                "object_id", flat=True
            )
        )
        record_undo(action, rows)
        return action
