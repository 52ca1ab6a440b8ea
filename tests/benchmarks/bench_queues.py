"""Benchmark the curators' queue computation (curation/queues.py) at 100k papers: in
full, then only what changed after 100 new pages and after 100 curator actions.

    .venv/bin/python tests/benchmarks/bench_queues.py --db /tmp/finders100k.sqlite3
    .venv/bin/python tests/benchmarks/bench_queues.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve

The run writes to the catalogue, so it works on a copy: a file copy of the SQLite
catalogue (built by bench_finders.py --only timing --db, or here when missing), or
on PostgreSQL ``CREATE DATABASE ... TEMPLATE`` of a catalogue built by
bench_serve.py. After each partial computation a full one runs too, and the two
are compared queue by queue (same items, same order, same scores).

The 100 new pages: anonymous pages of 100 authors (3 of the author's abstracts
and one new abstract each), imported as ``import_seeds`` would. The 100 actions,
as a curator works down the queues: pages assigned to their first suggestion,
duplicate papers merged, author pairs dismissed, and a few undone.
Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

COPY = "bench_queues_copy"


def _env(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only",
        "DATABASE_URL": database_url,
        "QUEUE_CACHE_DIR": str(workdir / "queue-cache"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/finders100k.sqlite3", help="SQLite catalogue")
    parser.add_argument("--database-url", help="a PostgreSQL catalogue (copied as a template)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="bench-queues-") as tmp:
        workdir = Path(tmp)
        if args.database_url:
            server, _, source = args.database_url.rpartition("/")
            admin = f"{server}/postgres"
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {COPY}"], check=True)
            subprocess.run(
                ["psql", admin, "-qc", f"CREATE DATABASE {COPY} TEMPLATE {source}"], check=True
            )
            url = f"{server}/{COPY}"
        else:
            db = Path(args.db)
            if not db.exists():
                subprocess.run(
                    [
                        sys.executable,
                        str(ROOT / "tests/benchmarks/bench_finders.py"),
                        "--only",
                        "timing",
                        "--db",
                        str(db),
                    ],
                    check=True,
                )
            copy = workdir / "catalog.sqlite3"
            shutil.copyfile(db, copy)
            url = f"sqlite:///{copy}"
        try:
            command = [sys.executable, __file__, "--child", "--seed", str(args.seed)]
            subprocess.run(command, env=_env(url, workdir), cwd=ROOT, check=True)
        finally:
            if args.database_url:
                subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {COPY}"])


def child(seed: int) -> None:
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    from catalog.selectors import catalogue_figures

    call_command("migrate", verbosity=0)
    caches["queues"].clear()
    f = catalogue_figures()
    print(
        f"{connection.vendor}: {f.papers:,} papers, {f.authors:,} authors, "
        f"{f.unassigned_pages:,} anonymous pages waiting"
    )
    print(f"\n{'computation':<44} {'s':>7} {'records':>8}  queue sizes")
    _computed("full, nothing stored", full=True)
    _read()
    rng = random.Random(seed)
    started = time.perf_counter()
    _new_pages(rng, 100)
    print(f"{'(import of 100 new pages)':<44} {time.perf_counter() - started:>7.2f}")
    _compare("after 100 new pages")
    _actions(100)
    _compare("after 100 curator actions")


def _computed(label: str, *, full: bool):
    from curation import queues

    state = queues.compute(full=full)
    sizes = " / ".join(
        f"{len(items)} {name} {state.timings[name]:.1f}s" for name, items in state.items.items()
    )
    print(f"{label:<44} {state.seconds:>7.2f} {state.changed_records:>8}  {sizes}", flush=True)
    return state


def _read() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from curation import queues

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        queues.queues(*queues.QUEUE_LENGTH)
        took = time.perf_counter() - started
    print(f"{'read by the dashboard (no finder)':<44} {took:>7.3f} {len(captured):>8} queries")


def _identity(name: str, item) -> tuple:
    if name == "pages":
        return (
            item.page.pk,
            item.recommendation,
            tuple((s.author.pk, s.probability) for s in item.suggestions),
        )
    if name == "mixed":
        return (item.author.pk, item.separation)
    return (item.first.id, item.second.id, item.score)


def _compare(label: str) -> None:
    from curation import queues

    partial = _computed(f"partial, {label}", full=False)
    full = _computed(f"full, {label}", full=True)
    for name, length in queues.QUEUE_LENGTH.items():
        mine = [_identity(name, i) for i in partial.items[name]]
        theirs = [_identity(name, i) for i in full.items[name]]
        if mine[:length] != theirs[:length]:
            extra = [i for i in mine[:length] if i not in theirs[:length]]
            missing = [i for i in theirs[:length] if i not in mine[:length]]
            print(f"  {name}: shown part differs; only partial: {extra}; only full: {missing}")
        elif mine != theirs:
            print(
                f"  {name}: shown part ({length}) equal; kept beyond it: "
                f"{len(mine) - length} partial, {len(theirs) - length} full"
            )
    print(f"  partial {partial.seconds:.2f}s = {partial.seconds / full.seconds:.0%} of full")


def anonymous_pages_of_authors(rng: random.Random, count: int, note: str) -> list[str]:
    """``count`` anonymous pages (label "Tony") of authors of 3 papers or more, each with
    3 of the author's abstracts and one new abstract: what a scrape of an author nobody
    named yet brings. Django must be set up."""
    from django.db.models import Count

    from catalog.models import Author, Authorship

    authors = list(
        Author.objects.live()
        .annotate(n=Count("authorships"))
        .filter(n__gte=3)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pages = []
    for n, author_id in enumerate(rng.sample(authors, count)):
        abstracts = list(
            Authorship.objects.filter(author_id=author_id, paper__merged_into=None)
            .exclude(paper__abstract="")
            .order_by("paper_id")
            .values_list("paper__abstract", flat=True)[:3]
        )
        abstracts.append(f"A new study, number {n}, {note}.")
        pages.append("\n".join(["Tony", *(f"Abstract:{a}" for a in abstracts)]))
    return pages


def _new_pages(rng: random.Random, count: int) -> None:
    from catalog.importing import find_page_files, import_pages

    with tempfile.TemporaryDirectory(prefix="bench-queues-pages-") as tmp:
        for n, text in enumerate(anonymous_pages_of_authors(rng, count, "of bench queues")):
            Path(tmp, f"zz_bench_{n:03}.txt").write_text(text, encoding="utf-8")
        files, _ = find_page_files([Path(tmp)])
        import_pages(files)


def _actions(count: int) -> None:
    from django.contrib.auth import get_user_model

    from curation import queues, services
    from curation.access import ensure_curators_group

    curator, _ = get_user_model().objects.get_or_create(username="bench-curator")
    curator.groups.add(ensure_curators_group())
    found = queues.queues(*queues.QUEUE_LENGTH)
    done = []
    for item in found["pages"].items:
        if len(done) >= count // 2 or not item.suggestions:
            continue
        author = item.suggestions[0].author
        done.append(services.assign_page(page=item.page, author=author, actor=curator))
    for pair in found["paper_pairs"].items[:10]:
        if len(done) < count:
            try:
                done.append(
                    services.merge_papers(
                        survivor=_paper(pair.first.id),
                        others=[_paper(pair.second.id)],
                        actor=curator,
                    )
                )
            except Exception:  # noqa: BLE001 - a pair an earlier merge took a side of
                continue
    for pair in found["author_pairs"].items:
        if len(done) >= count - 5:
            break
        done.append(
            services.dismiss_pair(
                kind="author", first=pair.first, second=pair.second, actor=curator
            )
        )
    for action in done[:: max(1, len(done) // 5)][:5]:
        done.append(services.undo_action(action=action, actor=curator))
    print(f"{f'({len(done)} curator actions)':<44}")


def _paper(pk: int):
    from catalog.models import Paper

    return Paper.objects.get(pk=pk)


if __name__ == "__main__":
    main()
