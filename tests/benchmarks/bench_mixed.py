"""Benchmark a mixed load: anonymous readers and a curator at once, gunicorn with 2 workers.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_mixed.py     # /tmp/serve100k.sqlite3
    .venv/bin/python tests/benchmarks/bench_mixed.py --seconds 10 --warmup 5 --modes record
    .venv/bin/python tests/benchmarks/bench_mixed.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve     # PostgreSQL

Runs on a copy of the catalogue of bench_serve.py (100,438 papers), never on the
database given: a SQLite file (``--sqlite``, or a sqlite:/// ``--database-url``) is
copied into a temporary folder (built there first by bench_serve's ``ensure_catalogue``
when the file does not exist); a PostgreSQL database NAME is copied with
``CREATE DATABASE NAME_mixed TEMPLATE NAME`` (retried while another session is
connected to NAME), dropped at the end. Each key mode gets a fresh copy, so both
modes start from the same data and the seeded choices below repeat.

For each mode of ``--modes`` (the page cache's ``PAGE_CACHE_KEY``: ``record``, each
profile or paper page under its own record's version; ``catalogue``, the earlier
global key, every page under the catalogue's last change), gunicorn serves the copy
(2 workers, ``PAGE_CACHE_SECONDS=600``) and two processes run at once for
``--warmup`` then ``--seconds`` seconds:

- readers, one process with ``--connections`` threads, each with its own
  ``http.client`` connection, anonymous (no cookies): each request picks a kind
  (profile, paper page, search; ``--mix``, default 0.45/0.45/0.10), then an address
  of that kind with Zipf popularity (rank r has weight 1/r^s, ``--zipf`` s) from a
  fixed, seeded list: 2,000 live authors with at least one paper, 2,000 live papers,
  200 searches of two words of one paper title. Each request's latency, status and
  ``X-Page-Cache`` header (hit or miss) are kept;
- a curator (Django set up in its own process, a user of the curators group): one
  action every ``--action-interval`` seconds, in rotation: merge two live authors of
  1-5 papers, split one paper off an author of at least 2 papers (to a new author of
  the same name), assign an unassigned anonymous page to a live author, and undo one
  of its earlier actions not undone yet (chosen at random). A ``ValidationError`` is
  a refused action, any other exception an error; neither stops the curator.

Prints, per mode, the readers' requests, req/s, errors (5xx and connection errors;
4xx and 3xx apart; a merged author's profile answers 301), p50/p90/p99 latency,
page-cache hit ratio (hits / (hits + misses) of the answers that carry the header)
overall and per kind, and the curator's actions done, refused and failed with their
median time; the warm-up's requests and hit ratio apart (not in the main figures).
Then a table comparing the modes. The page cache is in each worker's memory, so an
address misses up to once per worker. gunicorn's and the curator's standard error go
to files under ``--log-dir``, grepped for tracebacks after each run. The load
generator shares the machine (2 cores here) with the server; the cores used in the
measured window by the server, the readers, the curator and everything else
(``others``, from /proc: other processes, and kernel work such as loopback traffic
not charged to a process; on PostgreSQL, the database server's own work) are printed:
a run with busy neighbours is not comparable. ``--settings`` runs server and curator
with another settings module (one on PYTHONPATH that imports config.settings.base and
changes one thing, e.g. the page cache's size), to try a change without editing them.
Figures only, no assertions. Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_serve import (  # noqa: E402
    PROLIFIC,
    catalogue_env,
    ensure_catalogue,
    manage,
    serve,
    stop,
)

KINDS = ("profile", "paper", "search")
ACTIONS = ("merge", "split", "assign", "undo")
WORD = re.compile(r"[a-z]{4,}")
TRACE = re.compile(r"Traceback|\"level\": \"(ERROR|CRITICAL)\"|WORKER TIMEOUT|\[CRITICAL\]")


# --- run in child processes (spawned: Django is set up there, never in the parent) ---


def _setup_django(env: dict[str, str], stderr_path: str | None = None) -> None:
    if stderr_path:  # the child's logs (JSON lines) go to a file, not the report
        log = open(stderr_path, "a")  # noqa: SIM115 - open for the process's lifetime
        os.dup2(log.fileno(), 2)
        sys.stderr = log
    os.environ.update(env)
    import django

    django.setup()


def sample_addresses(env: dict[str, str], seed: int, counts: dict[str, int]) -> dict:
    """The readers' addresses, by kind, in popularity order (seeded)."""
    _setup_django(env)
    from django.db import connection
    from django.db.models import Exists, OuterRef

    from catalog.models import Author, Authorship, Paper

    rng = random.Random(seed)
    with_papers = Exists(
        Authorship.objects.filter(author=OuterRef("pk"), paper__merged_into__isnull=True)
    )
    authors = sorted(Author.objects.live().filter(with_papers).values_list("slug", flat=True))
    profiles = rng.sample(authors, min(counts["profile"], len(authors)))
    paper_ids = sorted(Paper.objects.live().values_list("pk", flat=True))
    chosen = rng.sample(paper_ids, min(counts["paper"], len(paper_ids)))
    slugs = dict(Paper.objects.filter(pk__in=chosen).values_list("pk", "slug"))
    papers = [slugs[pk] for pk in chosen]
    titled = sorted(Paper.objects.live().exclude(title="").values_list("pk", flat=True))
    searches: list[str] = []
    for _ in range(20):  # batches of titles until there are enough searches
        if len(searches) >= counts["search"]:
            break
        batch = rng.sample(titled, min(1000, len(titled)))
        titles = dict(Paper.objects.filter(pk__in=batch).values_list("pk", "title"))
        for pk in batch:
            words = sorted(set(WORD.findall(titles[pk].lower())))
            if len(words) < 2:
                continue
            query = "+".join(rng.sample(words, 2))
            if query not in searches:
                searches.append(query)
            if len(searches) >= counts["search"]:
                break
    connection.close()
    return {
        "profile": [f"/authors/{s}/" for s in profiles],
        "paper": [f"/papers/{s}/" for s in papers],
        "search": [f"/search/?q={q}" for q in searches],
    }


