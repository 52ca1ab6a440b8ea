"""Benchmark the pages that show one hostile page file: time and memory per request.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_bounded.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_bounded \\
        .venv/bin/python tests/benchmarks/bench_bounded.py      # an empty database

A named page just under the 10 MB import limit with 12,284 entries, in two shapes:
"distinct" (12,284 papers) and "shared" (every entry has the same abstract: one paper
claimed 12,284 times). Each shape is imported into its own fresh catalogue (a
temporary SQLite file, or the given PostgreSQL database, flushed first), then every
page that shows it (public pages, API, admin) is requested in-process with Django's
test client, DEBUG off, the page cache off, signed in as a superuser: one warm-up,
then five timed requests, then one traced. Prints the median wall time and the
peak of memory the traced request allocated (tracemalloc: Python objects, the
database driver's buffers included), and the targets (under 200 ms and 100 MB).
Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RUNS = 5


def worker(shape: str) -> None:
    # Test settings: static files from the finders (no collectstatic), DEBUG off.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from catalog.importing import import_pages
    from tests.integration.test_bounded_requests import _entries, _urls
    from tests.pages import named_page, write_page

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    with tempfile.TemporaryDirectory() as folder:
        text = named_page("Hostile, Page", _entries(shape))
        started = time.perf_counter()
        import_pages([write_page(Path(folder), "huge.txt", text)])
        imported = time.perf_counter() - started
    admin = get_user_model().objects.create_superuser("bench", "", "bench-password-long")
    client = Client()
    client.force_login(admin)
    print(
        f"\n[{shape}] {len(text.encode()):,} bytes, 12,284 entries, imported in {imported:.1f}s "
        f"({connection.vendor})"
    )
    print(f"  {'page':<20} {'status':>6} {'median ms':>10} {'peak MB':>8}  target <200 ms, <100 MB")
    for name, url in _urls().items():
        client.get(url)  # warm-up
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        tracemalloc.start()  # apart: tracing slows every allocation down
        client.get(url)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        median = statistics.median(times)
        flag = "" if median < 200 and peak < 100 else "  MISSED"
        print(
            f"  {name:<20} {response.status_code:>6} {median:>10.1f} {peak:>8.1f}{flag}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=["distinct", "shared"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.shape:
        worker(args.shape)
        return
    for shape in ("distinct", "shared"):
        with tempfile.TemporaryDirectory(prefix="bench-bounded-") as tmp:
            env = {
                **os.environ,
                "DEBUG": "false",
                "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            }
            env.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'catalog.sqlite3'}")
            subprocess.run(
                [sys.executable, __file__, "--shape", shape], env=env, cwd=ROOT, check=True
            )


if __name__ == "__main__":
    main()
