"""Reading page files: finding them, reading and parsing them (in worker processes
when there are many), and the result and report types every part of the import
returns, with the messages a rejected file is given.

Pure code: nothing here touches the database, matches entries to papers or
writes rows (see ``matching`` and ``writing``); ``run.import_pages`` drives it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path

from ..normalize import abstract_key, title_key, venue_key
from ..parsing import PageFormatError, ParsedPage, parse_page

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
