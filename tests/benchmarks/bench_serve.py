"""Benchmark the public pages under load: gunicorn on 127.0.0.1, wrk from a second process.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_serve.py [--pages 40000]

Builds (or reuses, with --db) a SQLite catalogue from the synthetic corpus
(tests/benchmarks/corpus.py; 40,000 pages give about 100,000 papers) plus one
prolific author: a page of 2,000 papers and 300 co-author pages that share them.
Then serves it with gunicorn (2 workers) and runs wrk against, in turn: a trivial
view (/healthz, no database), that author's profile, the author list, an author
name search and a full-text paper search. Prints requests/s and p50/p99 latency,
and the p50 of each page over the trivial view's. Figures only, no assertions.
Needs wrk (Debian package `wrk`). Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_import import DEFAULT_CACHE, ensure_corpus  # noqa: E402

PROLIFIC = "Prolific, Paula"
PROLIFIC_PAPERS = 2000
COAUTHORS = 300
SHARED_PER_COAUTHOR = 12


def write_prolific_pages(directory: Path) -> None:
    """One page of 2,000 papers and 300 co-author pages sharing 12 of them each."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = [
        (
            f"Prolific study number {n} of learning systems",
            "arXiv.org Machine Learning" if n % 3 else "AAAI Conferences",
            f"We report study {n} of a long series on learning systems, with "
            f"experiments {n * 7 % 97} and analyses {n * 13 % 89} of robust training.",
        )
        for n in range(PROLIFIC_PAPERS)
    ]

    def page(name: str, items: list[tuple[str, str, str]]) -> str:
        blocks = ["\n\n".join(item) for item in items]
        return "\n\n\n".join([f"Goto\n\nCollaborating Authors\n\n\u00a0{name}", *blocks])

    (directory / "prolific-paula.txt").write_text(page(PROLIFIC, entries), encoding="utf-8")
    for k in range(COAUTHORS):
        shared = [entries[(k * 7 + j * 167) % PROLIFIC_PAPERS] for j in range(SHARED_PER_COAUTHOR)]
        (directory / f"prolific-coauthor-{k:03d}.txt").write_text(
            page(f"Coauthor{k:03d}, Carla", shared), encoding="utf-8"
        )


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def run_wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40_000, help="synthetic corpus pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", help="SQLite file to build once and reuse")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    db = Path(args.db) if args.db else workdir / "catalog.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "1000000/minute",
    }
    if not db.exists():
        corpus, stats, _ = ensure_corpus(Path(DEFAULT_CACHE), args.pages, args.seed)
        extra = workdir / "prolific"
        write_prolific_pages(extra)
        print(f"building {db}: {stats['entries']:,} corpus entries + prolific author", flush=True)
        started = time.monotonic()
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "import_seeds", "--no-progress", str(corpus), str(extra))
        print(f"built in {time.monotonic() - started:.0f}s", flush=True)

    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{base}/healthz")
        targets = [
            ("trivial view (/healthz)", "/healthz"),
            (
                f"profile: {PROLIFIC_PAPERS:,} papers, {COAUTHORS} co-authors",
                "/authors/prolific-paula/",
            ),
            ("author list", "/authors/"),
            ("author name search", "/authors/?q=carla+coauthor150"),
            ("paper search, common words", "/search/?q=learning+systems"),
            ("paper search, rarer words", "/search/?q=sparse+autoencoders+proteins"),
        ]
        results = []
        for label, path in targets:
            with urllib.request.urlopen(base + path, timeout=30) as response:  # warm up
                response.read()
            results.append((label, run_wrk(base + path, args.seconds, args.connections)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    trivial = results[0][1]["p50"]
    print(f"\n{args.connections} connections, {args.seconds}s per page, gunicorn 2 workers\n")
    print(
        f"{'page':<45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50/trivial':>12} {'errors':>7}"
    )
    for label, r in results:
        print(
            f"{label:<45} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['p50'] / trivial:>11.1f}x {r['errors']:>7}"
        )
    if not args.db:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