def read_load(
    port: int,
    addresses: dict[str, list[str]],
    mix: list[float],
    zipf: float,
    connections: int,
    seed: int,
    ready,
    schedule,
    out_path: str,
) -> None:
    """Readers: ``connections`` threads until the schedule's end; writes every request."""
    cumulative = {
        kind: list(itertools.accumulate(1 / r**zipf for r in range(1, len(urls) + 1)))
        for kind, urls in addresses.items()
    }
    ready.set()
    start, warm_end, end = schedule.get()
    records: list[list] = []  # [start offset s, kind, ms, status, cache header]
    lock = threading.Lock()

    def reader(index: int) -> None:
        rng = random.Random(f"{seed}-reader-{index}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.time() < start:
            time.sleep(0.005)
        while (now := time.time()) < end:
            kind = rng.choices(KINDS, weights=mix)[0]
            path = rng.choices(addresses[kind], cum_weights=cumulative[kind])[0]
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status, cache = response.status, response.getheader("X-Page-Cache")
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                status, cache = 0, None
                conn.close()
            mine.append(
                [now - start, kind, (time.perf_counter() - began) * 1000, status, cache, path]
            )
        conn.close()
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Path(out_path).write_text(json.dumps({"records": records, "warmup": warm_end - start}))


def curate(
    env: dict[str, str],
    seed: int,
    interval: float,
    ready,
    schedule,
    out_path: str,
    stderr_path: str,
) -> None:
    """The curator: one action every ``interval`` seconds until the schedule's end."""
    _setup_django(env, stderr_path)
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.db.models import Count

    from catalog.models import Author, Authorship, Paper, SourcePage
    from curation import services
    from curation.access import ensure_curators_group
    from curation.models import CurationAction

    user, _ = get_user_model().objects.get_or_create(username="bench-mixed-curator")
    user.groups.add(ensure_curators_group())
    rng = random.Random(f"{seed}-curator")
    papers_of = dict(
        Authorship.objects.live()
        .values("author")
        .annotate(n=Count("pk"))
        .values_list("author", "n")
    )
    family = PROLIFIC.split(",")[0]
    prolific = set(Author.objects.filter(family_name=family).values_list("pk", flat=True))
    live = sorted(a for a in papers_of if a not in prolific)
    small = [a for a in live if papers_of[a] <= 5]
    splittable = [a for a in live if papers_of[a] >= 2]
    pages = sorted(SourcePage.objects.filter(author__isnull=True).values_list("pk", flat=True))
    for pool in (small, splittable, pages):
        rng.shuffle(pool)
    small_left, split_left, pages_left = iter(small), iter(splittable), iter(pages)
    done_actions: list[int] = []
    candidates = {"small": len(small), "splittable": len(splittable), "pages": len(pages)}
    connection.close()

    def live_author(ids) -> Author:
        for pk in ids:
            author = Author.objects.filter(pk=pk, merged_into__isnull=True).first()
            if author is not None:
                return author
        raise LookupError("no candidate author left")

    def merge() -> CurationAction:
        survivor = live_author(small_left)
        other = live_author(small_left)
        return services.merge_authors(survivor=survivor, others=[other], actor=user)

    def split() -> CurationAction:
        for _ in range(50):
            author = live_author(split_left)
            paper_ids = sorted(
                Authorship.objects.live().filter(author=author).values_list("paper_id", flat=True)
            )
            if len(paper_ids) >= 2:
                break
        paper = Paper.objects.get(pk=rng.choice(paper_ids))
        name = services.NewAuthor(
            family_name=author.family_name or author.display_name, given_name=author.given_name
        )
        return services.split_author(author=author, papers=[paper], actor=user, new_author=name)

    def assign() -> CurationAction:
        for pk in pages_left:
            page = SourcePage.objects.filter(pk=pk, author__isnull=True).first()
            if page is not None:
                break
        else:
            raise LookupError("no unassigned page left")
        author = live_author(rng.sample(live, 20))
        return services.assign_page(page=page, actor=user, author=author)

    def undo() -> CurationAction:
        if not done_actions:
            raise LookupError("nothing to undo yet")
        pk = done_actions.pop(rng.randrange(len(done_actions)))
        action = CurationAction.objects.get(pk=pk)
        return services.undo_action(action=action, actor=user)

    operations = {"merge": merge, "split": split, "assign": assign, "undo": undo}
    ready.set()
    start, warm_end, end = schedule.get()
    results = []
    for number in itertools.count():
        due = start + number * interval
        if due >= end:
            break
        time.sleep(max(0.0, due - time.time()))
        kind = ACTIONS[number % len(ACTIONS)]
        began = time.time()
        clock = time.perf_counter()
        outcome, message = "done", ""
        try:
            action = operations[kind]()
            if kind != "undo":
                done_actions.append(action.pk)
        except ValidationError as refusal:
            outcome, message = "refused", "; ".join(refusal.messages)
        except Exception:  # noqa: BLE001 - counted and reported, the curator goes on
            outcome, message = "error", traceback.format_exc()
            connection.close_if_unusable_or_obsolete()
        results.append([began - start, kind, time.perf_counter() - clock, outcome, message])
    connection.close()
    Path(out_path).write_text(json.dumps({"actions": results, "candidates": candidates}))


# --- the parent: copies, servers, figures ---------------------------------------------


def copy_sqlite(source: Path, workdir: Path) -> str:
    """A copy of the file (and its WAL) in ``workdir``; its database URL."""
    target = workdir / "catalog.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    if Path(f"{source}-wal").exists():
        shutil.copyfile(f"{source}-wal", f"{target}-wal")
    return f"sqlite:///{target}"


def _psql(admin_url: str, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        capture_output=True,
        text=True,
    )


def copy_postgres(url: str, retries: int, pause: float) -> tuple[str, str, str]:
    """``CREATE DATABASE NAME_mixed TEMPLATE NAME``: the copy's URL, the admin URL, its name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    scratch = f"{name}_mixed"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    drop_postgres(admin_url, scratch)
    for attempt in range(1, retries + 1):
        started = time.monotonic()
        done = _psql(admin_url, f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
        if done.returncode == 0:
            print(f"copied {name} to {scratch} in {time.monotonic() - started:.0f}s", flush=True)
            return urlunsplit(parts._replace(path=f"/{scratch}")), admin_url, scratch
        print(f"CREATE DATABASE TEMPLATE, try {attempt}: {done.stderr.strip()}", flush=True)
        time.sleep(pause)
    raise SystemExit(f"could not copy {name}: another session kept it open")


def drop_postgres(admin_url: str, name: str) -> None:
    done = _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if done.returncode != 0:
        print(f"DROP DATABASE {name}: {done.stderr.strip()}", flush=True)


def serve_logged(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """bench_serve's ``serve`` (2 workers), its standard error appended to ``log``."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "ab") as file:
        os.dup2(file.fileno(), 2)
        try:
            return serve(env, port, 2)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def hit_ratio(records: list[list]) -> float:
    hits = sum(1 for r in records if r[4] == "hit")
    marked = sum(1 for r in records if r[4] in ("hit", "miss"))
    return hits / marked if marked else float("nan")


def summarise(readers: dict, curator: dict, seconds: float) -> dict:
    warmup = readers["warmup"]
    main = [r for r in readers["records"] if r[0] >= warmup]
    warm = [r for r in readers["records"] if r[0] < warmup]
    latencies = [r[2] for r in main if r[3] and r[3] < 500]
    actions = [a for a in curator["actions"] if a[0] >= warmup]
    done = [a for a in actions if a[3] == "done"]
    return {
        "requests": len(main),
        "rps": len(main) / seconds,
        "errors": sum(1 for r in main if r[3] == 0 or r[3] >= 500),
        "connection_errors": sum(1 for r in main if r[3] == 0),
        "4xx": sum(1 for r in main if 400 <= r[3] < 500),
        "3xx": sum(1 for r in main if 300 <= r[3] < 400),
        "p50": percentile(latencies, 0.50),
        "p90": percentile(latencies, 0.90),
        "p99": percentile(latencies, 0.99),
        "p99_kind": {k: percentile([r[2] for r in main if r[1] == k], 0.99) for k in KINDS},
        "hit": hit_ratio(main),
        "hit_kind": {k: hit_ratio([r for r in main if r[1] == k]) for k in KINDS},
        "requests_kind": {k: sum(1 for r in main if r[1] == k) for k in KINDS},
        "warm_requests": len(warm),
        "warm_hit": hit_ratio(warm),
        "warm_actions": len(curator["actions"]) - len(actions),
        "actions": len(actions),
        "done": len(done),
        "refused": sum(1 for a in actions if a[3] == "refused"),
        "action_errors": sum(1 for a in actions if a[3] == "error"),
        "action_ms": statistics.median(a[2] * 1000 for a in done) if done else float("nan"),
        "action_max_ms": max((a[2] * 1000 for a in done), default=float("nan")),
        "by_kind": {
            k: [
                sum(1 for a in actions if a[1] == k and a[3] == outcome)
                for outcome in ("done", "refused", "error")
            ]
            for k in ACTIONS
        },
        "messages": sorted({a[4].strip().splitlines()[-1] for a in curator["actions"] if a[4]}),
        "bad_paths": sorted({(r[3], r[5]) for r in main if r[3] == 0 or r[3] >= 400})[:10],
        "candidates": curator["candidates"],
    }


def run_mode(args, env: dict[str, str], mode: str, addresses: dict, log_dir: Path) -> dict:
    """gunicorn in ``mode``, readers and curator at once; the figures."""
    gunicorn_log = log_dir / f"gunicorn-{mode}.log"
    curator_log = log_dir / f"curator-{mode}.log"
    for log in (gunicorn_log, curator_log):
        log.unlink(missing_ok=True)
    server_env = {**env, "PAGE_CACHE_SECONDS": "600", "PAGE_CACHE_KEY": mode}
    server = serve_logged(server_env, args.port, gunicorn_log)
    context = multiprocessing.get_context("spawn")
    readers_ready, curator_ready = context.Event(), context.Event()
    readers_schedule, curator_schedule = context.Queue(), context.Queue()
    readers_out, curator_out = log_dir / f"readers-{mode}.json", log_dir / f"curator-{mode}.json"
    try:
        readers = context.Process(
            target=read_load,
            args=(
                args.port,
                addresses,
                args.mix,
                args.zipf,
                args.connections,
                args.seed,
                readers_ready,
                readers_schedule,
                str(readers_out),
            ),
        )
        curator = context.Process(
            target=curate,
            args=(
                server_env,
                args.seed,
                args.action_interval,
                curator_ready,
                curator_schedule,
                str(curator_out),
                str(curator_log),
            ),
        )
        readers.start()
        curator.start()
        if not (readers_ready.wait(300) and curator_ready.wait(300)):
            raise SystemExit("readers or curator did not get ready")
        start = time.time() + 1
        schedule = (start, start + args.warmup, start + args.warmup + args.seconds)
        readers_schedule.put(schedule)
        curator_schedule.put(schedule)
        own = {"server": _children(server.pid), "readers": [readers.pid], "curator": [curator.pid]}
        time.sleep(max(0.0, schedule[1] - time.time()))
        before = cpu_snapshot(own)
        time.sleep(max(0.0, schedule[2] - time.time()))
        cpu = cpu_usage(before, cpu_snapshot(own))
        for child in (readers, curator):
            child.join(args.warmup + args.seconds + 300)
            if child.exitcode != 0:
                raise SystemExit(f"{child.name} failed (exit {child.exitcode}); see {log_dir}")
    finally:
        stop(server)
    figures = summarise(
        json.loads(readers_out.read_text()), json.loads(curator_out.read_text()), args.seconds
    )
    figures["cpu"] = cpu
    figures["traces"] = {
        str(log): [
            line.strip()[:300] for line in log.read_text().splitlines() if TRACE.search(line)
        ]
        for log in (gunicorn_log, curator_log)
    }
    return figures


def _children(pid: int) -> list[int]:
    """The gunicorn master's workers (Linux); none when /proc cannot tell."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_snapshot(own: dict[str, list[int]]) -> dict[str, float] | None:
    """CPU seconds so far: the machine's (busy, steal) and each of our processes' (Linux)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        snapshot = {
            "busy": (sum(fields[:8]) - fields[3] - fields[4]) / ticks,
            "steal": fields[7] / ticks,
            "wall": time.time(),
        }
        for role, pids in own.items():
            total = 0.0
            for pid in pids:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(stat[11]) + int(stat[12])) / ticks  # utime, stime
            snapshot[role] = total
        return snapshot
    except (OSError, ValueError, IndexError):
        return None


