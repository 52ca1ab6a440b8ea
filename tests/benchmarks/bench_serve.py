"""Benchmark the public pages under load: gunicorn on 127.0.0.1, wrk from a second process.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_serve.py [--pages 40000]

    .venv/bin/python tests/benchmarks/bench_serve.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve     # PostgreSQL

Builds a catalogue from the synthetic corpus (tests/benchmarks/corpus.py; 40,000
pages give about 100,000 papers) plus one prolific author: a page of 2,000 papers
and 300 co-author pages that share them (a throw-away SQLite file, or the database
of --database-url, built once when it holds no pages and reused after). Then serves
it with gunicorn (2 workers), with the page cache off and then on (--cache), and
runs wrk against, in turn: a trivial view (/healthz, no database), that author's
profile, the author list, an author name search and a full-text paper search.
Prints requests/s and p50/p99 latency, and the p50 of each page over the trivial
view's. Figures only, no assertions.
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
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # No answer within the run: no latency distribution to read.
        "p50": _ms(percentiles["50"]) if percentiles else float("nan"),
        "p99": _ms(percentiles["99"]) if percentiles else float("nan"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
    }


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """gunicorn with ``workers`` processes on 127.0.0.1:``port``, up and answering."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return server


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def catalogue_env(database_url: str) -> dict[str, str]:
    """The environment of a production-like server over ``database_url``."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "100000000/minute",
        "API_USER_RATE": "100000000/minute",
    }


def _has_pages(env: dict[str, str]) -> bool:
    output = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from catalog.models import SourcePage; print(SourcePage.objects.exists())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.strip().endswith("True")


def ensure_catalogue(env: dict[str, str], pages: int, seed: int, workdir: Path) -> None:
    """Migrate, and import the corpus plus the prolific author unless the database
    already holds pages (build once, reuse with the same --database-url)."""
    manage(env, "migrate", "--verbosity", "0")
    if _has_pages(env):
        return
    corpus, stats, _ = ensure_corpus(Path(DEFAULT_CACHE), pages, seed)
    extra = workdir / "prolific"
    write_prolific_pages(extra)
    print(f"building: {stats['entries']:,} corpus entries + prolific author", flush=True)
    started = time.monotonic()
    manage(env, "import_seeds", "--no-progress", str(corpus), str(extra))
    print(f"built in {time.monotonic() - started:.0f}s", flush=True)


TARGETS = [
    ("trivial view (/healthz)", "/healthz"),
    (f"profile: {PROLIFIC_PAPERS:,} papers, {COAUTHORS} co-authors", "/authors/prolific-paula/"),
    ("author list", "/authors/"),
    ("author name search", "/authors/?q=carla+coauthor150"),
    ("paper search, common words", "/search/?q=learning+systems"),
    ("paper search, rarer words", "/search/?q=sparse+autoencoders+proteins"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40_000, help="synthetic corpus pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database-url",
        help="database to build once and reuse (default: a throw-away SQLite file); "
        "a PostgreSQL database is built if it holds no pages",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--cache",
        choices=["off", "on", "both"],
        default="both",
        help="the page cache: off (every request renders), on, or both in turn",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    env = catalogue_env(args.database_url or f"sqlite:///{workdir / 'catalog.sqlite3'}")
    ensure_catalogue(env, args.pages, args.seed, workdir)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    base = f"http://127.0.0.1:{args.port}"
    modes = {"off": ["0"], "on": ["600"], "both": ["0", "600"]}[args.cache]
    for seconds in modes:
        server = serve({**env, "PAGE_CACHE_SECONDS": seconds}, args.port, 2)
        results = []
        try:
            for label, path in TARGETS:
                with urllib.request.urlopen(base + path, timeout=60) as response:  # warm up
                    response.read()
                results.append((label, run_wrk(base + path, args.seconds, args.connections)))
        finally:
            stop(server)
        trivial = results[0][1]["p50"]
        cache = "off" if seconds == "0" else "on"
        print(
            f"\n{engine}, page cache {cache}: {args.connections} connections, "
            f"{args.seconds}s per page, gunicorn 2 workers\n"
        )
        print(
            f"{'page':<45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'p50/trivial':>12} {'errors':>7}"
        )
        for label, r in results:
            print(
                f"{label:<45} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
                f"{r['p50'] / trivial:>11.1f}x {r['errors']:>7}",
                flush=True,
            )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
