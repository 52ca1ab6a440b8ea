"""Reads for the curators' pages: history, readable diffs, pickers, the records a
form works on. (The dashboard's queues are read from :mod:`curation.queues`.)
Nothing here writes to the catalogue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from catalog.homonyms import with_hints
from catalog.models import Author, Authorship, Paper, ReaderReport, SourceEntry, SourcePage
from catalog.selectors import (
    author_by_pk,
    author_by_slug,
    live_authors,
    paper_by_pk,
    paper_by_slug,
    search_authors,
)

from .journal import MODELS
from .models import ActionTarget, CurationAction

MAX_DESCRIBED_ROWS = 300

# What each recorded table is called on screen, and which of its fields are noise.
NOUNS = {  # singular, plural
    "catalog.author": ("author", "authors"),
    "catalog.authorname": ("name variant", "name variants"),
    "catalog.authorslugalias": ("old author address", "old author addresses"),
    "catalog.paper": ("paper", "papers"),
    "catalog.paperslugalias": ("old paper address", "old paper addresses"),
    "catalog.sourcepage": ("page", "pages"),
    "catalog.authorship": ("authorship", "authorships"),
    "catalog.sourceentry": ("page entry", "page entries"),
    "curation.dismissedpair": ("dismissed pair", "dismissed pairs"),
    "curation.rejectedsuggestion": ("rejected suggestion", "rejected suggestions"),
    "catalog.readerreport": ("reader report", "reader reports"),
}
HIDDEN_FIELDS = {"id", "created_at", "imported_at", "search_key", "sort_key", "action_id"}
HIDDEN_FIELDS |= {"title_key", "abstract_key", "content_hash", "raw_text"}
REFERENCES = {
    "author_id": "catalog.author",
    "paper_id": "catalog.paper",
    "page_id": "catalog.sourcepage",
    "authorship_id": "catalog.authorship",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    op: str  # create / update / delete
    noun: str
    record: str
    fields: list[FieldChange] = field(default_factory=list)


def _reference(model: str, key: str, values: dict[str, Any]) -> str | None:
    """The table a field's id points into, if any: a dismissed pair's two ids name
    authors or papers, by its kind."""
    if model == "curation.dismissedpair" and key in ("low_id", "high_id"):
        return "catalog.author" if values.get("kind") == "author" else "catalog.paper"
    return REFERENCES.get(key)


def _labels(rows: Iterable[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """Readable names of every record the rows mention: one query per table."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row["model"]].add(row["pk"])
        for side in ("before", "after"):
            values = row[side] or {}
            for key, value in values.items():
                if value is None:
                    continue
                if key == "merged_into_id":
                    wanted[row["model"]].add(value)
                elif target := _reference(row["model"], key, values):
                    wanted[target].add(value)
    labels: dict[tuple[str, int], str] = {}
    for label, ids in wanted.items():
        model = MODELS[label]
        queryset = model._base_manager.filter(pk__in=ids)
        if model is Authorship:
            queryset = queryset.select_related("author", "paper")
        elif label == "catalog.sourceentry":
            queryset = queryset.select_related("page")
        elif label == "catalog.readerreport":
            queryset = queryset.select_related("author", "paper")
        for obj in queryset:
            text = str(obj)
            if model in (Author, Paper):
                text = f"{text} ({obj.slug})"
            labels[(label, obj.pk)] = text
    return labels


def _shown(
    value: Any, key: str, model: str, values: dict[str, Any], labels: dict[tuple[str, int], str]
) -> str:
    if value is None or value == "":
        return "—"
    if key == "merged_into_id":
        return labels.get((model, value), f"#{value}")
    if target := _reference(model, key, values):
        return labels.get((target, value), f"#{value}")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def describe_rows(rows: list[dict[str, Any]]) -> list[RowChange]:
    """The journal's rows as a curator reads them: what, which record, field by field."""
    rows = rows[:MAX_DESCRIBED_ROWS]
    labels = _labels(rows)
    described = []
    for row in rows:
        model = row["model"]
        values = row["after"] if row["op"] == "create" else row["before"]
        record = labels.get((model, row["pk"]))
        if model == "curation.dismissedpair":  # the two records, by name
            record = " / ".join(
                _shown(values.get(key), key, model, values, labels) for key in ("low_id", "high_id")
            )
        if record is None:  # gone now: name it from what the journal kept
            record = values.get("name") or values.get("title") or values.get("slug") or ""
            record = record or f"#{row['pk']}"
        fields = [
            FieldChange(
                name=key.removesuffix("_id").replace("_", " "),
                before=_shown((row["before"] or {}).get(key), key, model, values, labels),
                after=_shown((row["after"] or {}).get(key), key, model, values, labels),
            )
            for key in (row["after"] if row["op"] == "update" else values)
            if key not in HIDDEN_FIELDS
            and (row["op"] == "update" or values[key] not in ("", None, False))
        ]
        described.append(
            RowChange(op=row["op"], noun=NOUNS[model][0], record=record, fields=fields)
        )
    return described


