"""Import scraped author pages into the catalogue.

Every file is read and parsed first (pure code: a rejected file never reaches
the database). Valid pages are then written in source-name order, a batch of
pages per transaction with bulk inserts; if the database refuses anything in a
batch, the batch is rolled back and replayed one page per transaction, so a
page is always imported whole or not at all and one bad page stops no other.

Matching rules (DESIGN.md):
- an entry whose normalized abstract is known joins that paper;
- otherwise, an entry joins the one paper with the same normalized title whose
  abstract is the same or missing (two or more such papers: not certain, so a
  new paper, left for curators to compare);
- a title seen again with another venue adds an appearance, not a paper;
- named pages create their own author (authors are never merged by import);
  anonymous pages create none and wait for a curator.

What is shown (title, abstract, venue name) is chosen among the spellings by
``normalize.choose_display``, a rule over the set of spellings: any file order
gives the same catalogue.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, F
from django.utils import timezone

from .bulk import chunks, insert_objects, insert_rows, insert_rows_returning
from .models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    DecidedBy,
    Paper,
    PaperKey,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
    Venue,
)
from .names import parse_name
from .normalize import abstract_key, choose_display, digest, title_key, venue_key
from .papers import paper_slug_candidates, refresh_papers, save_paper_display
from .parsing import PageFormatError, ParsedEntry, ParsedPage, parse_page
from .slugs import (
    allocate_slugs,
    author_slug_base,
    slug_candidates,
    venue_slug_base,
)

DEFAULT_BATCH_PAGES = 1000
_PAPER_FIELDS = [
    "title",
    "abstract",
    "title_key",
    "abstract_key",
    "slug",
    "title_curated",
    "abstract_curated",
    "merged_into",
    "created_at",
    "updated_at",
]
_ENTRY_FIELDS = [
    "page",
    "position",
    "line",
    "title",
    "venue_name",
    "abstract",
    "title_key",
    "abstract_key",
    "venue",
    "paper",
    "authorship",
]
PARALLEL_MIN_FILES = 500  # below this, starting worker processes costs more than it saves
_POSITION_OFFSET = 1_000_000_000

DUPLICATE_SOURCE = "two different files share this source name: {paths}"
KIND_CHANGED = (
    "the page was imported as a {old} page and is now a {new} page; import it under a new file name"
)
TOO_LARGE = "the file is {size:,} bytes, over the {limit:,}-byte limit"
UNREADABLE = "cannot read the file: {reason}"
CHANGED_DURING_IMPORT = "the page changed in the catalogue while this import ran; import again"
DATABASE_REFUSED = "the database refused the page: {reason}"


class FileStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class FileResult:
    source: str
    path: str
    status: FileStatus
    reason: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: FileStatus) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def rejected(self) -> list[FileResult]:
        return [r for r in self.results if r.status == FileStatus.REJECTED]

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.results for w in r.warnings]


@dataclass(frozen=True)
class PageFile:
    """A page file read from disk; ``page`` is None when it matched the stored hash
    (an unchanged page is not parsed again)."""

    path: Path
    source: str
    content_hash: str
    text: str = ""
    page: ParsedPage | None = None
    keys: tuple[tuple[str, str, str], ...] = ()  # (title, abstract, venue) key of each entry


# --- reading -----------------------------------------------------------------


def find_page_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[FileResult]]:
    """Expand files and folders (recursively, hidden files skipped) into page files."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.parts[-1:])
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(
                FileResult(path.name, str(path), FileStatus.REJECTED, "no such file or folder")
            )
    return files, missing


