"""Curators' uploads (curation.uploads, curation.views.uploads): the form stores the
files and enqueues the import; the limits refuse with their messages; the worker
imports, records the progress, the rejected files and the summary, and deletes the
stored bytes; only curators see any of it."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from catalog.models import SourcePage
from curation import uploads
from curation.models import ImportFile, ImportJob
from curation.services import NOT_A_CURATOR
from curation.views.uploads import REFRESH_SECONDS
from tests.factories import ImportJobFactory
from tests.pages import anonymous_page

UPLOAD = "/curation/imports/new/"
JOBS = "/curation/imports/"
PAGE_000 = "000_66da5a788456bc5b.txt"
SEED_SUMMARY = (
    "5 files: 5 new, 0 updated, 0 unchanged, 0 rejected. "
    "Catalogue: 40 papers (24 titled, 16 abstract-only), 3 authors, 4 venues, "
    "28 authorships, 2 anonymous pages waiting for a curator."
)
EMPTY_REASON = "empty.txt: the file is empty; expected an author page"


def _seed_files(sample_page_files: list[Path]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/plain") for p in sample_page_files]


def _zip(
    name: str, members: dict[str, bytes], *, links: tuple[str, ...] = ()
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            info = zipfile.ZipInfo(member)
            info.compress_type = zipfile.ZIP_DEFLATED
            if member in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/zip")


def _errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


# --- uploading --------------------------------------------------------------------------


def test_upload_files_stores_them_and_enqueues_the_job(client, curator, sample_page_files):
    client.force_login(curator)
    files = _seed_files(sample_page_files[:2])

    response = client.post(UPLOAD, {"files": files})

    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/curation/imports/{job.pk}/"
    assert (job.state, job.files_total, job.files_done, job.created_by) == (
        "waiting",
        2,
        0,
        curator,
    )
    assert job.uploaded == ", ".join(p.name for p in sample_page_files[:2])
    assert [(f.position, f.name, bytes(f.content)) for f in ImportFile.objects.all()] == [
        (i, p.name, p.read_bytes()) for i, p in enumerate(sample_page_files[:2])
    ]
    assert (task.task_path, task.args_kwargs) == (
        "curation.uploads.run_import_job",
        {"args": [job.pk], "kwargs": {}},
    )
    assert job.task_id == str(task.id)


def test_upload_zip_counts_its_page_files(client, curator, sample_page_files):
    client.force_login(curator)
    members = {f"seeds/{p.name}": p.read_bytes() for p in sample_page_files}
    archive = _zip("pages.zip", {"seeds/": b"", **members, "__MACOSX/seeds/._000.txt": b"x"})

    client.post(UPLOAD, {"files": [archive]})

    job = ImportJob.objects.get()
    assert (job.uploaded, job.files_total) == ("pages.zip", 5)
    assert list(ImportFile.objects.values_list("name", flat=True)) == ["pages.zip"]


def test_upload_without_files_is_refused(client, curator):
    client.force_login(curator)

    response = client.post(UPLOAD, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": [uploads.NO_FILES]}
    assert ImportJob.objects.count() == 0


def test_upload_by_a_non_curator_is_refused_by_the_service(reader, sample_page_files):
    with pytest.raises(PermissionDenied) as error:
        uploads.start_import(actor=reader, files=_seed_files(sample_page_files))

    assert str(error.value) == NOT_A_CURATOR
    assert ImportJob.objects.count() == 0


# --- the limits -----------------------------------------------------------------------------


def test_upload_with_too_many_files_is_refused_while_read(
    client, curator, sample_page_files, settings
):
    """Our message, not Django's bare 400, even with Django's own cap just above ours."""
    settings.UPLOAD_MAX_FILES = 2
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client.force_login(curator)

    response = client.post(UPLOAD, {"files": _seed_files(sample_page_files)})

    assert response.status_code == 200
    assert _errors(response) == [
        uploads.TOO_MANY_FILES.format(name=sample_page_files[2].name, limit=2)
    ]
    assert (ImportJob.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_upload_too_large_is_refused_while_read(client, curator, sample_page_files, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(curator)

    response = client.post(UPLOAD, {"files": _seed_files(sample_page_files[:1])})

    assert _errors(response) == [
        uploads.TOO_MANY_BYTES.format(name=sample_page_files[0].name, limit=1000)
    ]
    assert ImportJob.objects.count() == 0


def test_upload_zip_with_too_many_files_is_refused(client, curator, sample_page_files, settings):
    settings.UPLOAD_MAX_FILES = 3
    client.force_login(curator)
    archive = _zip("pages.zip", {p.name: p.read_bytes() for p in sample_page_files})

    response = client.post(UPLOAD, {"files": [archive]})

    assert _errors(response) == [uploads.TOO_MANY_FILES.format(name="pages.zip", limit=3)]
    assert ImportJob.objects.count() == 0


def test_upload_zip_bomb_is_refused_by_its_unpacked_size(client, curator, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(curator)
    archive = _zip("bomb.zip", {"bomb.txt": b"a" * (2 * 1024 * 1024)})
    assert archive.size < 10_000

    response = client.post(UPLOAD, {"files": [archive]})

    assert _errors(response) == [uploads.TOO_MANY_BYTES.format(name="bomb.zip", limit=1024 * 1024)]
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../../outside.txt", uploads.UNSAFE_MEMBER),
        ("pages/../../outside.txt", uploads.UNSAFE_MEMBER),
        ("/etc/outside.txt", uploads.UNSAFE_MEMBER),
        ("C:/outside.txt", uploads.UNSAFE_MEMBER),
        ("..\\outside.txt", uploads.UNSAFE_MEMBER),
        ("link.txt", uploads.LINK_MEMBER),
    ],
)
def test_upload_zip_with_an_unsafe_member_is_refused(client, curator, member, message):
    client.force_login(curator)
    page = anonymous_page("Tony", ["Bees."]).encode()
    archive = _zip("pages.zip", {"ok.txt": page, member: page}, links=("link.txt",))

    response = client.post(UPLOAD, {"files": [archive]})

    assert _errors(response) == [message.format(name="pages.zip", member=member)]
    assert ImportJob.objects.count() == 0


def test_upload_of_a_binary_file_is_refused(client, curator, sample_page_files):
    client.force_login(curator)
    picture = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")

    response = client.post(UPLOAD, {"files": [*_seed_files(sample_page_files[:1]), picture]})

    assert _errors(response) == [uploads.NOT_TEXT.format(name="photo.png")]
    assert ImportJob.objects.count() == 0


def test_upload_of_a_broken_zip_is_refused(client, curator):
    client.force_login(curator)
    fake = SimpleUploadedFile("pages.zip", b"Tony\nAbstract:not a zip", "application/zip")

    response = client.post(UPLOAD, {"files": [fake]})

    assert _errors(response) == [
        uploads.BAD_ZIP.format(name="pages.zip", reason="File is not a zip file")
    ]


def test_upload_zip_of_hidden_files_only_is_refused(client, curator):
    client.force_login(curator)

    response = client.post(UPLOAD, {"files": [_zip("mac.zip", {"__MACOSX/._a.txt": b"x"})]})

    assert _errors(response) == [uploads.NO_PAGE_FILES]


def test_upload_checks_the_csrf_token_itself(curator, sample_page_files):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    response = client.post(UPLOAD, {"files": _seed_files(sample_page_files[:1])})

    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "reader", "curator"])
def test_upload_pages_permissions(client, who, reader, curator, sample_page_files):
    job = ImportJobFactory(created_by=curator)
    if who != "anonymous":
        client.force_login(reader if who == "reader" else curator)
    requests = {
        "form": ("get", UPLOAD, None),
        "upload": ("post", UPLOAD, {"files": _seed_files(sample_page_files[:1])}),
        "jobs": ("get", JOBS, None),
        "job": ("get", f"/curation/imports/{job.pk}/", None),
    }

    answers = {}
    for name, (method, url, data) in requests.items():
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        answers[name] = (response.status_code, response.get("Location"))

    new_job = ImportJob.objects.exclude(pk=job.pk).first()
    expected = {
        "anonymous": {
            name: (302, f"/accounts/login/?next={url}") for name, (_, url, _) in requests.items()
        },
        "reader": dict.fromkeys(requests, (403, None)),
        "curator": {
            "form": (200, None),
            "upload": (302, f"/curation/imports/{new_job.pk}/" if new_job else None),
            "jobs": (200, None),
            "job": (200, None),
        },
    }[who]
    assert answers == expected
    assert ImportJob.objects.count() == (2 if who == "curator" else 1)


# --- the job, end to end -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upload_job_imports_the_files_and_deletes_them(client, curator, sample_page_files):
    client.force_login(curator)
    response = client.post(UPLOAD, {"files": _seed_files(sample_page_files)})
    waiting = client.get(response["Location"])

    _run_worker()
    done = client.get(response["Location"])

    job = ImportJob.objects.get()
    assert waiting.context["job"].state == "waiting"
    assert waiting["Refresh"] == str(REFRESH_SECONDS)
    assert (job.state, job.error, job.summary) == ("done", "", SEED_SUMMARY)
    assert (job.files_total, job.files_done) == (5, 5)
    assert (job.new, job.updated, job.unchanged, job.rejected, job.skipped) == (5, 0, 0, 0, 0)
    assert job.problems == []
    assert job.started_at is not None
    assert job.finished_at >= job.started_at
    assert sorted(SourcePage.objects.values_list("source", flat=True)) == [
        p.name for p in sample_page_files
    ]
    assert ImportFile.objects.count() == 0
    assert "Refresh" not in done
    assert SEED_SUMMARY in done.content.decode()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_upload_job_shows_rejected_files_with_their_reasons(client, curator, sample_page_files):
    """From a zip: the file is named by its place in the archive, the reason as the
    importer gives it, the names escaped; two different files of one name are both
    refused, named by their places in the archive (never the worker's folder)."""
    client.force_login(curator)
    odd = "<img src=x onerror=alert(1)>.txt"
    archive = _zip(
        "pages.zip",
        {
            f"seeds/{PAGE_000}": sample_page_files[0].read_bytes(),
            "bad/empty.txt": b"",
            f"bad/{odd}": b"",
            "a/twin.txt": anonymous_page("Tony", ["One."]).encode(),
            "b/twin.txt": anonymous_page("Tony", ["Two."]).encode(),
        },
    )
    response = client.post(UPLOAD, {"files": [archive]})

    _run_worker()
    page = client.get(response["Location"])

    job = ImportJob.objects.get()
    twin = "twin.txt: two different files share this source name: pages.zip/a/twin.txt, "
    assert job.problems == [
        {"path": "pages.zip/bad/<img src=x onerror=alert(1)>.txt", "status": "rejected",
         "reason": f"{odd}: the file is empty; expected an author page"},
        {"path": "pages.zip/bad/empty.txt", "status": "rejected", "reason": EMPTY_REASON},
        {"path": "pages.zip/a/twin.txt", "status": "rejected",
         "reason": twin + "pages.zip/b/twin.txt"},
        {"path": "pages.zip/b/twin.txt", "status": "rejected",
         "reason": twin + "pages.zip/b/twin.txt"},
    ]  # fmt: skip
    assert (job.new, job.rejected) == (1, 4)
    assert job.summary.startswith("5 files: 1 new, 0 updated, 0 unchanged, 4 rejected. ")
    assert list(SourcePage.objects.values_list("source", flat=True)) == [PAGE_000]
    html = page.content.decode()
    assert "pages.zip/bad/empty.txt" in html
    assert EMPTY_REASON in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "<img src=x" not in html


@pytest.mark.django_db(transaction=True)
def test_upload_job_that_crashes_is_marked_failed(client, curator, sample_page_files, monkeypatch):
    def crash(files, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(uploads, "import_pages", crash)
    client.force_login(curator)
    response = client.post(UPLOAD, {"files": _seed_files(sample_page_files)})

    _run_worker()
    page = client.get(response["Location"])

    job = ImportJob.objects.get()
    message = uploads.IMPORT_FAILED.format(error="RuntimeError: the disk is on fire")
    assert (job.state, job.error, job.summary) == ("failed", message, "")
    assert job.finished_at is not None
    assert ImportFile.objects.count() == 0
    assert DBTaskResult.objects.get().status == "FAILED"
    assert message in page.content.decode()
    assert "Refresh" not in page


@pytest.mark.django_db(transaction=True)
def test_upload_job_records_progress_while_it_runs(client, curator, sample_page_files, monkeypatch):
    seen = []
    real_import = uploads.import_pages

    def observed(files, *, on_progress, batch_pages):
        on_progress(2)
        seen.append(ImportJob.objects.values_list("state", "files_done", "files_total").get())
        seen.append(batch_pages)
        return real_import(files, on_progress=on_progress, batch_pages=batch_pages)

    monkeypatch.setattr(uploads, "import_pages", observed)
    monkeypatch.setattr(uploads, "PROGRESS_SECONDS", 0)
    client.force_login(curator)
    client.post(UPLOAD, {"files": _seed_files(sample_page_files)})

    _run_worker()

    assert seen == [("running", 2, 5), uploads.UPLOAD_BATCH_PAGES]
    assert ImportJob.objects.get().state == "done"


def test_upload_job_runs_once(curator, sample_page_files):
    job = uploads.start_import(actor=curator, files=_seed_files(sample_page_files[:1]))
    ImportJob.objects.filter(pk=job.pk).update(state="running")

    answer = uploads.run_import_job.call(job.pk)

    assert answer == f"import #{job.pk} is not waiting: nothing done"
    assert SourcePage.objects.count() == 0


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("problems", [1, 60])
def test_upload_job_page_runs_a_fixed_number_of_queries(
    client, curator, problems, django_assert_num_queries
):
    job = ImportJobFactory(
        created_by=curator,
        rejected=problems,
        problems=[
            {"path": f"f{i}.txt", "status": "rejected", "reason": f"f{i}.txt: the file is empty"}
            for i in range(problems)
        ],
        warnings=[f"w{i}" for i in range(problems)],
        warnings_total=problems,
    )
    client.force_login(curator)

    with django_assert_num_queries(4):  # session, user, curator check, the job
        response = client.get(f"/curation/imports/{job.pk}/")

    assert response.content.decode().count("the file is empty") == problems
    assert "Refresh" not in response
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("jobs", [1, 30])
def test_upload_jobs_page_runs_a_fixed_number_of_queries(
    client, curator, jobs, django_assert_num_queries
):
    ImportJobFactory.create_batch(jobs, created_by=curator)
    client.force_login(curator)

    with django_assert_num_queries(5):  # session, user, curator check, count, the jobs
        response = client.get(JOBS)

    assert len(response.context["jobs"]) == jobs


@pytest.mark.parametrize("state", ["waiting", "running"])
def test_upload_job_page_reloads_while_the_job_is_not_finished(client, curator, state):
    job = ImportJobFactory(created_by=curator, state=state, files_total=10, files_done=3)
    client.force_login(curator)

    response = client.get(f"/curation/imports/{job.pk}/")

    assert response["Refresh"] == str(REFRESH_SECONDS)
    html = response.content.decode()
    if state == "running":
        assert '<progress id="job-progress" max="10" value="3">3 of 10</progress>' in html
    else:
        assert '<progress id="job-progress" max="10">waiting</progress>' in html


@pytest.mark.django_db(transaction=True)
def test_upload_end_to_end_the_dashboard_shows_the_new_pages(
    client, curator, sample_page_files, settings
):
    """Upload -> the worker imports -> the import asks for the queues -> the same worker
    computes them (only what changed) -> the dashboard lists the uploaded pages."""
    from curation import queues

    settings.QUEUE_PARTIAL_SECONDS = 0  # the worker runs the partial job at once

    client.force_login(curator)
    client.post(UPLOAD, {"files": _seed_files(sample_page_files)})
    _run_worker()
    before = client.get("/curation/").context["pages"]
    new_page = anonymous_page("Tony", ["Bumblebees count flowers in the rain."])

    client.post(UPLOAD, {"files": [SimpleUploadedFile("003a_new.txt", new_page.encode())]})
    _run_worker()
    after = client.get("/curation/")

    assert [i.page.source for i in before] == [
        "001_fa869cb8beed8520.txt",
        "004_ecb8618afa550e8b.txt",
    ]
    assert {i.page.source for i in after.context["pages"]} == {
        "001_fa869cb8beed8520.txt",
        "003a_new.txt",
        "004_ecb8618afa550e8b.txt",
    }
    assert after.context["queue_status"].full is False  # what changed, not everything
    jobs = DBTaskResult.objects.order_by("enqueued_at")
    assert [(r.task_path.rsplit(".", 1)[-1], r.status) for r in jobs] == [
        ("run_import_job", "SUCCESSFUL"),
        ("compute_queues_job", "SUCCESSFUL"),
        ("run_import_job", "SUCCESSFUL"),
        ("compute_queues_job", "SUCCESSFUL"),
    ]
    assert queues.status().waiting is False
