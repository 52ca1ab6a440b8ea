"""Benchmark the production deployment under a mixed load, started as the README's
"Deploy" section starts it (``scripts/production.sh``: gunicorn, the background
workers and the queues' schedule), with Redis as the shared cache.

    .venv/bin/python tests/benchmarks/bench_deploy.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve
    .venv/bin/python tests/benchmarks/bench_deploy.py --sqlite /tmp/serve100k.sqlite3

On a copy of a catalogue of bench_serve.py (100,438 papers; PostgreSQL ``CREATE
DATABASE ... TEMPLATE``, SQLite a file copy), with ``CACHE_URL`` on a Redis database
of its own (emptied first): the README's ``collectstatic`` and ``migrate``, then
``scripts/production.sh`` with ``WEB_WORKERS`` gunicorn workers and ``JOB_WORKERS``
workers. Once the worker has computed the queues (the schedule asks at start), for
``--seconds`` seconds at once:

- readers (bench_mixed.py's: anonymous threads over profiles, papers and searches,
  Zipf popularity), with each answer's ``X-Page-Cache`` (hit or miss);
- a curator script (bench_mixed.py's: one action a second, merges, splits,
  assignments, undos, through the services);
- a curator's browser, signed in over HTTP, opening the curators' pages in turn
  (dashboard, the four queues, history): their latencies, which must never wait for a
  finder;
- at ``--upload-at`` seconds, one upload of ``--upload-pages`` page files in a zip
  through the upload form; the progress page is polled until the job is done, then
  the dashboard until the uploaded pages show in its queue (the queues reflect the
  upload): the time from the job's end to that.

First ``--readers-only`` seconds of readers alone (no writes): of the addresses read
at least once per gunicorn worker, how many were rendered once (with Redis, one
rendering serves every worker; without ``--cache-url``, each worker renders its own).
Then a throttle check: gunicorn alone (the same workers and Redis) with the API rate
at ``--throttle-rate`` per minute; that many plus half again sequential requests
from one client (each worker answers some), then a burst from 8 threads: how many
got through. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_mixed import (  # noqa: E402
    TRACE,
    copy_postgres,
    copy_sqlite,
    curate,
    drop_postgres,
    hit_ratio,
    percentile,
    read_load,
    sample_addresses,
)
from tests.benchmarks.bench_queues import anonymous_pages_of_authors  # noqa: E402
from tests.benchmarks.bench_serve import catalogue_env, manage, wait_until_up  # noqa: E402

CURATOR_PAGES = [
    "/curation/",
    "/curation/pages/",
    "/curation/papers/duplicates/",
    "/curation/authors/duplicates/",
    "/curation/authors/mixed/",
    "/curation/history/",
]
UPLOAD_PREFIX = "000000-upload-"  # sorts first: the uploaded pages lead the page queue
PASSWORD = "bench-deploy-curator-password"


class Browser:
    """One signed-in (or anonymous) HTTP client with cookies, over one connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 0, b"", {}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.will_close:
            self.conn.close()
        return response.status, content, dict(response.getheaders())

    def csrf(self, path: str) -> str:
        _, content, _ = self.request("GET", path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        return found.group(1).decode() if found else ""

    def post_form(self, path: str, fields: dict[str, str]):
        fields = {"csrfmiddlewaretoken": self.csrf(path), **fields}
        return self.request(
            "POST",
            path,
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )


def sign_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    status, _, headers = browser.post_form(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    if status != 302:
        raise SystemExit(f"signing in as {username} answered {status}")
    return browser


def upload_zip(env: dict[str, str], count: int, seed: int) -> bytes:
    """``count`` anonymous pages of existing authors (3 of their abstracts and a new
    one each), zipped."""
    os.environ.update(env)
    from django.db import connection

    pages = anonymous_pages_of_authors(random.Random(f"{seed}-upload"), count, "uploaded")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, text in enumerate(pages):
            archive.writestr(f"{UPLOAD_PREFIX}{n:04}.txt", text)
    connection.close()
    return buffer.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = f"bench{random.getrandbits(64):x}"
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/zip\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def curator_pages(port: int, username: str, start: float, end: float, out: list) -> None:
    """The curator's browser: the curators' pages in turn, two a second."""
    browser = sign_in(port, username)
    for index in range(10**9):
        now = time.time()
        if now >= end:
            return
        path = CURATOR_PAGES[index % len(CURATOR_PAGES)]
        began = time.perf_counter()
        status, _, _ = browser.request("GET", path)
        out.append([now - start, path, (time.perf_counter() - began) * 1000, status])
        time.sleep(max(0.0, 0.5 - (time.perf_counter() - began)))


def uploader(port: int, username: str, content: bytes, at: float, field: str, report: dict):
    """One upload at ``at``; then the job page until done; then the dashboard until the
    uploaded pages show in the page queue (at most 300 s)."""
    browser = sign_in(port, username)
    time.sleep(max(0.0, at - time.time()))
    token = browser.csrf("/curation/imports/new/")
    body, content_type = multipart({"csrfmiddlewaretoken": token}, [(field, "upload.zip", content)])
    report["sent"] = time.time()
    status, _, headers = browser.request(
        "POST", "/curation/imports/new/", body, {"Content-Type": content_type}
    )
    report["upload_status"] = status
    report["upload_answered"] = time.time()
    job = headers.get("Location", "")
    if status != 302 or "/curation/imports/" not in job:
        report["error"] = f"upload answered {status} {job}"
        return
    while time.time() - report["sent"] < 600:
        _, page, _ = browser.request("GET", job)
        found = re.search(rb'id="job-state">\s*([A-Za-z]+)', page)
        state = found.group(1).decode().lower() if found else "?"
        report["job_state"] = state
        if state in ("done", "failed"):
            report["job_done"] = time.time()
            summary = re.search(rb'id="job-summary"><strong>([^<]+)<', page)
            report["summary"] = summary.group(1).decode().strip() if summary else ""
            break
        time.sleep(1)
    else:
        report["error"] = "the job did not end in 600 s"
        return
    while time.time() - report["job_done"] < 300:
        _, page, _ = browser.request("GET", "/curation/")
        if UPLOAD_PREFIX.encode() in page:
            report["queues_reflect"] = time.time()
            return
        time.sleep(2)
    report["error"] = "the queues did not show the uploaded pages within 300 s"


def _flush(env: dict[str, str]) -> None:
    if env["CACHE_URL"]:
        subprocess.run(["redis-cli", "-u", env["CACHE_URL"], "flushdb"], capture_output=True)
    else:
        subprocess.run(["rm", "-rf", env["THROTTLE_CACHE_DIR"]])


def throttle_check(env: dict[str, str], port: int, workers: int, rate: int) -> dict:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env={**env, "API_ANON_RATE": f"{rate}/minute"},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        _flush(env)
        sequential = []
        for _ in range(rate + rate // 2):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # new connection:
            conn.request("GET", "/api/venues/")  # the next worker may answer
            sequential.append(conn.getresponse().status)
            conn.close()
        _flush(env)
        burst: list[int] = []

        def hit() -> None:
            for _ in range((rate + rate // 2) // 8 + 1):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/api/venues/")
                burst.append(conn.getresponse().status)
                conn.close()

        threads = [threading.Thread(target=hit) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "rate": rate,
            "sequential": (len(sequential), sequential.count(200), sequential.count(429)),
            "burst": (len(burst), burst.count(200), burst.count(429)),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL catalogue of bench_serve.py")
    parser.add_argument("--sqlite", default="/tmp/serve100k.sqlite3")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--upload-at", type=float, default=20)
    parser.add_argument("--upload-pages", type=int, default=1000)
    parser.add_argument("--upload-field", default="files")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--action-interval", type=float, default=1.0)
    parser.add_argument("--throttle-rate", type=int, default=60)
    parser.add_argument(
        "--readers-only", type=float, default=20, help="seconds of readers alone first"
    )
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-dir", default="/tmp/bench-deploy")
    args = parser.parse_args()
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        if args.database_url:
            url, admin_url, scratch = copy_postgres(args.database_url, 20, 3)
        else:
            url = copy_sqlite(Path(args.sqlite), Path(tmp))
        env = {
            **catalogue_env(url),
            "CACHE_URL": args.cache_url,
            "BIND": f"127.0.0.1:{args.port}",
            "WEB_WORKERS": str(args.web_workers),
            "JOB_WORKERS": str(args.job_workers),
            "ACCESS_LOG": "/dev/null",
            "QUEUE_SCHEDULE_SECONDS": "900",
            "QUEUE_CACHE_DIR": str(Path(tmp) / "queue-cache"),  # without Redis
            "THROTTLE_CACHE_DIR": str(Path(tmp) / "throttle-cache"),
            "LOG_LEVEL": "WARNING",
        }
        try:
            run(args, env, log_dir)
        finally:
            if args.database_url:
                drop_postgres(admin_url, scratch)


def run(args, env: dict[str, str], log_dir: Path) -> None:
    if args.cache_url:  # '' runs without Redis: rendered pages in each worker's memory
        subprocess.run(["redis-cli", "-u", args.cache_url, "flushdb"], check=True)
    started = time.monotonic()
    manage(env, "collectstatic", "--noinput", "-v0")  # the README's commands, in its order
    manage(env, "migrate", "--noinput", "-v0")
    print(f"collectstatic + migrate: {time.monotonic() - started:.0f}s", flush=True)
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as g; "
        "from curation.access import ensure_curators_group as e; "
        "u, _ = g().objects.get_or_create(username='bench-deploy'); "
        f"u.set_password('{PASSWORD}'); u.save(); u.groups.add(e())",
    )
    addresses = sample_addresses(env, args.seed, {"profile": 2000, "paper": 2000, "search": 200})
    content = upload_zip(env, args.upload_pages, args.seed)
    print(f"upload: {args.upload_pages} pages, {len(content) / 1e6:.1f} MB zipped", flush=True)

    production_log = log_dir / "production.log"
    production = subprocess.Popen(
        [str(ROOT / "scripts/production.sh")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=open(production_log, "wb"),  # noqa: SIM115 - the child's for its lifetime
        stderr=subprocess.STDOUT,
    )
    try:
        measure(args, env, log_dir, addresses, content)
    finally:
        production.send_signal(signal.SIGTERM)  # the script stops the others, once
        production.wait(120)
    traces = [line[:300] for line in production_log.read_text().splitlines() if TRACE.search(line)]
    print(f"production.log: {len(traces)} error lines")
    for line in traces[:10]:
        print(f"  {line}")
    print(
        "throttle across workers:",
        throttle_check(env, args.port, args.web_workers, args.throttle_rate),
    )


def measure(args, env, log_dir: Path, addresses: dict, content: bytes) -> None:
    wait_until_up(f"http://127.0.0.1:{args.port}/healthz", 60)
    browser = sign_in(args.port, "bench-deploy")
    began = time.monotonic()
    while b"Candidates computed" not in browser.request("GET", "/curation/")[1]:
        if time.monotonic() - began > 300:
            raise SystemExit("the worker did not compute the queues in 300 s")
        time.sleep(2)
    print(f"queues computed by the worker {time.monotonic() - began:.0f}s after start")

    context = multiprocessing.get_context("spawn")
    if args.readers_only:
        readers_alone(args, context, addresses, log_dir / "readers-alone.json")
    readers_ready, curator_ready = context.Event(), context.Event()
    readers_schedule, curator_schedule = context.Queue(), context.Queue()
    readers_out, curator_out = log_dir / "readers.json", log_dir / "curator.json"
    readers = readers_process(
        args, context, addresses, readers_ready, readers_schedule, readers_out
    )
    curator = context.Process(
        target=curate,
        args=(
            env,
            args.seed,
            args.action_interval,
            curator_ready,
            curator_schedule,
            str(curator_out),
            str(log_dir / "curator.log"),
        ),
    )
    readers.start()
    curator.start()
    if not (readers_ready.wait(300) and curator_ready.wait(300)):
        raise SystemExit("readers or curator did not get ready")
    start = time.time() + 1
    end = start + args.seconds
    schedule = (start, start, end)  # no warm-up: the run starts on a cold page cache
    readers_schedule.put(schedule)
    curator_schedule.put(schedule)
    pages: list = []
    report: dict = {}
    threads = [
        threading.Thread(target=curator_pages, args=(args.port, "bench-deploy", start, end, pages)),
        threading.Thread(
            target=uploader,
            args=(
                args.port,
                "bench-deploy",
                content,
                start + args.upload_at,
                args.upload_field,
                report,
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for child in (readers, curator):
        child.join(args.seconds + 300)
    threads[0].join()
    threads[1].join(900)
    summarise(
        args,
        json.loads(readers_out.read_text()),
        json.loads(curator_out.read_text()),
        pages,
        report,
        start,
    )


def readers_process(args, context, addresses: dict, ready, schedule, out: Path):
    """bench_mixed's readers: profiles, papers and searches (0.45 / 0.45 / 0.10), Zipf 1."""
    return context.Process(
        target=read_load,
        args=(
            args.port,
            addresses,
            [0.45, 0.45, 0.10],
            1.0,
            args.connections,
            args.seed,
            ready,
            schedule,
            str(out),
        ),
    )


def readers_alone(args, context, addresses: dict, out: Path) -> None:
    """Readers only, no writes: does one rendering serve every gunicorn worker?"""
    ready, schedule = context.Event(), context.Queue()
    readers = readers_process(args, context, addresses, ready, schedule, out)
    readers.start()
    ready.wait(300)
    start = time.time() + 1
    schedule.put((start, start, start + args.readers_only))
    readers.join(args.readers_only + 300)
    records = json.loads(out.read_text())["records"]
    seen: dict[str, list[str]] = {}
    for record in records:
        seen.setdefault(record[5], []).append(record[4])
    repeated = {path: marks for path, marks in seen.items() if len(marks) >= args.web_workers}
    once = sum(1 for marks in repeated.values() if marks.count("miss") <= 1)
    latencies = [r[2] for r in records if r[3] and r[3] < 500]
    print(
        f"readers alone, {args.readers_only:.0f}s: {len(records)} requests "
        f"({len(records) / args.readers_only:.0f}/s), p50 {percentile(latencies, 0.5):.0f} ms, "
        f"page cache hits {hit_ratio(records):.0%}; of the {len(repeated)} addresses read "
        f"{args.web_workers}+ times (by {args.web_workers} workers), {once} rendered once",
        flush=True,
    )


def summarise(args, readers: dict, curator: dict, pages: list, report: dict, start: float):
    records = readers["records"]
    errors = [r for r in records if r[3] == 0 or r[3] >= 500]
    latencies = [r[2] for r in records if r[3] and r[3] < 500]
    print(
        f"\nreaders: {len(records)} requests ({len(records) / args.seconds:.0f}/s), "
        f"{len(errors)} errors, p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms, page cache hits {hit_ratio(records):.0%}"
    )
    misses: dict[str, int] = {}
    seen: dict[str, int] = {}
    for r in records:
        seen[r[5]] = seen.get(r[5], 0) + 1
        if r[4] == "miss":
            misses[r[5]] = misses.get(r[5], 0) + 1
    repeated = [path for path, n in seen.items() if n >= args.web_workers]
    once = sum(1 for path in repeated if misses.get(path, 0) <= 1)
    print(
        f"  addresses read {args.web_workers}+ times: {len(repeated)}; rendered at most once: "
        f"{once} ({once / len(repeated) if repeated else float('nan'):.0%}; a profile a "
        "curator changed renders again)"
    )
    actions = curator["actions"]
    outcome = {k: sum(1 for a in actions if a[3] == k) for k in ("done", "refused", "failed")}
    print(f"curator script: {len(actions)} actions {outcome}")
    statuses = sorted({p[3] for p in pages})
    times = [p[2] for p in pages]
    print(
        f"curator pages: {len(pages)} requests, statuses {statuses}, "
        f"p50 {percentile(times, 0.5):.0f} ms, p99 {percentile(times, 0.99):.0f} ms, "
        f"max {max(times, default=float('nan')):.0f} ms"
    )
    for path in CURATOR_PAGES:
        mine = [p[2] for p in pages if p[1] == path]
        print(f"  {path:<32} p50 {percentile(mine, 0.5):>6.0f}  p99 {percentile(mine, 0.99):>6.0f}")
    if "upload_status" in report:
        during = [p[2] for p in pages if report["sent"] - start <= p[0]]
        print(f"  during and after the upload: p99 {percentile(during, 0.99):.0f} ms")
    if "error" in report:
        print(f"upload: {report['error']}")
    if "job_done" in report:
        print(
            f"upload: answered in {report['upload_answered'] - report['sent']:.1f}s, job "
            f"{report['job_state']} {report['job_done'] - report['sent']:.0f}s after sending: "
            f"{report.get('summary', '')}"
        )
    if "queues_reflect" in report:
        print(
            "queues show the uploaded pages "
            f"{report['queues_reflect'] - report['job_done']:.0f}s after the job's end"
        )


if __name__ == "__main__":
    main()
