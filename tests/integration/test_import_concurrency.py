"""Two imports at once over overlapping folders give the catalogue of one import after
the other; a catalogue that two racing imports left with one abstract on two papers
is repaired by the next import."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from catalog.importing import FileStatus, import_pages, run
from catalog.importing.matching import _Matcher
from catalog.management.commands.import_seeds import FOLDED
from catalog.models import Paper
from tests.benchmarks.corpus import write_corpus
from tests.integration.conftest import export_text
from tests.integration.test_commands import run_import
from tests.pages import anonymous_page, named_page, write_page

ROOT = Path(__file__).resolve().parents[2]
ABSTRACT = "We show that one abstract on two pages is one paper."


def sqlite_manage(database: Path) -> tuple[list[str], dict[str, str]]:
    """``manage.py`` and the environment for a command on a SQLite file (migrated)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not database.exists():
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    return manage, env


def _split_corpus(root: Path, pages: int, overlap: int) -> tuple[Path, Path]:
    """Two folders of generated pages sharing ``overlap`` files (copies, not links)."""
    write_corpus(root / "all", pages)
    files = sorted((root / "all").glob("*.txt"))
    half = (pages + overlap) // 2
    folders = (root / "left", root / "right")
    for folder, chosen in zip(folders, (files[:half], files[pages - half :]), strict=True):
        folder.mkdir()
        for path in chosen:
            shutil.copy(path, folder / path.name)
    return folders


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite test databases are in memory: the test with two processes runs instead",
)
@pytest.mark.django_db(transaction=True)
def test_import_two_at_once_gives_the_catalogue_of_one_after_the_other(tmp_path):
    left, right = _split_corpus(tmp_path, pages=400, overlap=200)
    start = threading.Barrier(2)
    reports = {}

    def import_folder(folder: Path) -> None:
        try:
            start.wait()
            reports[folder.name] = import_pages(
                sorted(folder.glob("*.txt")), batch_pages=25, workers=0
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_folder, args=(folder,)) for folder in (left, right)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    together = export_text()
    one_after_the_other = set()
    for order in ((left, right), (right, left)):
        call_command("flush", interactive=False, verbosity=0)
        for folder in order:
            import_pages(sorted(folder.glob("*.txt")), batch_pages=25, workers=0)
        one_after_the_other.add(export_text())

    assert {name: report.rejected for name, report in reports.items()} == {
        "left": [],
        "right": [],
    }
    # Same-name authors take their slugs in arrival order: the two orders may differ.
    assert together in one_after_the_other


def _split_by_a_race(folder: Path, monkeypatch) -> tuple[Path, Path]:
    """Two pages with one abstract imported as two racing imports did before the lock:
    the second did not see the first's paper, and made its own."""
    anonymous = write_page(folder, "anon.txt", anonymous_page("Tony", [ABSTRACT]))
    named = write_page(
        folder, "named.txt", named_page("Doe, Jane", [("One Paper", "AAAI", ABSTRACT)])
    )
    import_pages([anonymous])
    with monkeypatch.context() as patch:
        patch.setattr(_Matcher, "load_index", lambda self, plans: None)
        patch.setattr(run, "fold_split_papers", lambda: 0)  # as imports did before the repair
        import_pages([named])
    assert Paper.objects.live().count() == 2
    return anonymous, named


@pytest.mark.django_db(transaction=True)  # flush needs no open transaction on PostgreSQL
def test_import_again_folds_an_abstract_left_on_two_papers(tmp_path, monkeypatch):
    anonymous, named = _split_by_a_race(tmp_path, monkeypatch)

    report = import_pages([anonymous, named])

    assert [r.status for r in report.results] == [FileStatus.UNCHANGED, FileStatus.UNCHANGED]
    assert report.folded_papers == 1
    assert Paper.objects.live().count() == 1
    repaired = export_text()
    call_command("flush", interactive=False, verbosity=0)
    import_pages([anonymous])
    import_pages([named])
    assert repaired == export_text()


@pytest.mark.django_db
def test_import_seeds_again_says_how_many_papers_it_folded(tmp_path, monkeypatch):
    _split_by_a_race(tmp_path, monkeypatch)

    code, out, _ = run_import(str(tmp_path))

    assert code == 0
    assert out.splitlines()[0] == FOLDED.format(count=1)
    assert out.splitlines()[1].startswith("2 files: 0 new, 0 updated, 2 unchanged, 0 rejected. ")


# Imports the folders given, then exports the catalogue when the first argument says so.
# Small batches, so that two imports would interleave without the import lock; both
# start when the file argv[2] appears.
IMPORT_THEN_EXPORT = """
import sys, time, django
from pathlib import Path
django.setup()
from django.core.management import call_command
from catalog.importing import find_page_files, import_pages
while not Path(sys.argv[2]).exists():
    time.sleep(0.01)
for folder in sys.argv[3:]:
    assert not import_pages(find_page_files([folder])[0], batch_pages=25, workers=0).rejected
if sys.argv[1] == "export":
    call_command("export_catalog")
"""


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="on PostgreSQL the test with two threads runs"
)
def test_import_two_at_once_on_a_sqlite_file_gives_one_after_the_other(tmp_path):
    left, right = _split_corpus(tmp_path, pages=300, overlap=100)
    template = tmp_path / "template.sqlite3"
    sqlite_manage(template)

    def start(name: str, *folders: Path, export: bool = True) -> subprocess.Popen:
        """A Django process on its own copy of the database (or the copy already made)."""
        database = tmp_path / f"{name}.sqlite3"
        if not database.exists():
            shutil.copy(template, database)
        _, env = sqlite_manage(database)
        argv = ["export" if export else "-", str(go), *map(str, folders)]
        command = [sys.executable, "-c", IMPORT_THEN_EXPORT, *argv]
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE)

    go = tmp_path / "go"
    racing = [start("together", folder, export=False) for folder in (left, right)]
    orders = [start("left-right", left, right), start("right-left", right, left)]
    time.sleep(2)  # Django starts in each process
    go.touch()
    assert [process.wait(timeout=300) for process in racing] == [0, 0]
    together = start("together").communicate(timeout=300)[0]

    assert together in {process.communicate(timeout=300)[0] for process in orders}
