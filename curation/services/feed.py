"""What a curator's action means for a mirror of the catalogue: its event in the
change feed (``catalog.changes``), written by ``recording`` and by undo in the
action's transaction.

``merged`` (old slugs -> the survivor), ``split`` (the author the papers went to,
the one they left, the papers), ``assigned`` / ``unassigned`` (page -> author),
``edited`` (the record, the fields, and ``renamed`` {old slug: new} when its slug
followed a new name or title), ``undone`` (the event taken back). Actions
that change nothing a mirror shows (a dismissed pair, "not this author", a
reader's report decided) write no event.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalog.changes import record_change
from catalog.models import Author, Authorship, ChangeEvent, Paper, SourceEntry, SourcePage

from ..journal import targets
from ..models import ActionTarget, CurationAction

Kind = CurationAction.Kind
Row = dict[str, Any]
# Fields of an edit that readers see (the others are derived keys).
SHOWN_FIELDS = {
    "catalog.author": {"display_name", "family_name", "given_name", "orcid", "slug"},
    "catalog.paper": {"title", "abstract", "slug"},
}
FEED_KINDS = {
    Kind.MERGE_AUTHORS: ChangeEvent.Kind.MERGED,
    Kind.MERGE_PAPERS: ChangeEvent.Kind.MERGED,
    Kind.SPLIT_AUTHOR: ChangeEvent.Kind.SPLIT,
    Kind.ASSIGN_PAGE: ChangeEvent.Kind.ASSIGNED,
    Kind.ASSIGN_PAGES: ChangeEvent.Kind.ASSIGNED,
    Kind.UNASSIGN_PAGE: ChangeEvent.Kind.UNASSIGNED,
    Kind.EDIT_AUTHOR: ChangeEvent.Kind.EDITED,
    Kind.EDIT_PAPER: ChangeEvent.Kind.EDITED,
}


def _slugs(model, ids) -> dict[int, str]:
    field = "source" if model is SourcePage else "slug"
    return dict(model._base_manager.filter(pk__in=set(ids)).values_list("pk", field))


def _of(rows: list[Row], label: str) -> list[Row]:
    return [row for row in rows if row["model"] == label]


def _merged(rows: list[Row], label: str) -> dict[str, Any]:
    model = Author if label == "catalog.author" else Paper
    pairs = [
        (row["pk"], row["after"]["merged_into_id"])
        for row in _of(rows, label)
        if row["op"] == "update" and (row["after"] or {}).get("merged_into_id")
    ]
    slugs = _slugs(model, [i for pair in pairs for i in pair])
    return {
        "model": model._meta.model_name,
        "merged": {slugs[old]: slugs[new] for old, new in sorted(pairs)},
    }


def _split(rows: list[Row]) -> dict[str, Any]:
    moved = {}  # authorship -> (from author, to author)
    for row in _of(rows, "catalog.authorship"):
        before, after = row["before"] or {}, row["after"] or {}
        if "author_id" in after:
            moved[row["pk"]] = (before.get("author_id"), after["author_id"])
    papers = dict(Authorship.objects.filter(pk__in=moved).values_list("pk", "paper_id"))
    authors = _slugs(Author, [a for pair in moved.values() for a in pair if a])
    paper_slugs = _slugs(Paper, papers.values())
    sources = {authors[a] for a, _ in moved.values() if a in authors}
    destinations = {authors[b] for _, b in moved.values() if b in authors}
    return {
        "from": sorted(sources)[0] if sources else None,
        "author": sorted(destinations)[0] if destinations else None,
        "new_author": any(row["op"] == "create" for row in _of(rows, "catalog.author")),
        "papers": sorted(paper_slugs[p] for p in papers.values() if p in paper_slugs),
    }


def _pages(rows: list[Row], side: str) -> dict[str, Any]:
    changed = {
        row["pk"]: (row[side] or {}).get("author_id")
        for row in _of(rows, "catalog.sourcepage")
        if "author_id" in (row["after"] or {})
    }
    sources = _slugs(SourcePage, changed)
    authors = _slugs(Author, [a for a in changed.values() if a])
    return {"pages": {sources[p]: authors.get(a) for p, a in sorted(changed.items())}}


def _edited(rows: list[Row]) -> dict[str, Any]:
    for label in ("catalog.author", "catalog.paper"):
        for row in _of(rows, label):
            if row["op"] != "update":
                continue
            model = Author if label == "catalog.author" else Paper
            fields = sorted(set(row["after"]) & SHOWN_FIELDS[label])
            if _of(rows, "catalog.authorname"):
                fields = sorted({*fields, "names"})
            slug = _slugs(model, [row["pk"]])[row["pk"]]
            edited = {"model": model._meta.model_name, "record": slug, "fields": fields}
            if "slug" in row["before"]:  # the old slug now leads to the record
                edited["renamed"] = {row["before"]["slug"]: row["after"]["slug"]}
            return edited
    names = _of(rows, "catalog.authorname")
    author_id = (
        ((names[0]["after"] or names[0]["before"]) or {}).get("author_id") if names else None
    )
    slug = _slugs(Author, [author_id]).get(author_id) if author_id else None
    return {"model": "author", "record": slug, "fields": ["names"]}


def _data(kind: str, rows: list[Row]) -> dict[str, Any]:
    if kind == Kind.MERGE_AUTHORS:
        return _merged(rows, "catalog.author")
    if kind == Kind.MERGE_PAPERS:
        return _merged(rows, "catalog.paper")
    if kind == Kind.SPLIT_AUTHOR:
        return _split(rows)
    if kind in (Kind.ASSIGN_PAGE, Kind.ASSIGN_PAGES):
        return _pages(rows, "after")
    if kind == Kind.UNASSIGN_PAGE:
        return _pages(rows, "before")
    return _edited(rows)


def _records(action: CurationAction, rows: list[Row], *, undone: bool = False) -> dict[str, Any]:
    """The records whose API representation the action changed: those it names
    (its targets) and, for rows that no longer exist (an author an undone split had
    created), their slugs as the journal kept them."""
    named = set(action.targets.values_list("model", "object_id")) | targets(rows)
    removed = "create" if undone else "delete"  # undo deletes what the action created
    gone = {"authors": [], "papers": []}
    for row in rows:
        if row["model"] not in ("catalog.author", "catalog.paper"):
            continue
        section = "authors" if row["model"] == "catalog.author" else "papers"
        if row["op"] == removed:
            gone[section].append((row["before"] or row["after"])["slug"])
        elif row["op"] == "update":  # a slug left behind now leads to the record
            gone[section] += [v["slug"] for v in (row["before"], row["after"]) if "slug" in v]
    papers = [i for m, i in named if m == ActionTarget.Model.PAPER]
    # Pages whose entries now name another paper or author, and the authors of the
    # papers changed (their lists name the papers by slug and title).
    entries = [row["pk"] for row in rows if row["model"] == "catalog.sourceentry"]
    claims = [row["pk"] for row in rows if row["model"] == "catalog.authorship"]
    pages = SourceEntry.objects.filter(Q(pk__in=entries) | Q(authorship_id__in=claims))
    pages = pages.values_list("page_id", flat=True)
    edited = [row["pk"] for row in rows if row["model"] == "catalog.paper"]
    authors = Authorship.objects.filter(paper_id__in=edited).values_list("author_id", flat=True)
    return {
        "authors": [*(i for m, i in named if m == ActionTarget.Model.AUTHOR), *authors],
        "papers": papers,
        "pages": [*(i for m, i in named if m == ActionTarget.Model.PAGE), *pages],
        "gone": {k: v for k, v in gone.items() if v},
    }


def record_action(action: CurationAction, rows: list[Row]) -> None:
    """The action's event, if it changed anything a mirror shows."""
    kind = FEED_KINDS.get(action.kind)
    if kind is None:
        return
    record_change(
        kind=kind,
        summary=action.summary,
        data={"action": action.pk, **_data(action.kind, rows)},
        action_id=action.pk,
        **_records(action, rows),
    )


def record_undo(action: CurationAction, rows: list[Row]) -> None:
    """The undo's event: which event it takes back, and the records it changed."""
    event = ChangeEvent.objects.filter(action_id=action.pk).order_by("id").first()
    if event is None:
        return
    record_change(
        kind=ChangeEvent.Kind.UNDONE,
        summary=f"Undone: {action.summary}",
        data={"action": action.pk, "event": event.pk, "kind": event.kind},
        **_records(action, rows, undone=True),
    )
