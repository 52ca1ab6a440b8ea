"""Benchmark what readers and mirroring programs ask for at scale (issue 14's parts).

    cd /work/main && .venv/bin/python tests/benchmarks/bench_readers.py \\
        --db /tmp/finders100k.sqlite3
    .venv/bin/python tests/benchmarks/bench_readers.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve

On a catalogue built by ``bench_finders.py`` / ``bench_serve.py`` (100,438 papers, the
prolific author of 2,000 papers and 300 co-authors): in-process requests with
Django's test client, DEBUG off, the page cache off, each one warm-up then five
timed runs (median wall time, queries of the last run):

- the prolific author's profile (50 papers, 60 co-authors, the co-author picture);
- their citations as BibTeX, RIS and CSL-JSON (all 2,000 papers);
- the author list searched by a name several authors share (the disambiguation);
- the change feed's first page and a page 200,000 events deep (``--events``
  events are added first, in a transaction rolled back at the end: the
  catalogue is left as it was), to show that depth costs nothing.

Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RUNS = 5


def _time(client, url: str, **headers) -> tuple[float, int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **headers)
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries), response.status_code, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file of the catalogue")
    parser.add_argument("--database-url", help="or any database URL")
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{args.db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from catalog.models import Author, ChangeEvent

    client = Client(HTTP_HOST="localhost")
    prolific = Author.objects.get(slug="prolific-paula")
    shared = (
        Author.objects.filter(merged_into__isnull=True, has_papers=True)
        .values("sort_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "sort_key")
        .first()
    )
    namesake = Author.objects.filter(sort_key=shared["sort_key"]).first() if shared else None
    rows = [("profile of 2,000 papers, 300 co-authors", prolific.get_absolute_url(), {})]
    for fmt in ("bibtex", "ris", "csl-json"):
        url = f"/api/authors/{prolific.slug}/citations/?format={fmt}"
        rows.append((f"citations of 2,000 papers, {fmt}", url, {}))
    if namesake is not None:
        rows.append(
            (
                f"author search, {shared['n']} people named {namesake.display_name}",
                f"/authors/?q={namesake.display_name}",
                {},
            )
        )
    print(f"{'request':<52} {'median ms':>10} {'queries':>8} {'status':>7} {'bytes':>10}")
    for label, url, headers in rows:
        median, queries, status, size = _time(client, url, **headers)
        print(f"{label:<52} {median:>10.1f} {queries:>8} {status:>7} {size:>10,}")
    with transaction.atomic():
        base = ChangeEvent.objects.count()
        ChangeEvent.objects.bulk_create(
            (
                ChangeEvent(kind="edited", summary=f"event {i}", data={}, records={})
                for i in range(args.events)
            ),
            batch_size=5000,
        )
        last = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first()
        for label, after in (("first", 0), ("deep", last - 150)):
            median, queries, status, size = _time(
                client, f"/api/changes/?after={after}&page_size=100"
            )
            print(
                f"{'change feed, ' + label + ' page of ' + str(base + args.events) + ' events':<52}"
                f" {median:>10.1f} {queries:>8} {status:>7} {size:>10,}"
            )
        median, queries, status, size = _time(client, "/changes.atom")
        print(f"{'/changes.atom':<52} {median:>10.1f} {queries:>8} {status:>7} {size:>10,}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
