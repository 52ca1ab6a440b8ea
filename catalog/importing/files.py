"""Reading page files: finding them, reading and parsing them (in worker processes
when there are many), and the result and report types every part of the import
returns, with the messages a rejected file is given.

Pure code: nothing here touches the database, matches entries to papers or
writes rows (see ``matching`` and ``writing``); ``run.import_pages`` drives it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import multiprocessing
import os
import signal
import stat
import threading
import time
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
NAME_NOT_UTF8 = "the file name is not valid UTF-8; rename the file"
LINK_OUTSIDE = "a link to {target}, outside the folders given (--follow-links follows it)"
DANGLING_LINK = "a link to {target}, which does not exist"
LINK_LOOP = "a link that leads back to itself"
FOLDER_LOOP = "a link to {target}, a folder that holds the link (a loop)"
FOLDER_AGAIN = "a link to {target}, a folder already read"
NOT_A_FILE = "not a regular file but a {kind}"
NOT_REGULAR = "not a regular file"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
CHANGED_DURING_IMPORT = "the page changed in the catalogue while this import ran; import again"
DATABASE_REFUSED = "the database refused the page: {reason}"


class FileStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # not a page file: a FIFO, a dangling link, a link out of the folders


@dataclass(frozen=True)
class FileResult:
    source: str
    path: str
    status: FileStatus
    reason: str = ""
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A folder name that is not UTF-8 must not break printing the path.
        object.__setattr__(self, "path", _shown(self.path))


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)
    folded_papers: int = 0  # papers that shared an abstract with an older one (see repair)

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


def find_page_files(
    paths: Iterable[Path | str], *, follow_links: bool = False
) -> tuple[list[Path], list[FileResult]]:
    """Expand files and folders (recursively, hidden files skipped) into page files.

    Returns the regular files, and a result for each path that is not one: a
    missing path (rejected); a FIFO, socket or device, a dangling link, a loop of
    links or folders, and a link out of the folders given unless ``follow_links``
    (skipped, with the reason). Nothing is opened here: a FIFO would block.
    """
    files: list[Path] = []
    others: list[FileResult] = []
    roots = [Path(os.path.realpath(p)) for p in paths if Path(p).is_dir()]
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            top = _folder_id(path)
            _walk(path, _Walk(roots, follow_links, files, others, {top}), frozenset([top]))
        elif path.is_file():
            files.append(path)
        elif path.is_symlink() or path.exists():
            others.append(_skipped(path, _not_a_file(path)))
        else:
            others.append(
                FileResult(path.name, str(path), FileStatus.REJECTED, "no such file or folder")
            )
    return files, others


@dataclass
class _Walk:
    roots: list[Path]
    follow_links: bool
    files: list[Path]
    others: list[FileResult]
    folders: set[tuple[int, int]]  # (device, inode) of every folder read


def _walk(folder: Path, walk: _Walk, ancestors: frozenset[tuple[int, int]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        walk.others.append(_skipped(folder, UNREADABLE.format(reason=exc.strerror)))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") and not entry.is_dir():
            continue  # hidden files: never pages (hidden folders are read, as before)
        link = entry.is_symlink()
        try:
            info = os.stat(path) if link else entry.stat(follow_symlinks=False)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                reason = LINK_LOOP
            elif link and exc.errno in (errno.ENOENT, errno.ENOTDIR):
                target = _shown(os.path.join(folder, os.readlink(path)))
                reason = DANGLING_LINK.format(target=target)
            else:
                reason = UNREADABLE.format(reason=exc.strerror)
            walk.others.append(_skipped(path, reason))
            continue
        if link and not walk.follow_links:
            target = Path(os.path.realpath(path))
            if not any(target.is_relative_to(root) for root in walk.roots):
                walk.others.append(_skipped(path, LINK_OUTSIDE.format(target=_shown(target))))
                continue
        if stat.S_ISDIR(info.st_mode):
            folder_id = (info.st_dev, info.st_ino)
            if folder_id in walk.folders:  # its files are listed already
                if link:
                    message = FOLDER_LOOP if folder_id in ancestors else FOLDER_AGAIN
                    target = _shown(os.path.realpath(path))
                    walk.others.append(_skipped(path, message.format(target=target)))
                continue
            walk.folders.add(folder_id)
            _walk(path, walk, ancestors | {folder_id})
        elif stat.S_ISREG(info.st_mode):
            walk.files.append(path)
        else:
            walk.others.append(_skipped(path, _not_a_file(path, info)))


def _folder_id(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _not_a_file(path: Path, info: os.stat_result | None = None) -> str:
    try:
        info = info or path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LINK_LOOP
        return DANGLING_LINK.format(target=_shown(os.path.realpath(path)))
    kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "special file")
    return NOT_A_FILE.format(kind=kind)


_FILE_KINDS = (
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _skipped(path: Path, message: str) -> FileResult:
    shown = _shown(path)
    return FileResult(_shown(path.name), shown, FileStatus.SKIPPED, f"{shown}: {message}")


def _shown(path: Path | str) -> str:
    """A path as printable text: bytes that are not UTF-8 escaped as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_problem(path: Path) -> FileResult | None:
    """A rejection when the file's name cannot be a source name (not valid UTF-8)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        name = _shown(path.name)
        return FileResult(name, _shown(path), FileStatus.REJECTED, f"{name}: {NAME_NOT_UTF8}")
    return None


def read_page_file(path: Path, *, max_bytes: int, known_hash: str | None = None) -> PageFile:
    """Read and parse one file; raises PageFormatError naming the file.

    A file whose SHA-256 equals ``known_hash`` (what the catalogue holds for its
    source) is returned unparsed.
    """
    source = path.name
    try:
        # Non-blocking: a FIFO that took the file's place is refused, never waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise PageFormatError(source, None, UNREADABLE.format(reason=NOT_REGULAR))
            if info.st_size > max_bytes:
                raise PageFormatError(
                    source, None, TOO_LARGE.format(size=info.st_size, limit=max_bytes)
                )
            data = file.read()
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
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(),),
            )
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


def _die_with_parent(parent: int) -> None:
    """Make a reader process end when the import does, even on ``kill -9``.

    Otherwise a killed import leaves its readers waiting on their queue forever.
    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``);
    elsewhere a thread checks every second whether the parent is gone.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


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