def read_page_file(path: Path, *, max_bytes: int, known_hash: str | None = None) -> PageFile:
    """Read and parse one file; raises PageFormatError naming the file.

    A file whose SHA-256 equals ``known_hash`` (what the catalogue holds for its
    source) is returned unparsed.
    """
    source = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageFormatError(source, None, TOO_LARGE.format(size=size, limit=max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise PageFormatError(source, None, UNREADABLE.format(reason=exc.strerror)) from exc
    content_hash = hashlib.sha256(data).hexdigest()
    if content_hash == known_hash:
        return PageFile(path, source, content_hash)
    page = parse_page(data, source)
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    keys = tuple(
        (title_key(e.title), abstract_key(e.abstract), venue_key(e.venue)) for e in page.entries
    )
    return PageFile(path, source, content_hash, text, page, keys)


# --- the import --------------------------------------------------------------


def import_pages(
    files: Sequence[Path],
    *,
    batch_pages: int = DEFAULT_BATCH_PAGES,
    max_bytes: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import page files; returns one result per file, sorted by source name.

    Files are read and parsed a batch ahead of the writes, in ``workers``
    reader processes (default for large imports: one per core but the writer's;
    0 reads in this process), so parsing overlaps the database work and memory
    holds two batches, not the whole corpus.
    """
    limit = settings.IMPORT_MAX_FILE_BYTES if max_bytes is None else max_bytes
    progress = on_progress or (lambda done: None)
    by_source: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        by_source[Path(path).name].append(Path(path))
    sources = sorted(by_source)
    batches = [sources[i : i + batch_pages] for i in range(0, len(sources), batch_pages)]
    if workers is None:
        # The writer needs a core of its own: readers get the others.
        workers = min((os.cpu_count() or 1) - 1, 4) if len(files) >= PARALLEL_MIN_FILES else 0

    results: list[FileResult] = []

    def read_batch(sources: list[str]) -> Iterable[PageFile | FileResult]:
        known = dict(
            SourcePage.objects.filter(source__in=sources).values_list("source", "content_hash")
        )
        return reader.read([(p, known.get(s)) for s in sources for p in by_source[s]])

    with _Reader(workers, limit) as reader:
        pending = read_batch(batches[0]) if batches else []
        for number in range(len(batches)):
            read = list(pending)
            if number + 1 < len(batches):
                pending = read_batch(batches[number + 1])
            pages, rejected = _check_sources(read)
            results.extend(rejected)
            results.extend(_import_batch_safely(pages))
            progress(len(read))
    results.sort(key=lambda r: (r.source, r.path))
    return ImportReport(results)


class _Reader:
    """Reads and parses page files, in worker processes when there are many."""

    def __init__(self, workers: int, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.pool = (
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            if workers > 0
            else None
        )

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def read(self, files: list[tuple[Path, str | None]]) -> Iterable[PageFile | FileResult]:
        """Read (path, stored hash or None) pairs, in order."""
        reader = partial(_read_or_reject, max_bytes=self.max_bytes)
        if self.pool is None:
            return [reader(file) for file in files]
        return self.pool.map(reader, files, chunksize=16)


def _read_or_reject(file: tuple[Path, str | None], *, max_bytes: int) -> PageFile | FileResult:
    path, known_hash = file
    try:
        return read_page_file(path, max_bytes=max_bytes, known_hash=known_hash)
    except PageFormatError as exc:
        return FileResult(exc.source, str(path), FileStatus.REJECTED, str(exc))


def _check_sources(read: list[PageFile | FileResult]) -> tuple[list[PageFile], list[FileResult]]:
    """One page per source name: identical copies count once, different ones are refused."""
    results: list[FileResult] = [r for r in read if isinstance(r, FileResult)]
    by_source: dict[str, list[PageFile]] = defaultdict(list)
    for page_file in read:
        if isinstance(page_file, PageFile):
            by_source[page_file.source].append(page_file)
    pages: list[PageFile] = []
    for source, group in sorted(by_source.items()):
        if len({pf.content_hash for pf in group}) > 1:
            reason = f"{source}: " + DUPLICATE_SOURCE.format(
                paths=", ".join(sorted(str(pf.path) for pf in group))
            )
            results.extend(
                FileResult(source, str(pf.path), FileStatus.REJECTED, reason) for pf in group
            )
            continue
        group.sort(key=lambda pf: str(pf.path))
        pages.append(group[0])
        results.extend(
            FileResult(source, str(pf.path), FileStatus.UNCHANGED, f"same as {group[0].path}")
            for pf in group[1:]
        )
    return pages, results


def _import_batch_safely(batch: list[PageFile]) -> list[FileResult]:
    if not batch:
        return []
    try:
        with transaction.atomic():
            return _Batch(batch).run()
    except DatabaseError as exc:
        if len(batch) == 1:
            page_file = batch[0]
            reason = f"{page_file.source}: " + DATABASE_REFUSED.format(reason=exc)
            return [FileResult(page_file.source, str(page_file.path), FileStatus.REJECTED, reason)]
        results: list[FileResult] = []
        for page_file in batch:
            results.extend(_import_batch_safely([page_file]))
        return results


@dataclass
class _EntryPlan:
    """A page entry on its way into the database."""

    parsed: ParsedEntry
    position: int
    tkey: str
    akey: str
    vkey: str
    paper: Paper | None = None
    venue: Venue | None = None

    @property
    def tdig(self) -> str:
        """The title key as PaperKey stores it."""
        return digest(self.tkey)


class _Batch:
    """One batch of pages, written in one transaction. State lives for the batch only."""

    def __init__(self, files: list[PageFile]) -> None:
        self.files = files
        # Matching index: keys -> papers (saved or not). Keyed by id() because
        # unsaved model instances are not hashable.
        self.by_abstract: dict[str, Paper] = {}
        self.by_title: dict[str, dict[int, Paper]] = defaultdict(dict)
        self.venues: dict[str, Venue] = {}
        self.new_papers: list[Paper] = []
        self.changed_papers: dict[int, Paper] = {}
        self.new_venues: list[Venue] = []
        self.changed_venues: dict[int, Venue] = {}
        self.recheck_papers: set[int] = set()  # papers that lost entries
        self.recheck_authorships: set[int] = set()
        self.old_page_ids: set[int] = set()
        # (page id, paper id) -> a curator's authorship that a dropped entry of the
        # page pointed at: a re-written entry for the same paper goes back to it.
        self.curated_claims: dict[tuple[int, int], int] = {}
        # Title-only papers proven to be another paper (see _fold_title_only).
        self.folded: dict[int, Paper] = {}
        self.saved_folds: list[tuple[Paper, Paper]] = []
        self.known_keys: set[tuple[int, str, str]] = set()  # (paper id, kind, key) in PaperKey

    # -- orchestration --

    def run(self) -> list[FileResult]:
        existing = {
            p.source: p
            for p in SourcePage.objects.filter(
                source__in=[f.source for f in self.files]
            ).select_related("author")
        }
        results: list[FileResult] = []
        new_files: list[PageFile] = []
        changed: list[tuple[PageFile, SourcePage]] = []
        for page_file in self.files:
            old = existing.get(page_file.source)
            if old is not None and old.content_hash == page_file.content_hash:
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.UNCHANGED)
                )
                continue
            if page_file.page is None:  # matched the stored hash when read; another import since
                reason = f"{page_file.source}: " + CHANGED_DURING_IMPORT
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.REJECTED, reason)
                )
                continue
            warnings = page_file.page.warnings
            if old is None:
                new_files.append(page_file)
                status = FileStatus.NEW
            elif old.kind != page_file.page.kind:
                reason = f"{page_file.source}: " + KIND_CHANGED.format(
                    old=old.kind, new=page_file.page.kind
                )
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.REJECTED, reason)
                )
                continue
            else:
                changed.append((page_file, old))
                self.old_page_ids.add(old.pk)
                status = FileStatus.UPDATED
            results.append(
                FileResult(page_file.source, str(page_file.path), status, warnings=warnings)
            )
        if not new_files and not changed:
            return results

        plans = {pf.source: self._plan_entries(pf) for pf in new_files}
        kept: dict[str, list[SourceEntry]] = {}
        for page_file, page in changed:
            plans[page_file.source], kept[page_file.source] = self._diff_entries(page_file, page)

        self._load_index([plan for entries in plans.values() for plan in entries])
        for page_file in sorted([*new_files, *(pf for pf, _ in changed)], key=lambda f: f.source):
            for plan in plans[page_file.source]:
                self._resolve(plan)

        self._write_venues()
        self._write_papers()
        pages = self._write_new_pages(new_files)
        for page_file, page in changed:
            self._update_page(page_file, page, kept[page_file.source])
            pages[page_file.source] = page
        for page_plans in plans.values():
            for plan in page_plans:
                plan.paper = self._live(plan.paper)
        self._write_entries(pages, plans)
        self._write_keys(plans)
        self._apply_saved_folds()
        self._recheck()
        return results

    # -- planning --

    @staticmethod
    def _plan_entries(page_file: PageFile) -> list[_EntryPlan]:
        return [
            _EntryPlan(parsed=entry, position=position, tkey=tkey, akey=akey, vkey=vkey)
            for position, (entry, (tkey, akey, vkey)) in enumerate(
                zip(page_file.page.entries, page_file.keys, strict=True), start=1
            )
        ]

    def _diff_entries(
        self, page_file: PageFile, page: SourcePage
    ) -> tuple[list[_EntryPlan], list[SourceEntry]]:
        """Match the page's old entries to the new ones by content; drop the rest.

        A kept entry keeps its row, its paper and its authorship: a curator's
        split or merge survives a re-import of the page.
        """
        old_by_signature: dict[tuple[str, str, str], list[SourceEntry]] = defaultdict(list)
        for entry in page.entries.select_related("venue").order_by("position"):
            signature = (entry.title_key, entry.abstract_key, venue_key(entry.venue_name))
            old_by_signature[signature].append(entry)
        plans: list[_EntryPlan] = []
        kept: list[SourceEntry] = []
        for plan in self._plan_entries(page_file):
            matches = old_by_signature.get((plan.tkey, plan.akey, plan.vkey))
            if matches:
                entry = matches.pop(0)
                entry.position, entry.line = plan.position, plan.parsed.line
                entry.title, entry.venue_name = plan.parsed.title, plan.parsed.venue
                entry.abstract = plan.parsed.abstract
                kept.append(entry)
            else:
                plans.append(plan)
        gone = [entry for entries in old_by_signature.values() for entry in entries]
        if gone:
            self.recheck_papers.update(e.paper_id for e in gone)
            claimed = {e.authorship_id for e in gone if e.authorship_id}
            self.recheck_authorships.update(claimed)
            # A curator moved these entries' papers to another author (a split):
            # the page's rewritten entries for those papers stay with that author.
            self.curated_claims.update(
                ((page.pk, paper_id), authorship_id)
                for authorship_id, paper_id in Authorship.objects.filter(
                    id__in=claimed, curated=True
                )
                .exclude(author_id=page.author_id)
                .values_list("id", "paper_id")
            )
            SourceEntry.objects.filter(id__in=[e.id for e in gone]).delete()
        # Kept entries may spell their paper's title differently now.
        self.recheck_papers.update(e.paper_id for e in kept)
        return plans, kept

    # -- matching index --

    def _load_index(self, plans: list[_EntryPlan]) -> None:
        """Load the papers that the batch's keys can match, with every key they answer to."""
        rows: list[tuple[int, str, str]] = []
        for kind, attribute in ((PaperKey.Kind.ABSTRACT, "akey"), (PaperKey.Kind.TITLE, "tdig")):
            keys = {getattr(plan, attribute) for plan in plans} - {""}
            for chunk in chunks(keys):
                rows.extend(
                    PaperKey.objects.filter(kind=kind, key__in=chunk).values_list(
                        "paper_id", "kind", "key"
                    )
                )
        papers = self._load_live_papers({paper_id for paper_id, _, _ in rows})
        for paper_id, kind, key in sorted(rows):
            paper = papers[paper_id]
            if paper.pk == paper_id:
                self.known_keys.add((paper.pk, kind, key))
            if kind == PaperKey.Kind.ABSTRACT:
                self._register(paper, "", key)
            else:
                self._register(paper, key, "")
        vkeys = {p.vkey for p in plans if p.vkey}
        for chunk in chunks(vkeys):
            self.venues.update((v.key, v) for v in Venue.objects.filter(key__in=chunk))

    @staticmethod
    def _load_live_papers(ids: set[int]) -> dict[int, Paper]:
        """Papers by id, each tombstone replaced by the survivor it redirects to."""
        papers: dict[int, Paper] = {}
        for chunk in chunks(ids):
            papers.update((p.id, p) for p in Paper.objects.filter(id__in=chunk))
        while True:
            pending = {p.merged_into_id for p in papers.values() if p.merged_into_id}
            pending -= {i for i, p in papers.items() if not p.merged_into_id}
            if not pending:
                break
            for chunk in chunks(pending):
                papers.update((p.id, p) for p in Paper.objects.filter(id__in=chunk))
        live: dict[int, Paper] = {}
        for paper_id, paper in papers.items():
            target = paper
            while target.merged_into_id:
                target = papers[target.merged_into_id]
            live[paper_id] = target
        return live

    def _register(self, paper: Paper, tdig: str, akey: str) -> None:
        """Index a paper under a title digest and/or an abstract key."""
        if akey:
            self.by_abstract.setdefault(akey, paper)
        if tdig:
            self.by_title[tdig][id(paper)] = paper

    # -- resolution --

    def _live(self, paper: Paper) -> Paper:
        while id(paper) in self.folded:
            paper = self.folded[id(paper)]
        return paper

    def _title_papers(self, tdig: str) -> list[Paper]:
        papers = {id(p): p for p in map(self._live, self.by_title.get(tdig, {}).values())}
        return list(papers.values())

    def _resolve(self, plan: _EntryPlan) -> None:
        entry = plan.parsed
        paper = self.by_abstract.get(plan.akey) if plan.akey else None
        if paper is not None:
            paper = self._live(paper)
        elif plan.tkey:
            candidates = [
                p for p in self._title_papers(plan.tdig) if not plan.akey or not p.abstract_key
            ]
            if len(candidates) == 1:
                paper = candidates[0]
        if paper is None:
            paper = Paper(
                title=entry.title,
                abstract=entry.abstract,
                title_key=plan.tkey,
                abstract_key=plan.akey,
            )
            self.new_papers.append(paper)
        else:
            self._absorb(paper, entry.title, entry.abstract)
        self._register(paper, plan.tdig, plan.akey)
        if plan.akey and plan.tkey:
            self._fold_title_only(paper, plan.tdig)
        plan.paper = paper
        if plan.vkey:
            plan.venue = self._venue(entry.venue, plan.vkey)

    def _fold_title_only(self, paper: Paper, tdig: str) -> None:
        """An entry with title T and abstract A proves that a title-only paper of T is
        A's paper, as long as A's paper is the only one with an abstract under T.

        Without this, 'T without abstract' then 'A without title' then 'T with A'
        would leave two papers where the reverse order leaves one.
        """
        others = [p for p in self._title_papers(tdig) if p is not paper]
        if any(p.abstract_key for p in others):
            return  # two papers with an abstract share the title: not certain
        for other in others:
            if other.title_curated or other.abstract_curated:
                continue  # a curator's paper: leave it to curators
            self.folded[id(other)] = paper
            self._absorb(paper, other.title, "")
            if other.pk is not None:
                self.saved_folds.append((other, paper))

    def _absorb(self, paper: Paper, title: str, abstract: str) -> None:
        """Let a matched paper take a spelling if the fixed rule prefers it."""
        changed = False
        if title and not paper.title_curated:
            title = choose_display([paper.title, title])
            if title != paper.title:
                paper.title, paper.title_key, changed = title, title_key(title), True
        if abstract and not paper.abstract_curated:
            abstract = choose_display([paper.abstract, abstract])
            if abstract != paper.abstract:
                paper.abstract, paper.abstract_key = abstract, abstract_key(abstract)
                changed = True
        if changed and paper.pk is not None:
            self.changed_papers[paper.pk] = paper

    def _venue(self, name: str, key: str) -> Venue:
        venue = self.venues.get(key)
        if venue is None:
            venue = Venue(name=name, key=key)
            self.venues[key] = venue
            self.new_venues.append(venue)
        else:
            shown = choose_display([venue.name, name])
            if shown != venue.name:
                venue.name = shown
                if venue.pk is not None:
                    self.changed_venues[venue.pk] = venue
        return venue

    # -- writing --

    def _write_venues(self) -> None:
        allocate_slugs(
            Venue,
            [(v, slug_candidates(venue_slug_base(v.key), v.key)) for v in self.new_venues],
        )
        Venue.objects.bulk_create(self.new_venues)
        if self.changed_venues:
            Venue.objects.bulk_update(self.changed_venues.values(), ["name"])

    def _write_papers(self) -> None:
        new = [p for p in self.new_papers if id(p) not in self.folded]
        allocate_slugs(Paper, [(p, paper_slug_candidates(p)) for p in new])
        now = timezone.now()
        for paper in new:
            paper.created_at = paper.updated_at = now
        insert_objects(new, _PAPER_FIELDS, key="slug")
        save_paper_display(p for p in self.changed_papers.values() if id(p) not in self.folded)

    def _apply_saved_folds(self) -> None:
        """Move what folded, already saved papers held to the paper they proved to be."""
        if not self.saved_folds:
            return
        survivors: dict[int, Paper] = {}
        old_slugs: list[tuple[Paper, str]] = []
        for other, _ in self.saved_folds:
            into = self._live(other)
            survivors[into.pk] = into
            SourceEntry.objects.filter(paper=other).update(paper=into)
            for authorship in Authorship.objects.filter(paper=other):
                twin = Authorship.objects.filter(paper=into, author_id=authorship.author_id).first()
                if twin is None:
                    authorship.paper = into
                    authorship.save(update_fields=["paper"])
                else:
                    authorship.entries.update(authorship=twin)
                    authorship.delete()
            Paper.objects.filter(merged_into=other).update(merged_into=into)
            PaperSlugAlias.objects.filter(paper=other).update(paper=into)
            PaperKey.objects.bulk_create(
                [
                    PaperKey(paper=into, kind=kind, key=key)
                    for kind, key in other.match_keys.values_list("kind", "key")
                ],
                ignore_conflicts=True,
            )
            old_slugs.append((into, other.slug))
            other.delete()
        refresh_papers(survivors)
        save_paper_display(Paper.objects.filter(id__in=survivors))
        current = dict(Paper.objects.filter(id__in=survivors).values_list("id", "slug"))
        PaperSlugAlias.objects.bulk_create(
            [PaperSlugAlias(paper=p, slug=s) for p, s in old_slugs if current[p.pk] != s]
        )

    def _write_new_pages(self, files: list[PageFile]) -> dict[str, SourcePage]:
        authors: dict[str, Author] = {}
        labels = {page_file.source: page_file.page.label for page_file in files}
        for page_file in files:
            if page_file.page.kind == SourcePage.Kind.NAMED:
                authors[page_file.source] = _author_from_label(page_file.page.label)
        allocate_slugs(
            Author,
            [
                (a, slug_candidates(author_slug_base(a.family_name, a.given_name), source))
                for source, a in sorted(authors.items())
            ],
        )
        Author.objects.bulk_create(list(authors.values()))
        AuthorName.objects.bulk_create(
            [
                AuthorName.variant(author, labels[source], added_by=DecidedBy.IMPORT)
                for source, author in authors.items()
            ],
            ignore_conflicts=True,
        )
        pages = [
            SourcePage(
                source=pf.source,
                kind=pf.page.kind,
                label=pf.page.label,
                content_hash=pf.content_hash,
                raw_text=pf.text,
                author=authors.get(pf.source),
                assigned_by=DecidedBy.IMPORT if pf.source in authors else "",
            )
            for pf in files
        ]
        SourcePage.objects.bulk_create(pages)
        return {page.source: page for page in pages}

    def _update_page(self, page_file: PageFile, page: SourcePage, kept: list[SourceEntry]) -> None:
        page.label = page_file.page.label
        page.content_hash = page_file.content_hash
        page.raw_text = page_file.text
        page.save(update_fields=["label", "content_hash", "raw_text", "updated_at"])
        if page.kind == SourcePage.Kind.NAMED and page.author_id:
            AuthorName.objects.bulk_create(
                [AuthorName.variant(page.author, page.label, added_by=DecidedBy.IMPORT)],
                ignore_conflicts=True,
            )
        if kept:
            # Two steps so that no two rows ever share a position on the way.
            page.entries.filter(id__in=[e.id for e in kept]).update(
                position=F("position") + _POSITION_OFFSET
            )
            SourceEntry.objects.bulk_update(
                kept, ["position", "line", "title", "venue_name", "abstract"]
            )

    def _write_entries(
        self, pages: dict[str, SourcePage], plans: dict[str, list[_EntryPlan]]
    ) -> None:
        preexisting = {
            p.author_id for p in pages.values() if p.author_id and p.pk in self.old_page_ids
        }
        authorships = self._authorships(pages, plans, preexisting, self.curated_claims)
        rows: list[tuple] = []
        appearances: set[tuple[int, int]] = set()
        for source, page_plans in plans.items():
            page = pages[source]
            for plan in page_plans:
                entry, paper_id = plan.parsed, plan.paper.pk
                venue_id = plan.venue.pk if plan.venue is not None else None
                rows.append(
                    (
                        page.pk,
                        plan.position,
                        entry.line,
                        entry.title,
                        entry.venue,
                        entry.abstract,
                        plan.tkey,
                        plan.akey,
                        venue_id,
                        paper_id,
                        self.curated_claims.get((page.pk, paper_id))
                        or authorships.get((paper_id, page.author_id)),
                    )
                )
                if venue_id is not None:
                    appearances.add((paper_id, venue_id))
        insert_rows(SourceEntry, _ENTRY_FIELDS, rows)
        insert_rows(Appearance, ["paper", "venue"], sorted(appearances), ignore_conflicts=True)

    def _write_keys(self, plans: dict[str, list[_EntryPlan]]) -> None:
        wanted = {
            (plan.paper.pk, kind, key)
            for page_plans in plans.values()
            for plan in page_plans
            for kind, key in ((PaperKey.Kind.TITLE, plan.tdig), (PaperKey.Kind.ABSTRACT, plan.akey))
            if key
        }
        insert_rows(
            PaperKey,
            ["paper", "kind", "key"],
            sorted(wanted - self.known_keys),
            ignore_conflicts=True,
        )

    @staticmethod
    def _authorships(
        pages: dict[str, SourcePage],
        plans: dict[str, list[_EntryPlan]],
        preexisting_authors: set[int],
        claims: dict[tuple[int, int], int],
    ) -> dict[tuple[int, int], int]:
        """Authorship ids by (paper id, author id), created where missing."""
        wanted: set[tuple[int, int]] = {
            (plan.paper.pk, page.author_id)
            for source, page_plans in plans.items()
            if (page := pages[source]).author_id
            for plan in page_plans
            if (page.pk, plan.paper.pk) not in claims
        }
        found: dict[tuple[int, int], int] = {}
        # Authors created in this batch have no authorships yet: look up only the others.
        authors = {a for _, a in wanted} & preexisting_authors
        papers = {paper_id for paper_id, a in wanted if a in authors}
        for author_chunk in chunks(authors, 500):
            for paper_chunk in chunks(papers):
                for paper_id, author_id, authorship_id in Authorship.objects.filter(
                    author_id__in=author_chunk, paper_id__in=paper_chunk
                ).values_list("paper_id", "author_id", "id"):
                    found[(paper_id, author_id)] = authorship_id
        missing = sorted(wanted - found.keys())
        now = timezone.now()
        created = insert_rows_returning(
            Authorship,
            ["paper", "author", "decided_by", "curated", "created_at"],
            [
                (paper_id, author_id, DecidedBy.IMPORT, False, now)
                for paper_id, author_id in missing
            ],
            returning=["paper", "author", "id"],
        )
        found.update(((paper_id, author_id), pk) for paper_id, author_id, pk in created)
        return found

    def _recheck(self) -> None:
        """After a page lost entries: drop what only those entries supported."""
        if not self.recheck_papers and not self.recheck_authorships:
            return
        Authorship.objects.filter(
            id__in=self.recheck_authorships, curated=False, entries__isnull=True
        ).delete()
        papers = Paper.objects.filter(id__in=self.recheck_papers)
        for paper in papers.annotate(
            n_entries=Count("entries", distinct=True),
            n_authorships=Count("authorships", distinct=True),
            n_merged=Count("merged_from", distinct=True),
        ):
            if (
                paper.n_entries == 0
                and paper.n_authorships == 0
                and paper.n_merged == 0
                and not (paper.title_curated or paper.abstract_curated)
            ):
                paper.delete()
        refresh_papers(self.recheck_papers)


def _author_from_label(label: str) -> Author:
    author = Author()
    author.set_name(parse_name(label))
    return author
