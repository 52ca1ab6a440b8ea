"""Curators' uploads of page files, and the background job that imports them.

A curator uploads page files, a zip of them, or both (``/curation/imports/new/``).
:func:`start_import` checks the upload against the limits (``UPLOAD_MAX_BYTES``,
``UPLOAD_MAX_FILES``; a zip counts its files, unpacked) and refuses what cannot be a
page file (a binary file that is no zip, a zip member with an absolute path, ``..``
or a link, an encrypted member), then in one transaction stores the bytes in
:class:`~curation.models.ImportFile` rows (a worker on another machine needs no disk
shared with the web process), creates the :class:`~curation.models.ImportJob` and
enqueues :func:`run_import_job` (the database backend writes the task's row in that
transaction: a job is never left without its task).

The worker (``manage.py db_worker``) writes the files into a temporary folder, each
under its own name (a page's ``source`` is what ``import_seeds`` on the same file
gives), imports them with ``catalog.importing`` (the progress lands on the job's row,
at most every ``PROGRESS_SECONDS``), keeps the counts, the rejected and skipped files
with their reasons and the summary line, and deletes the stored bytes. Any error
marks the job failed with a readable message: it is never left running.

:class:`UploadLimits` counts files and bytes while the request is read, so an upload
past the limits is refused with the same messages before it is all stored.
"""

from __future__ import annotations

import io
import logging
import re
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django_tasks import task

from catalog.importing import FileStatus, ImportReport, find_page_files, import_pages, summary_line

from .models import ImportFile, ImportJob
from .services.frame import require_curator

logger = logging.getLogger(__name__)

NO_FILES = "Choose page files or a zip archive of page files to upload."
NO_PAGE_FILES = "The upload holds no page file (a zip's folders and hidden files do not count)."
TOO_MANY_FILES = (
    "{name}: with this file the upload holds more than {limit:,} page files, the limit "
    "(a zip counts the files in it). Upload fewer files at a time."
)
TOO_MANY_BYTES = (
    "{name}: with this file the upload comes to more than {limit:,} bytes, the limit "
    "(a zip counts unpacked). Upload fewer or smaller files at a time."
)
NOT_TEXT = (
    "{name}: neither a text file nor a zip archive. Upload page files (plain text) or a "
    "zip of them."
)
BAD_ZIP = "{name}: not a readable zip archive ({reason})."
UNSAFE_MEMBER = (
    "{name}: the archive's file {member} has an unsafe path (absolute, or going up with "
    "..). The upload is refused."
)
LINK_MEMBER = "{name}: the archive's file {member} is a link. The upload is refused."
ENCRYPTED_MEMBER = (
    "{name}: the archive's file {member} is encrypted; upload an archive without a password."
)
UNREADABLE_MEMBER = (
    "{name}: the archive's file {member} is compressed with a method this site cannot "
    "read; zip it again with the usual method (deflate)."
)
NAME_TOO_LONG = "{name}: the file name is longer than 255 bytes; rename the file."
IMPORT_FAILED = (
    "The import stopped on an unexpected error ({error}). Pages imported before it stay "
    "imported; upload the files again to import the rest (pages already imported come "
    "out unchanged)."
)
WORKER_STOPPED = (
    "The worker was stopped during the import. Pages imported before it stay imported; "
    "upload the files again to import the rest."
)

MAX_NAME_BYTES = 255  # a file name on disk, and SourcePage.source
TEXT_SNIFF_BYTES = 64 * 1024
PROGRESS_SECONDS = 0.5  # the job's row is updated at most this often during an import
# Pages per import batch (one transaction each; the command's batches are 1,000): the
# progress bar moves every 100 pages, and curators' writes wait for short transactions.
UPLOAD_BATCH_PAGES = 100
WARNINGS_KEPT = 100
MAX_PROBLEMS_SHOWN = 20  # refusals listed at once
_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_CONTROL = bytes([*range(0, 8), *range(14, 27), *range(28, 32), 127])


# --- reading an upload ---------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """A page file of an upload: a file as uploaded (``info`` None) or a zip's file."""

    name: str  # the file's own name: the page's source
    shown: str  # how results show it: "page.txt", "pages.zip/folder/page.txt"
    size: int
    info: zipfile.ZipInfo | None = None