def cpu_usage(before: dict | None, after: dict | None) -> dict[str, float] | None:
    """Cores used over the window: ours by role, the rest of the machine, and steal."""
    if before is None or after is None:
        return None
    wall = after["wall"] - before["wall"]
    used = {key: (after[key] - before[key]) / wall for key in before if key != "wall"}
    used["others"] = (
        used["busy"] - used["steal"] - sum(used[role] for role in ("server", "readers", "curator"))
    )
    return used


def fmt_pct(value: float) -> str:
    return f"{value:.0%}" if value == value else "-"


def print_mode(mode: str, f: dict, args) -> None:
    kinds = " ".join(f"{k} {fmt_pct(f['hit_kind'][k])}" for k in KINDS)
    p99s = " ".join(f"{k} {f['p99_kind'][k]:.0f}" for k in KINDS)
    print(
        f"\n{mode}: {f['requests']:,} requests, {f['rps']:.0f} req/s, errors {f['errors']} "
        f"(connection {f['connection_errors']}), 4xx {f['4xx']}, 3xx {f['3xx']}; "
        f"p50/p90/p99 {f['p50']:.1f}/{f['p90']:.1f}/{f['p99']:.1f} ms (p99 by kind: {p99s}); "
        f"hit ratio {fmt_pct(f['hit'])} ({kinds}); curator: {f['actions']} actions, "
        f"{f['done']} done, {f['refused']} refused, {f['action_errors']} errors, "
        f"median {f['action_ms']:.0f} ms (max {f['action_max_ms']:.0f} ms)",
    )
    print(
        f"  warm-up ({args.warmup:g}s): {f['warm_requests']:,} requests, hit ratio "
        f"{fmt_pct(f['warm_hit'])}, {f['warm_actions']} curator actions"
    )
    if f["cpu"]:
        c = f["cpu"]
        print(
            f"  cores used in the measured window (of {os.cpu_count()}): server "
            f"{c['server']:.2f}, readers {c['readers']:.2f}, curator {c['curator']:.2f}, "
            f"other processes {max(0.0, c['others']):.2f}, steal {c['steal']:.2f}"
        )
    print(f"  requests by kind: {f['requests_kind']}")
    print("  curator by kind (done/refused/error): " + str(f["by_kind"]))
    print(f"  curator candidates: {f['candidates']}")
    for message in f["messages"][:8]:
        print(f"  curator message: {message[:200]}")
    for status, path in f["bad_paths"]:
        print(f"  reader error: {status} {path}")
    for log, lines in f["traces"].items():
        print(f"  {log}: {len(lines)} error or traceback lines")
        for line in lines[:5]:
            print(f"    {line}")
    sys.stdout.flush()


