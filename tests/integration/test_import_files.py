"""What the importer does with odd entries of a folder: names that are not UTF-8,
links, pipes and loops, and its reader processes when the import is killed."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalog.importing import FOLDER_AGAIN, FileStatus, find_page_files, import_pages
from catalog.models import SourcePage
from tests.benchmarks.corpus import write_corpus
from tests.integration.test_commands import SEED_SUMMARY, run_import
from tests.integration.test_import_concurrency import ROOT, sqlite_manage
from tests.pages import anonymous_page, write_page

NOT_UTF8 = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: the byte 0xe9 alone is not UTF-8


def _seeds_in(folder: Path, sample_page_files: list[Path]) -> Path:
    folder.mkdir(exist_ok=True)
    for path in sample_page_files:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.django_db
def test_import_seeds_rejects_a_name_that_is_not_utf8_and_imports_the_rest(
    tmp_path, sample_page_files
):
    folder = _seeds_in(tmp_path / "pages", sample_page_files)
    write_page(folder, NOT_UTF8, anonymous_page("Tony", ["An abstract under a Latin-1 name."]))

    code, out, err = run_import(str(folder))

    assert code == 1
    assert err == "rejected: caf\\xe9.txt: the file name is not valid UTF-8; rename the file\n"
    assert out == f"6 files: 5 new, 0 updated, 0 unchanged, 1 rejected. {SEED_SUMMARY}\n"


@pytest.mark.django_db
def test_import_seeds_lists_a_name_that_is_not_utf8_with_escapes(tmp_path, sample_page_files):
    folder = _seeds_in(tmp_path / "pages", sample_page_files[:1])
    write_page(folder, NOT_UTF8, anonymous_page("Tony", ["An abstract under a Latin-1 name."]))

    code, out, _ = run_import("-v", "2", str(folder))

    assert code == 1
    assert f" rejected  {folder}/caf\\xe9.txt" in out.splitlines()


@pytest.mark.django_db
def test_import_seeds_skips_a_link_to_a_file_outside_the_folders(tmp_path):
    folder, elsewhere = tmp_path / "pages", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    write_page(folder, "inside.txt", anonymous_page("Tony", ["An abstract inside."]))
    outside = write_page(elsewhere, "outside.txt", anonymous_page("Tony", ["Outside."]))
    (folder / "link.txt").symlink_to(outside)
    (folder / "passwd.txt").symlink_to("/etc/passwd")

    code, out, err = run_import(str(folder))

    assert code == 0
    assert err.splitlines() == [
        f"skipped: {folder}/link.txt: a link to {outside}, outside the folders given "
        "(--follow-links follows it)",
        f"skipped: {folder}/passwd.txt: a link to /etc/passwd, outside the folders given "
        "(--follow-links follows it)",
    ]
    assert out.startswith("3 files: 1 new, 0 updated, 0 unchanged, 0 rejected, 2 skipped. ")
    assert set(SourcePage.objects.values_list("source", flat=True)) == {"inside.txt"}


@pytest.mark.django_db
def test_import_seeds_follow_links_imports_a_link_outside_the_folders(tmp_path):
    folder, elsewhere = tmp_path / "pages", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    outside = write_page(elsewhere, "outside.txt", anonymous_page("Tony", ["Outside."]))
    (folder / "link.txt").symlink_to(outside)

    code, out, err = run_import("--follow-links", str(folder))

    assert (code, err) == (0, "")
    assert out.startswith("1 files: 1 new, 0 updated, 0 unchanged, 0 rejected. ")
    assert set(SourcePage.objects.values_list("source", flat=True)) == {"link.txt"}


def test_find_page_files_follows_links_inside_the_folders_given(tmp_path):
    folder, other = tmp_path / "pages", tmp_path / "other"
    (folder / "sub").mkdir(parents=True)
    other.mkdir()
    target = write_page(folder / "sub", "target.txt", anonymous_page("Tony", ["Inside."]))
    second = write_page(other, "second.txt", anonymous_page("Tony", ["In the second folder."]))
    (folder / "link.txt").symlink_to(target)
    (folder / "to-second.txt").symlink_to(second)
    (folder / "zz").symlink_to(folder / "sub")  # read after sub/: its files are listed once

    files, others = find_page_files([folder, other])

    assert sorted(str(p.relative_to(tmp_path)) for p in files) == [
        "other/second.txt",
        "pages/link.txt",
        "pages/sub/target.txt",
        "pages/to-second.txt",
    ]
    assert [(r.status, r.reason) for r in others] == [
        (FileStatus.SKIPPED, f"{folder}/zz: " + FOLDER_AGAIN.format(target=folder / "sub"))
    ]


@pytest.mark.django_db
def test_import_seeds_reports_what_is_not_a_regular_file_as_skipped(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    write_page(folder, "page.txt", anonymous_page("Tony", ["A page among odd things."]))
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "loop").symlink_to(folder)
    (folder / "self.txt").symlink_to(folder / "self.txt")

    code, out, err = run_import(str(folder))

    assert code == 0
    assert err.splitlines() == [
        f"skipped: {folder}/dangling.txt: a link to {tmp_path}/gone.txt, which does not exist",
        f"skipped: {folder}/loop: a link to {folder}, a folder that holds the link (a loop)",
        f"skipped: {folder}/pipe.txt: not a regular file but a named pipe (FIFO)",
        f"skipped: {folder}/self.txt: a link that leads back to itself",
    ]
    assert out.startswith("5 files: 1 new, 0 updated, 0 unchanged, 0 rejected, 4 skipped. ")


def test_find_page_files_skips_a_fifo_given_by_name_without_opening_it(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")

    files, others = find_page_files([tmp_path / "pipe.txt"])

    assert files == []
    assert [(r.status, r.reason) for r in others] == [
        (
            FileStatus.SKIPPED,
            f"{tmp_path}/pipe.txt: not a regular file but a named pipe (FIFO)",
        )
    ]


@pytest.mark.django_db
def test_import_pages_rejects_a_fifo_instead_of_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")

    report = import_pages([tmp_path / "pipe.txt"])

    assert [(r.status, r.reason) for r in report.results] == [
        (FileStatus.REJECTED, "pipe.txt: cannot read the file: not a regular file")
    ]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_import_seeds_reader_processes_exit_when_the_import_is_killed(tmp_path):
    write_corpus(tmp_path / "pages", 1500)
    manage, env = sqlite_manage(tmp_path / "db.sqlite3")
    importer = subprocess.Popen(
        [*manage, "import_seeds", "--no-progress", str(tmp_path / "pages")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (readers := _children(importer.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert readers, "the import started no reader process"
        time.sleep(0.5)
        readers = _children(importer.pid)

        os.kill(importer.pid, signal.SIGKILL)
        importer.wait()
        deadline = time.monotonic() + 5
        while any(map(_alive, readers)) and time.monotonic() < deadline:
            time.sleep(0.05)

        assert {pid for pid in readers if _alive(pid)} == set()
    finally:
        importer.kill()
        for pid in _children(importer.pid) | readers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