class _Refusals:
    """The refusals of one upload, and its running totals against the limits."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.files = 0
        self.bytes = 0

    def add(self, message: str) -> None:
        self.messages.append(message)

    def count(self, name: str, size: int) -> None:
        """One more page file of ``size`` bytes; a limit passed refuses the upload."""
        self.files += 1
        self.bytes += size
        if self.files > settings.UPLOAD_MAX_FILES:
            raise ValidationError(TOO_MANY_FILES.format(name=name, limit=settings.UPLOAD_MAX_FILES))
        if self.bytes > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(TOO_MANY_BYTES.format(name=name, limit=settings.UPLOAD_MAX_BYTES))


def _name_fits(name: str) -> bool:
    return len(name.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES


def _member_parts(filename: str) -> list[str] | None:
    """A zip member's path as folder names and a file name; None when it is unsafe
    (absolute, a drive, ``..``, a NUL). Backslashes count as separators."""
    path = filename.replace("\\", "/")
    if "\x00" in path or path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return parts


def _is_zip(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") or head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _looks_like_text(head: bytes) -> bool:
    """No NUL byte and few control characters in the first bytes (as ``file`` judges)."""
    if b"\x00" in head:
        return False
    return len(head.translate(None, delete=_CONTROL)) >= 0.9 * len(head)


def _zip_members(name: str, file: IO[bytes], refusals: _Refusals) -> list[_Member]:
    """The page files of a zip (folders and hidden files left out), each counted."""
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        refusals.add(BAD_ZIP.format(name=name, reason=error))
        return []
    members = []
    for info in infos:
        if info.is_dir():
            continue
        parts = _member_parts(info.filename)
        if parts is None:
            refusals.add(UNSAFE_MEMBER.format(name=name, member=info.filename))
        elif stat.S_ISLNK(info.external_attr >> 16):
            refusals.add(LINK_MEMBER.format(name=name, member=info.filename))
        elif info.flag_bits & 0x1:
            refusals.add(ENCRYPTED_MEMBER.format(name=name, member=info.filename))
        elif info.compress_type not in _READABLE_METHODS:
            refusals.add(UNREADABLE_MEMBER.format(name=name, member=info.filename))
        elif not _name_fits(parts[-1]):
            refusals.add(NAME_TOO_LONG.format(name=f"{name}/{info.filename}"))
        elif not parts[-1].startswith("."):  # hidden files are no pages, as import_seeds
            refusals.count(name, info.file_size)
            members.append(_Member(parts[-1], "/".join([name, *parts]), info.file_size, info))
    return members


def _upload_members(name: str, file: IO[bytes], size: int, refusals: _Refusals) -> list[_Member]:
    """The page files of one uploaded file: itself, or the files of a zip."""
    file.seek(0)
    head = file.read(TEXT_SNIFF_BYTES)
    file.seek(0)
    if _is_zip(name, head):
        return _zip_members(name, file, refusals)
    if not _looks_like_text(head):
        refusals.add(NOT_TEXT.format(name=name))
        return []
    if not _name_fits(name):
        refusals.add(NAME_TOO_LONG.format(name=name))
        return []
    refusals.count(name, size)
    return [_Member(name, name, size)]


def check_upload(files: Sequence) -> list[list[_Member]]:
    """The page files of each uploaded file; ``ValidationError`` listing every refusal
    (a limit passed: that one alone)."""
    if not files:
        raise ValidationError(NO_FILES)
    refusals = _Refusals()
    found = [_upload_members(f.name, f, f.size, refusals) for f in files]
    if refusals.messages:
        raise ValidationError(refusals.messages[:MAX_PROBLEMS_SHOWN])
    if not any(found):
        raise ValidationError(NO_PAGE_FILES)
    return found


class UploadLimits(FileUploadHandler):
    """An upload handler counting files and bytes while the request is read. Past a
    limit it stops storing the upload (the rest of the request is read and dropped)
    and keeps the refusal in ``refusal``; the view shows it. Install it first."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.files = 0
        self.bytes = 0
        self.refusal = ""

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files += 1
        if self.files > settings.UPLOAD_MAX_FILES:
            self._refuse(TOO_MANY_FILES.format(name=file_name, limit=settings.UPLOAD_MAX_FILES))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.bytes += len(raw_data)
        if self.bytes > settings.UPLOAD_MAX_BYTES:
            self._refuse(
                TOO_MANY_BYTES.format(name=self.file_name, limit=settings.UPLOAD_MAX_BYTES)
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file

    def _refuse(self, message: str) -> None:
        self.refusal = message
        raise StopUpload(connection_reset=False)


# --- starting a job -------------------------------------------------------------------

STORE_BATCH_BYTES = 8 * 1024 * 1024


def start_import(*, actor: AbstractBaseUser, files: Sequence) -> ImportJob:
    """Check an upload (uploaded files: ``name``, ``size``, a file's methods), store it
    and enqueue its import, in one transaction. Raises ``ValidationError`` with the
    message constants above, ``PermissionDenied`` for a user who is not a curator."""
    require_curator(actor)
    found = check_upload(files)
    names = ", ".join(f.name for f in files)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            created_by_name=actor.get_username(),
            uploaded=Truncator(names).chars(500),
            uploaded_bytes=sum(f.size for f in files),
            files_total=sum(len(members) for members in found),
        )
        batch: list[ImportFile] = []
        batch_bytes = 0
        for position, file in enumerate(files):
            file.seek(0)
            content = file.read()
            batch.append(ImportFile(job=job, position=position, name=file.name, content=content))
            batch_bytes += len(content)
            if batch_bytes >= STORE_BATCH_BYTES:  # a few MiB in memory at a time
                ImportFile.objects.bulk_create(batch)
                batch, batch_bytes = [], 0
        ImportFile.objects.bulk_create(batch)
        result = run_import_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


