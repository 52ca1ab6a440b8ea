"""The import's entry point: ``import_pages`` reads the files a batch ahead of the
writes and writes each batch in one transaction (``_import_batch_safely``),
replaying a refused batch one page per transaction. An import writes under the
importer's lock (``repair.import_lock``: two imports at once write one after the
other) and ends by folding papers that share an abstract
(``repair.fold_split_papers``) and, on PostgreSQL, refreshing the planner's
statistics of the tables it wrote.

How a file is read is in ``files``, how a batch is matched and written in
``matching`` and ``writing``; nothing here touches a row itself.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from ..models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    Paper,
    PaperKey,
    SourceEntry,
    SourcePage,
    Venue,
)
from .files import (
    DATABASE_REFUSED,
    FileResult,
    FileStatus,
    ImportReport,
    PageFile,
    _check_sources,
    _Reader,
    name_problem,
)
from .repair import fold_split_papers, import_lock
from .writing import _Batch

DEFAULT_BATCH_PAGES = 1000
PARALLEL_MIN_FILES = 500  # below this, starting worker processes costs more than it saves


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
    results: list[FileResult] = []
    by_source: dict[str, list[Path]] = defaultdict(list)
    for path in map(Path, files):
        if (refused := name_problem(path)) is not None:
            results.append(refused)
        else:
            by_source[path.name].append(path)
    if results:
        progress(len(results))
    sources = sorted(by_source)
    batches = [sources[i : i + batch_pages] for i in range(0, len(sources), batch_pages)]
    if workers is None:
        # The writer needs a core of its own: readers get the others.
        workers = min((os.cpu_count() or 1) - 1, 4) if len(files) >= PARALLEL_MIN_FILES else 0

    def read_batch(sources: list[str]) -> Iterable[PageFile | FileResult]:
        known = dict(
            SourcePage.objects.filter(source__in=sources).values_list("source", "content_hash")
        )
        return reader.read([(p, known.get(s)) for s in sources for p in by_source[s]])

    with _Reader(workers, limit) as reader:
        pending = read_batch(batches[0]) if batches else []
        # Another import writing: wait for its end (the first batch is being read).
        with import_lock():
            for number in range(len(batches)):
                read = list(pending)
                if number + 1 < len(batches):
                    pending = read_batch(batches[number + 1])
                pages, rejected = _check_sources(read)
                results.extend(rejected)
                results.extend(_import_batch_safely(pages))
                progress(len(read))
            with transaction.atomic():
                folded = fold_split_papers()
            if any(r.status in (FileStatus.NEW, FileStatus.UPDATED) for r in results):
                _refresh_statistics()
    results.sort(key=lambda r: (r.source, r.path))
    return ImportReport(results, folded_papers=folded)


# The tables an import writes, whose statistics the PostgreSQL planner reads.
_IMPORTED_TABLES = (
    Author,
    AuthorName,
    Authorship,
    Appearance,
    Paper,
    PaperKey,
    SourceEntry,
    SourcePage,
    Venue,
)


def _refresh_statistics() -> None:
    """``VACUUM (ANALYZE)`` the tables an import wrote, on PostgreSQL: without the
    statistics (autovacuum off, or not yet run) the planner plans a 100,000-paper
    catalogue as an empty one and scans tables where an index would answer, and
    without the visibility map a count reads every row instead of an index. Inside
    a transaction (VACUUM cannot run there) only ``ANALYZE``. SQLite plans well
    without them."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _IMPORTED_TABLES)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


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