def change_counts(rows: list[dict[str, Any]]) -> list[str]:
    """'creates 1 author, 10 authorships' and so on: the shape of an action at a glance."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["op"]][row["model"]] += 1
    verbs = {"create": "creates", "update": "changes", "delete": "removes"}
    return [
        f"{verbs[op]} "
        + ", ".join(f"{n} {NOUNS[model][0 if n == 1 else 1]}" for model, n in per_model.items())
        for op, per_model in sorted(counts.items(), key=lambda item: list(verbs).index(item[0]))
    ]


def history(
    *, actor: str = "", kind: str = "", model: str = "", object_id: int | None = None
) -> QuerySet[CurationAction]:
    """Actions, newest first, filtered by curator name, kind and record."""
    actions = CurationAction.objects.select_related("undone_by").defer("changes")
    if actor:
        actions = actions.filter(actor_name=actor)
    if kind:
        actions = actions.filter(kind=kind)
    if model and object_id is not None:
        actions = actions.filter(
            Exists(
                ActionTarget.objects.filter(action=OuterRef("pk"), model=model, object_id=object_id)
            )
        )
    return actions.order_by("-pk")


def actions() -> QuerySet[CurationAction]:
    """Actions with who did and undid them (an action's page, undo)."""
    return CurationAction.objects.select_related("actor", "undone_by")


def curator_names() -> list[str]:
    return list(
        CurationAction.objects.order_by("actor_name")
        .values_list("actor_name", flat=True)
        .distinct()
    )


def author_choices(query: str, *, limit: int = 20, exclude: Iterable[int] = ()) -> list[Author]:
    """The author picker: live authors matching any name variant, diacritics ignored;
    each with ``.hint`` (:func:`catalog.homonyms.homonym_hints`: what tells it apart
    from a listed author of the same name, else None)."""
    if not query.strip():
        return []
    authors = search_authors(live_authors(), query).exclude(pk__in=list(exclude))
    return with_hints(list(authors.order_by("sort_key", "slug")[:limit]))


def paper_counts(author_ids: Iterable[int]) -> dict[int, int]:
    """How many papers each author has: one query."""
    rows = (
        Authorship.objects.filter(author_id__in=list(author_ids))
        .values_list("author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


ENTRIES_SHOWN = 200  # of a page, on its assign form


def page_for_curation(pk: int) -> SourcePage:
    """A page (without its file's text) with ``entry_count`` and its first
    :data:`ENTRIES_SHOWN` entries, their papers and venues, in page order, as
    ``entries_shown``: two queries."""
    entries = SourceEntry.objects.select_related("paper", "venue").order_by("position")
    return (
        SourcePage.objects.select_related("author")
        .defer("raw_text")
        .annotate(entry_count=Count("entries"))
        .prefetch_related(
            Prefetch("entries", queryset=entries[:ENTRIES_SHOWN], to_attr="entries_shown")
        )
        .get(pk=pk)
    )


def pages_with_author() -> QuerySet[SourcePage]:
    return SourcePage.objects.select_related("author")


def papers_to_merge(ids: list[int]) -> list[Paper]:
    """Papers to merge, in the order given, with their venues and authors (3 queries)."""
    found = Paper.objects.prefetch_related("appearances__venue", "authorships__author")
    found = found.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def authors_to_merge(ids: list[int]) -> list[Author]:
    """Authors to merge, in the order given, with their name variants (2 queries)."""
    found = Author.objects.prefetch_related("names").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def name_variants(author: Author) -> list[str]:
    return sorted(set(author.names.values_list("name", flat=True)))


def record_for_history(model: str, key: str) -> Author | Paper | SourcePage:
    """The record a history filter names: an author or paper by its own slug
    (tombstones included), else by an old slug it answers to; a page by source."""
    if model == ActionTarget.Model.AUTHOR:
        return Author.objects.filter(slug=key).first() or author_by_slug(key)
    if model == ActionTarget.Model.PAPER:
        return Paper.objects.filter(slug=key).first() or paper_by_slug(key)
    return get_object_or_404(SourcePage, source=key)


def split_destination(action: CurationAction, *, source: Author) -> Author:
    """The author a split moved papers to."""
    moved_to = (
        action.targets.filter(model=ActionTarget.Model.AUTHOR)
        .exclude(object_id=source.pk)
        .values_list("object_id", flat=True)
        .first()
    )
    return Author.objects.get(pk=moved_to)


def reports() -> QuerySet[ReaderReport]:
    """Readers' reports with the records they are about, newest first."""
    return ReaderReport.objects.select_related("author", "paper", "other_author").order_by(
        "-created_at", "-id"
    )


def open_reports() -> QuerySet[ReaderReport]:
    return reports().filter(state=ReaderReport.State.OPEN)


def decided_reports() -> QuerySet[ReaderReport]:
    """Reports a curator resolved or dismissed, most recently decided first."""
    return reports().exclude(state=ReaderReport.State.OPEN).order_by("-decided_at", "-id")


def report_records(report: ReaderReport) -> dict[str, Author | Paper | None]:
    """The live records a report names (a survivor where one was merged since):
    the tools it links to work on those."""
    return {
        "author": author_by_pk(report.author_id) if report.author_id else None,
        "paper": paper_by_pk(report.paper_id) if report.paper_id else None,
        "other_author": author_by_pk(report.other_author_id) if report.other_author_id else None,
    }
