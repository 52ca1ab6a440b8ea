"""A deterministic dump of the catalogue, to compare two databases or feed other tools.

Records are keyed by slugs and source names, which come from content, never
from row ids or import order; every list is sorted. The same pages imported
in any order give the same bytes.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from .models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    Paper,
    SourceEntry,
    SourcePage,
    Venue,
)

FORMATS = ("json", "jsonl", "csv")
SECTIONS = ("authors", "papers", "venues", "pages", "authorships")
_RECORD_TYPE = {
    "authors": "author",
    "papers": "paper",
    "venues": "venue",
    "pages": "page",
    "authorships": "authorship",
}
CSV_COLUMNS = [
    "type",
    "key",
    "name",
    "title",
    "abstract",
    "merged_into",
    "family_name",
    "given_name",
    "orcid",
    "names",
    "kind",
    "label",
    "content_hash",
    "author",
    "paper",
    "venues",
    "authors",
    "papers",
    "entries",
    "decided_by",
    "curated",
    "sources",
]

Record = dict[str, Any]


def export_sections() -> Iterator[tuple[str, Iterator[Record]]]:
    """(section name, records) in the fixed section order."""
    author_slug = dict(Author.objects.values_list("id", "slug"))
    paper_slug = dict(Paper.objects.values_list("id", "slug"))
    venue_slug = dict(Venue.objects.values_list("id", "slug"))
    page_source = dict(SourcePage.objects.values_list("id", "source"))

    authorship_rows = list(
        Authorship.objects.values_list("id", "paper_id", "author_id", "decided_by", "curated")
    )
    papers_of_author: dict[int, list[str]] = defaultdict(list)
    authors_of_paper: dict[int, list[str]] = defaultdict(list)
    authorship_key: dict[int, tuple[str, str]] = {}
    for authorship_id, paper_id, author_id, _, _ in authorship_rows:
        papers_of_author[author_id].append(paper_slug[paper_id])
        authors_of_paper[paper_id].append(author_slug[author_id])
        authorship_key[authorship_id] = (paper_slug[paper_id], author_slug[author_id])

    def authors() -> Iterator[Record]:
        names: dict[int, list[str]] = defaultdict(list)
        for author_id, name in AuthorName.objects.values_list("author_id", "name"):
            names[author_id].append(name)
        for author in Author.objects.order_by("slug").iterator(chunk_size=2000):
            yield {
                "slug": author.slug,
                "display_name": author.display_name,
                "family_name": author.family_name,
                "given_name": author.given_name,
                "orcid": author.orcid or None,
                "merged_into": author_slug.get(author.merged_into_id),
                "names": sorted(names[author.id]),
                "papers": sorted(papers_of_author[author.id]),
            }

    def papers() -> Iterator[Record]:
        venues: dict[int, list[str]] = defaultdict(list)
        for paper_id, venue_id in Appearance.objects.values_list("paper_id", "venue_id"):
            venues[paper_id].append(venue_slug[venue_id])
        for paper in Paper.objects.order_by("slug").iterator(chunk_size=2000):
            yield {
                "slug": paper.slug,
                "title": paper.title,
                "abstract": paper.abstract,
                "merged_into": paper_slug.get(paper.merged_into_id),
                "venues": sorted(venues[paper.id]),
                "authors": sorted(authors_of_paper[paper.id]),
            }

    def venue_records() -> Iterator[Record]:
        for slug, name in Venue.objects.order_by("slug").values_list("slug", "name"):
            yield {"slug": slug, "name": name}

    def pages() -> Iterator[Record]:
        entries: dict[int, list[Record]] = defaultdict(list)
        for entry in (
            SourceEntry.objects.order_by("page_id", "position")
            .values(
                "page_id",
                "position",
                "line",
                "title",
                "venue_name",
                "abstract",
                "paper_id",
                "authorship_id",
            )
            .iterator(chunk_size=5000)
        ):
            claim = authorship_key.get(entry["authorship_id"])
            entries[entry["page_id"]].append(
                {
                    "position": entry["position"],
                    "line": entry["line"],
                    "title": entry["title"],
                    "venue": entry["venue_name"],
                    "abstract": entry["abstract"],
                    "paper": paper_slug[entry["paper_id"]],
                    "author": claim[1] if claim else None,
                }
            )
        for page in SourcePage.objects.order_by("source").values(
            "id", "source", "kind", "label", "content_hash", "author_id"
        ):
            yield {
                "source": page["source"],
                "kind": page["kind"],
                "label": page["label"],
                "author": author_slug.get(page["author_id"]),
                "content_hash": page["content_hash"],
                "entries": entries[page["id"]],
            }

    def authorships() -> Iterator[Record]:
        sources: dict[int, list[str]] = defaultdict(list)
        for authorship_id, page_id, line in SourceEntry.objects.filter(
            authorship__isnull=False
        ).values_list("authorship_id", "page_id", "line"):
            sources[authorship_id].append(f"{page_source[page_id]}:{line}")
        records = [
            {
                "paper": authorship_key[authorship_id][0],
                "author": authorship_key[authorship_id][1],
                "decided_by": decided_by,
                "curated": curated,
                "sources": sorted(sources[authorship_id]),
            }
            for authorship_id, _, _, decided_by, curated in authorship_rows
        ]
        yield from sorted(records, key=lambda r: (r["paper"], r["author"]))

    yield "authors", authors()
    yield "papers", papers()
    yield "venues", venue_records()
    yield "pages", pages()
    yield "authorships", authorships()


def _dumps(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def write_export(out: IO[str], fmt: str) -> None:
    """Write the whole catalogue to ``out`` in ``fmt`` (json, jsonl or csv)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        out.write("{")
        for index, (section, records) in enumerate(export_sections()):
            out.write(f'{"," if index else ""}\n"{section}": [')
            for number, record in enumerate(records):
                out.write(f"{',' if number else ''}\n  {_dumps(record)}")
            out.write("\n]")
        out.write("\n}\n")
    elif fmt == "jsonl":
        for section, records in export_sections():
            for record in records:
                out.write(_dumps({"type": _RECORD_TYPE[section], **record}) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for section, records in export_sections():
            for record in records:
                writer.writerow(_csv_row(_RECORD_TYPE[section], record))


def _csv_row(record_type: str, record: Record) -> dict[str, str]:
    """One flat row: lists joined by ' | ', page entries as 'line:paper' items."""
    row: dict[str, str] = {"type": record_type}
    for name, value in record.items():
        if name == "entries":
            value = [f"{e['line']}:{e['paper']}" for e in value]
        if name in {"slug", "source"}:
            name = "key"
        elif name == "display_name":
            name = "name"
        if isinstance(value, list):
            value = " | ".join(value)
        row[name] = "" if value is None else str(value)
    if record_type == "authorship":
        row["key"] = f"{record['paper']} / {record['author']}"
    return row
