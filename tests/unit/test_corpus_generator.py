"""The benchmark corpus generator (tests/benchmarks/corpus.py) is deterministic and
writes pages the real parser reads."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from catalog.parsing import parse_page
from tests.benchmarks.corpus import generate, write_corpus

PAGES = 80


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_pages_and_seed_give_identical_bytes(tmp_path):
    first = write_corpus(tmp_path / "a", PAGES, seed=7)
    second = write_corpus(tmp_path / "b", PAGES, seed=7)

    assert first == second
    files = _files(tmp_path / "a")
    assert len(files) == PAGES
    assert files == _files(tmp_path / "b")
    assert {name: text.encode() for name, text in generate(PAGES, seed=7)} == files


def _digest(pages: int, seed: int) -> str:
    digest = hashlib.sha256()
    for name, text in generate(pages, seed):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def test_the_corpus_does_not_depend_on_the_hash_seed():
    """Another process, another PYTHONHASHSEED: the same bytes."""
    code = (
        "import hashlib\n"
        "from tests.benchmarks.corpus import generate\n"
        "d = hashlib.sha256()\n"
        f"for n, t in generate({PAGES}, 5):\n"
        "    d.update(n.encode() + b'\\0' + t.encode() + b'\\0')\n"
        "print(d.hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    other = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == _digest(PAGES, 5)


def test_another_seed_gives_another_corpus(tmp_path):
    write_corpus(tmp_path / "a", PAGES, seed=7)
    write_corpus(tmp_path / "b", PAGES, seed=8)

    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_every_page_parses_and_the_counts_match(tmp_path):
    stats = write_corpus(tmp_path, PAGES, seed=3)

    pages = [parse_page(p.read_bytes(), p.name) for p in sorted(tmp_path.iterdir())]
    entries = [e for page in pages for e in page.entries]
    named = [page for page in pages if page.kind == "named"]
    assert (stats.pages, stats.entries) == (len(pages), len(entries))
    assert stats.named_pages == len(named)
    assert stats.anonymous_pages == len(pages) - len(named) > 0
    assert stats.titled_entries == sum(1 for e in entries if e.title)
    assert stats.entries_without_abstract == sum(1 for e in entries if not e.abstract)
    assert all(page.label == "Tony" for page in pages if page.kind == "anonymous")
    assert all(
        not e.title and not e.venue for p in pages if p.kind == "anonymous" for e in p.entries
    )
    assert stats.bytes == sum(p.stat().st_size for p in tmp_path.iterdir())