def print_table(engine: str, results: dict[str, dict], args) -> None:
    print(
        f"\n{engine}, gunicorn 2 workers, page cache 600 s; {args.connections} reader "
        f"connections for {args.seconds}s after {args.warmup}s warm-up; mix "
        f"{'/'.join(f'{m:g}' for m in args.mix)}, Zipf s={args.zipf:g}; "
        f"one curator action every {args.action_interval:g}s\n"
    )
    print(
        f"{'key':<10} {'requests':>9} {'req/s':>6} {'errors':>6} {'4xx':>4} {'3xx':>4} "
        f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'hit':>5} {'profile':>7} {'paper':>6} "
        f"{'search':>6} {'actions':>7} {'refused':>7} {'errors':>6} {'act ms':>7} "
        f"{'warm req':>8} {'warm hit':>8} {'others':>6}"
    )
    for mode, f in results.items():
        h = f["hit_kind"]
        others = f"{max(0.0, f['cpu']['others']):.2f}" if f["cpu"] else "-"
        print(
            f"{mode:<10} {f['requests']:>9,} {f['rps']:>6.0f} {f['errors']:>6} {f['4xx']:>4} "
            f"{f['3xx']:>4} {f['p50']:>7.1f} {f['p90']:>7.1f} {f['p99']:>7.1f} "
            f"{fmt_pct(f['hit']):>5} {fmt_pct(h['profile']):>7} {fmt_pct(h['paper']):>6} "
            f"{fmt_pct(h['search']):>6} {f['done']:>7} {f['refused']:>7} "
            f"{f['action_errors']:>6} {f['action_ms']:>7.0f} {f['warm_requests']:>8,} "
            f"{fmt_pct(f['warm_hit']):>8} {others:>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="the catalogue to copy (default: sqlite:/// of --sqlite)"
    )
    parser.add_argument("--sqlite", default="/tmp/serve100k.sqlite3", help="SQLite catalogue")
    parser.add_argument("--pages", type=int, default=40_000, help="corpus pages, if built")
    parser.add_argument("--modes", nargs="+", choices=["record", "catalogue"])
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds per mode")
    parser.add_argument("--warmup", type=float, default=20, help="warm-up seconds, apart")
    parser.add_argument("--connections", type=int, default=8, help="reader threads")
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent s")
    parser.add_argument(
        "--mix", type=float, nargs=3, default=[0.45, 0.45, 0.10], help="profile paper search"
    )
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--action-interval", type=float, default=1.0, help="curator seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--template-retries", type=int, default=10)
    parser.add_argument("--log-dir", default="/tmp/bench-mixed-logs")
    parser.add_argument(
        "--settings",
        default="config.settings.base",
        help="settings module of server and curator (a module on PYTHONPATH that imports "
        "config.settings.base and changes one thing, to try it)",
    )
    args = parser.parse_args()
    modes = args.modes or ["record", "catalogue"]

    source_url = args.database_url or f"sqlite:///{Path(args.sqlite).resolve()}"
    postgres = source_url.startswith("postgres")
    engine = "PostgreSQL" if postgres else "SQLite"
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    source_file = Path(urlsplit(source_url).path[1:]) if not postgres else None
    if source_file is not None and not source_file.exists():
        print(f"building {source_file} (once; bench_serve's catalogue)", flush=True)
        ensure_catalogue(catalogue_env(source_url), args.pages, args.seed, workdir)
    counts = {"profile": args.profiles, "paper": args.papers, "search": args.searches}
    results: dict[str, dict] = {}
    addresses = None
    admin_url = scratch = None
    try:
        for mode in modes:
            if postgres:
                url, admin_url, scratch = copy_postgres(source_url, args.template_retries, 10)
            else:
                started = time.monotonic()
                url = copy_sqlite(source_file, workdir)
                print(f"copied {source_file} in {time.monotonic() - started:.0f}s", flush=True)
            env = {**catalogue_env(url), "DJANGO_SETTINGS_MODULE": args.settings}
            ensure_catalogue(env, args.pages, args.seed, workdir)
            if addresses is None:
                manage(env, "collectstatic", "--noinput", "--verbosity", "0")
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    addresses = pool.apply(sample_addresses, (env, args.seed, counts))
                print(
                    "addresses: " + ", ".join(f"{len(v):,} {k}" for k, v in addresses.items()),
                    flush=True,
                )
            print(f"running {engine}, key {mode}", flush=True)
            results[mode] = run_mode(args, env, mode, addresses, log_dir)
            print_mode(mode, results[mode], args)
    finally:
        if postgres and scratch:
            drop_postgres(admin_url, scratch)
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(engine, results, args)
    if args.settings != "config.settings.base":
        print(f"settings: {args.settings}")
    print(f"\nlogs and raw records: {log_dir}")


if __name__ == "__main__":
    main()
