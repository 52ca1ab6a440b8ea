"""The management commands other tools rely on: import_seeds and export_catalog."""

import csv
import io
import json
import shutil

import pytest
from django.core.management import call_command

from catalog.models import SourcePage
from tests.integration.conftest import export_text
from tests.pages import write_page

SEED_SUMMARY = (
    "Catalogue: 40 papers (24 titled, 16 abstract-only), 3 authors, 4 venues, "
    "28 authorships, 2 anonymous pages waiting for a curator."
)


def run_import(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_seeds", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_seeds_without_path_imports_the_sample_pages():
    code, out, err = run_import()

    assert (code, err) == (0, "")
    assert out == f"5 files: 5 new, 0 updated, 0 unchanged, 0 rejected. {SEED_SUMMARY}\n"


@pytest.mark.django_db
def test_import_seeds_again_says_unchanged(sample_pages_dir):
    run_import(str(sample_pages_dir))

    code, out, _ = run_import(str(sample_pages_dir))

    assert code == 0
    assert out.startswith("5 files: 0 new, 0 updated, 5 unchanged, 0 rejected.")


@pytest.mark.django_db
def test_import_seeds_with_bad_files_exits_1_and_names_them(tmp_path, sample_page_files):
    for path in sample_page_files:
        shutil.copy(path, tmp_path / path.name)
    write_page(tmp_path, "empty.txt", b"")
    write_page(tmp_path, "latin1.txt", "Tony\nAbstract:caf\u00e9".encode("latin-1"))

    code, out, err = run_import(str(tmp_path))

    assert code == 1
    assert err.splitlines() == [
        "rejected: empty.txt: the file is empty; expected an author page",
        "rejected: latin1.txt, line 2: byte 0xe9 at column 13 is not UTF-8; expected UTF-8 "
        "text (was the page saved in another encoding?)",
    ]
    assert out == f"7 files: 5 new, 0 updated, 0 unchanged, 2 rejected. {SEED_SUMMARY}\n"
    assert SourcePage.objects.count() == 5


@pytest.mark.django_db
def test_import_seeds_missing_path_is_rejected(tmp_path):
    code, _, err = run_import(str(tmp_path / "nope.txt"))

    assert code == 1
    assert err == "rejected: no such file or folder\n"


@pytest.mark.django_db
def test_import_seeds_prints_warnings_for_oddities(tmp_path):
    write_page(
        tmp_path,
        "p.txt",
        "Goto\n\nCollaborating Authors\n\n\u00a0One, Ann\n\n\nTitle\n\nVenue",
    )

    code, _, err = run_import(str(tmp_path))

    assert code == 0
    assert err == "warning: p.txt, line 8: entry 'Title' has no abstract\n"


def test_export_catalog_json_lists_every_section(imported_seeds):
    out = io.StringIO()

    call_command("export_catalog", stdout=out)

    data = json.loads(out.getvalue())
    assert {name: len(items) for name, items in data.items()} == {
        "authors": 3,
        "papers": 40,
        "venues": 4,
        "pages": 5,
        "authorships": 28,
    }
    page = next(p for p in data["pages"] if p["source"] == "001_fa869cb8beed8520.txt")
    assert (page["kind"], page["label"], page["author"], len(page["entries"])) == (
        "anonymous",
        "Tony",
        None,
        10,
    )


def test_export_catalog_to_file_equals_stdout(imported_seeds, tmp_path):
    target = tmp_path / "catalog.json"

    call_command("export_catalog", "--output", str(target), stderr=io.StringIO())

    assert target.read_text(encoding="utf-8") == export_text("json")


def test_export_catalog_jsonl_has_one_record_per_line(imported_seeds):
    lines = export_text("jsonl").splitlines()

    types = [json.loads(line)["type"] for line in lines]
    assert {t: types.count(t) for t in set(types)} == {
        "author": 3,
        "paper": 40,
        "venue": 4,
        "page": 5,
        "authorship": 28,
    }


def test_export_catalog_csv_rows_parse_back(imported_seeds):
    rows = list(csv.DictReader(io.StringIO(export_text("csv"))))

    sutskever = next(r for r in rows if r["type"] == "author" and r["key"] == "sutskever-ilya")
    assert len(rows) == 80
    assert sutskever["name"] == "Ilya Sutskever"
    assert len(sutskever["papers"].split(" | ")) == 10


@pytest.mark.django_db
def test_import_seeds_lists_20_warnings_then_counts_the_rest(tmp_path):
    for n in range(25):
        write_page(
            tmp_path,
            f"p{n:02d}.txt",
            f"Goto\n\nCollaborating Authors\n\n\u00a0A{n}, B\n\n\nT{n}\n\nV",
        )

    code, _, err = run_import(str(tmp_path))

    lines = err.splitlines()
    assert code == 0
    assert len(lines) == 21
    assert lines[-1] == "... and 5 more warnings (-v 2 lists them all)"


def test_compute_queues_fills_the_cache_the_dashboard_reads(
    imported_seeds, django_assert_num_queries
):
    from curation import queues as curation_queues

    out = io.StringIO()
    call_command("compute_queues", stdout=out)

    with django_assert_num_queries(3):  # the checks for changes since
        queues = curation_queues.queues("pages", "mixed")
    assert out.getvalue().startswith("Queues computed in full in ")
    assert out.getvalue().endswith("s: 2 pages, 0 paper_pairs, 0 author_pairs, 1 mixed.\n")
    assert [item.page.source for item in queues["pages"].items] == [
        "001_fa869cb8beed8520.txt",
        "004_ecb8618afa550e8b.txt",
    ]
