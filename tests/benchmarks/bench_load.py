"""A bounded load run: many readers at once against a production-like server.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_load.py            # SQLite
    .venv/bin/python tests/benchmarks/bench_load.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_load          # PostgreSQL

Builds a catalogue from the 10,000-page synthetic corpus (tests/benchmarks/corpus.py)
plus the five sample pages (a fresh SQLite file, or the given PostgreSQL database,
emptied first; ``ANALYZE`` after the import), then serves it as the README's Deploy
section does: ``collectstatic``, gunicorn with 4 workers on 127.0.0.1, DEBUG off,
the page cache on (``--page-cache-seconds 0`` turns it off). wrk, a second process,
keeps 50 connections busy for 60 s on a rotation of public pages (profiles, paper
pages, the author list and its searches, full-text searches, venues) and API lists
and details, about 1,500 distinct addresses. Prints requests/s, p50 and p99 latency,
the server errors (5xx, counted by status in wrk's Lua hook) and the other non-2xx/3xx
answers. The API throttle is raised for the run (one client address sends
everything). Figures only, no assertions. Needs wrk (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_import import DEFAULT_CACHE, ensure_corpus  # noqa: E402
from tests.benchmarks.bench_serve import _ms, manage, serve, stop  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
WORDS = ["learning", "model", "graph", "robust", "language", "neural", "sparse", "control"]

LUA = """
local paths = {%(paths)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  server_errors = 0
  position = math.random(#paths)
end
function request()
  position = position %% #paths + 1
  return wrk.format("GET", paths[position])
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("server errors: %%d\\n", total))
end
"""

PATHS_SCRIPT = """
import json, random
from catalog.models import Author, Paper, Venue
rng = random.Random(0)
authors = list(Author.objects.live().order_by("?").values_list("slug", flat=True)[:400])
papers = list(Paper.objects.live().order_by("?").values_list("slug", flat=True)[:400])
venues = list(Venue.objects.values_list("slug", flat=True)[:30])
print(json.dumps({"authors": authors, "papers": papers, "venues": venues}))
"""


def _paths(env: dict[str, str]) -> list[str]:
    import json

    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PATHS_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(output.strip().splitlines()[-1])
    rng = random.Random(0)
    paths = [f"/authors/{s}/" for s in found["authors"]]
    paths += [f"/papers/{s}/" for s in found["papers"]]
    paths += [f"/venues/{s}/" for s in found["venues"]]
    paths += [f"/api/authors/{s}/" for s in found["authors"][:200]]
    paths += [f"/api/papers/{s}/" for s in found["papers"][:200]]
    paths += [f"/api/authors/{s}/papers/" for s in found["authors"][200:300]]
    paths += [f"/authors/?page={n}" for n in range(1, 60)]
    paths += [f"/api/papers/?page={n}" for n in range(1, 60)]
    paths += [f"/search/?q={a}+{b}" for a in WORDS for b in WORDS if a != b]
    paths += [f"/authors/?q={s.split('-')[0]}" for s in found["authors"][:60]]
    paths += [f"/api/papers/?q={w}" for w in WORDS]
    paths += ["/", "/healthz", "/api/", "/sitemap.xml"]
    rng.shuffle(paths)
    return paths


def run_wrk(base: str, paths: list[str], seconds: int, connections: int, workdir: Path) -> dict:
    script = workdir / "rotation.lua"
    script.write_text(LUA % {"paths": ", ".join(f'"{p}"' for p in paths)})
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(percentiles) < 3:
        raise SystemExit(f"wrk printed no latency distribution:\n{output}")
    other = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(percentiles["50"]),
        "p90": _ms(percentiles["90"]),
        "p99": _ms(percentiles["99"]),
        "server_errors": int(re.search(r"server errors: (\d+)", output).group(1)),
        "non_2xx_3xx": int(other.group(1)) if other else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="synthetic corpus pages")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--page-cache-seconds", type=int, default=600)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'catalog.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "100000000/minute",
        "API_USER_RATE": "100000000/minute",
        "PAGE_CACHE_SECONDS": str(args.page_cache_seconds),
        "QUEUE_CACHE_DIR": str(workdir / "queues"),
    }
    corpus, stats, _ = ensure_corpus(Path(DEFAULT_CACHE), args.pages, 0)
    print(f"building the catalogue: {stats['entries']:,} corpus entries + the seeds", flush=True)
    started = time.monotonic()
    manage(env, "migrate", "--verbosity", "0")
    if args.database_url:
        manage(env, "flush", "--noinput", "--verbosity", "0")
    manage(env, "import_seeds", "--no-progress", str(corpus), str(SEEDS))
    if args.database_url:
        subprocess.run(["psql", args.database_url, "-qc", "ANALYZE"], check=True)
    print(f"built in {time.monotonic() - started:.0f}s", flush=True)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    paths = _paths(env)

    base = f"http://127.0.0.1:{args.port}"
    server = serve(env, args.port, args.workers)
    try:
        result = run_wrk(base, paths, args.seconds, args.connections, workdir)
    finally:
        stop(server)

    engine = "PostgreSQL" if args.database_url else "SQLite"
    cache = f"page cache {args.page_cache_seconds}s" if args.page_cache_seconds else "no page cache"
    print(
        f"\n{engine}, {args.pages:,} pages, gunicorn {args.workers} workers, {cache}; "
        f"wrk {args.connections} connections for {args.seconds}s over {len(paths):,} addresses"
    )
    print(
        f"{'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
        f"{'5xx':>5} {'other non-2xx/3xx':>18} {'timeouts':>9}"
    )
    r = result
    print(
        f"{r['requests']:>9,} {r['rps']:>7.0f} {r['p50']:>7.1f} {r['p90']:>7.1f} {r['p99']:>7.1f} "
        f"{r['server_errors']:>5} {r['non_2xx_3xx']:>18} {r['timeouts']:>9}"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