# --- the job ------------------------------------------------------------------------------


@task()
def run_import_job(job_id: int) -> str:
    """Import a job's files (the background worker runs it); returns the summary line."""
    started = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.WAITING).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not started:
        return f"import #{job_id} is not waiting: nothing done"
    try:
        with tempfile.TemporaryDirectory(prefix="authorprofiles-upload-") as folder:
            shown, paths = _unpack(job_id, Path(folder))
            files, others = find_page_files(paths)
            ImportJob.objects.filter(pk=job_id).update(files_total=len(files) + len(others))
            progress = _Progress(job_id, done=len(others))
            report = import_pages(files, on_progress=progress, batch_pages=UPLOAD_BATCH_PAGES)
            report.results[:0] = others
            summary = summary_line(report)
            _finish(job_id, report, summary, shown)
        return summary
    except BaseException as error:
        if isinstance(error, Exception):
            message = IMPORT_FAILED.format(error=f"{type(error).__name__}: {error}")
        else:
            message = WORKER_STOPPED
        logger.exception("import #%s failed", job_id)
        try:
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportJob.State.FAILED, finished_at=timezone.now(), error=message
            )
        except DatabaseError:
            logger.exception("import #%s: could not record the failure", job_id)
        raise
    finally:
        ImportFile.objects.filter(job_id=job_id).delete()


class _Shown:
    """Turns the temporary paths the importer names back into the uploaded names."""

    def __init__(self, folder: Path) -> None:
        self.prefixes: list[str] = []
        self.pattern = re.compile(re.escape(str(folder)) + r"/(\d+)/")

    def add(self, shown_folder: str) -> str:
        self.prefixes.append(shown_folder)
        return str(len(self.prefixes) - 1)

    def __call__(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.prefixes[int(m.group(1))], text)


def _unpack(job_id: int, folder: Path) -> tuple[_Shown, list[Path]]:
    """Write the job's page files, each in a folder of its own (two files of one name
    reach the importer, which tells them apart or refuses them as it does on disk)."""
    shown = _Shown(folder)
    paths = []
    stored = ImportFile.objects.filter(job_id=job_id).values_list("name", "content")
    for name, content in stored.iterator(chunk_size=20):
        data = bytes(content)  # memoryview on PostgreSQL
        refusals = _Refusals()
        members = _upload_members(name, io.BytesIO(data), len(data), refusals)
        if refusals.messages:  # checked at the upload: the limits changed since
            raise ValidationError(refusals.messages)
        for member, content in _contents(data, members):
            place = folder / shown.add(member.shown[: -len(member.name)])
            place.mkdir()
            (place / member.name).write_bytes(content)
            paths.append(place / member.name)
    return shown, paths


def _contents(data: bytes, members: list[_Member]) -> Iterator[tuple[_Member, bytes]]:
    if not members or members[0].info is None:
        yield from ((member, data) for member in members)
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            with archive.open(member.info) as file:
                # Never more than the size the archive declared (and the limits counted).
                content = file.read(member.size + 1)
            if len(content) > member.size:
                raise zipfile.BadZipFile(f"{member.shown} is larger than its archive says")
            yield member, content


class _Progress:
    """The importer's progress, written to the job's row at most every PROGRESS_SECONDS."""

    def __init__(self, job_id: int, done: int) -> None:
        self.job_id = job_id
        self.done = done
        self.written = time.monotonic()

    def __call__(self, files: int) -> None:
        self.done += files
        if time.monotonic() - self.written >= PROGRESS_SECONDS:
            ImportJob.objects.filter(pk=self.job_id).update(files_done=self.done)
            self.written = time.monotonic()


def _finish(job_id: int, report: ImportReport, summary: str, shown: _Shown) -> None:
    problems = [
        {"path": shown(r.path), "status": str(r.status), "reason": shown(r.reason)}
        for r in report.results
        if r.status in (FileStatus.REJECTED, FileStatus.SKIPPED)
    ]
    warnings = report.warnings
    ImportJob.objects.filter(pk=job_id).update(
        state=ImportJob.State.DONE,
        finished_at=timezone.now(),
        files_total=len(report.results),
        files_done=len(report.results),
        new=report.count(FileStatus.NEW),
        updated=report.count(FileStatus.UPDATED),
        unchanged=report.count(FileStatus.UNCHANGED),
        rejected=report.count(FileStatus.REJECTED),
        skipped=report.count(FileStatus.SKIPPED),
        problems=problems,
        warnings=[shown(w) for w in warnings[:WARNINGS_KEPT]],
        warnings_total=len(warnings),
        summary=summary,
    )
