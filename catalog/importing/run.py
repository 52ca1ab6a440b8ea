"""The import's entry point: ``import_pages`` reads the files a batch ahead of the
writes and writes each batch in one transaction (``_import_batch_safely``),
replaying a refused batch one page per transaction.

How a file is read is in ``files``, how a batch is matched and written in
``matching`` and ``writing``; nothing here touches a row itself.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from ..models import SourcePage
from .files import (
    DATABASE_REFUSED,
    FileResult,
    FileStatus,
    ImportReport,
    PageFile,
    _check_sources,
    _Reader,
)
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
