"""Benchmark the page importer on synthetic corpora, against a raw sqlite3 floor.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_import.py --pages 1000 10000
    .venv/bin/python tests/benchmarks/bench_import.py --pages 10000 \
        --database-url postgresql://postgres@127.0.0.1:5432/postgres

For each size: generate the corpus (tests/benchmarks/corpus.py; cached under
$TMPDIR/authorprofiles-bench-corpus), then, in a fresh child process with its
own fresh SQLite file (DATABASE_URL set before django.setup(), then migrate):

1. time ``catalog.importing.import_pages`` on every file, end to end (reading,
   parsing, matching, writing; wall clock);
2. time it again on the same files: every file must come back unchanged;
3. time a raw ``sqlite3`` ``executemany`` of one row per entry (title, venue,
   abstract, title key, abstract key) into a fresh WAL / synchronous=NORMAL file in
   one transaction: the floor no importer can beat on this machine.

With --database-url (a PostgreSQL server; its database is only used to create and
drop others), each size gets a fresh database bench_import_PAGES instead of the
SQLite file, and the floor is psycopg's COPY FROM STDIN of the same rows into a
plain table of that database.

Figures only, no assertions on time. Not collected by pytest (pytest runs with
--ignore=tests/benchmarks). See tests/benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import inspect
import io
import json
import os
import pstats
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "authorprofiles-bench-corpus"
STATS_FILE = ".corpus-stats.json"  # hidden: never a page file


def _import_corpus_module():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.benchmarks import corpus

    return corpus


# --- corpus cache ------------------------------------------------------------------


def ensure_corpus(cache: Path, pages: int, seed: int) -> tuple[Path, dict, float | None]:
    """The corpus folder, its stats, and the generation time (None when cached)."""
    corpus = _import_corpus_module()
    directory = cache / f"v{corpus.GENERATOR_VERSION}-seed{seed}-pages{pages}"
    marker = directory / STATS_FILE
    if marker.exists():
        return directory, json.loads(marker.read_text()), None
    if directory.exists():  # an interrupted generation
        shutil.rmtree(directory)
    partial = directory.with_name(f"{directory.name}.partial-{os.getpid()}")
    started = time.perf_counter()
    stats = corpus.write_corpus(partial, pages, seed)
    elapsed = time.perf_counter() - started
    (partial / STATS_FILE).write_text(stats.to_json())
    partial.rename(directory)
    return directory, json.loads(stats.to_json()), elapsed


def page_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.txt"))


# --- raw sqlite3 floor ----------------------------------------------------------------


def corpus_rows(files: list[Path]) -> list[tuple[str, str, str, str, str]]:
    """One row per entry: (title, venue, abstract, title key, abstract key).

    Split with plain string operations (the generated pages are regular), not timed.
    The keys have the sizes of the importer's: the folded title, a 32-hex digest.
    """
    rows = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if text.startswith("Goto\n"):
            for block in text.split("\n\n\n")[1:]:
                title, venue, *rest = block.split("\n\n")
                abstract = rest[0] if rest else ""
                rows.append((title, venue, abstract, title.lower(), _digest(abstract)))
        else:
            for line in text.split("\n")[1:]:
                abstract = line.removeprefix("Abstract:")
                rows.append(("", "", abstract, "", _digest(abstract)))
    return rows


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest() if text else ""


def raw_insert(path: Path, rows: list, *, indexes: bool) -> float:
    """Seconds to create the table and insert every row in one transaction."""
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE entry (id INTEGER PRIMARY KEY, title TEXT, venue TEXT, "
        "abstract TEXT, title_key TEXT, abstract_key TEXT)"
    )
    if indexes:
        db.execute("CREATE INDEX entry_title_key ON entry (title_key)")
        db.execute("CREATE INDEX entry_abstract_key ON entry (abstract_key)")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO entry (title, venue, abstract, title_key, abstract_key) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    db.execute("COMMIT")
    db.close()
    return time.perf_counter() - started


def raw_copy(url: str, rows: list, *, indexes: bool) -> float:
    """PostgreSQL's floor: seconds to create the table and COPY every row into it in
    one transaction (the server's own durability settings). The table is dropped."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as db:
        with db.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE raw (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                "title text, venue text, abstract text, tkey text, akey text)"
            )
            if indexes:
                cursor.execute("CREATE INDEX raw_tkey ON raw (tkey)")
                cursor.execute("CREATE INDEX raw_akey ON raw (akey)")
            with cursor.copy("COPY raw (title, venue, abstract, tkey, akey) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        db.commit()
        elapsed = time.perf_counter() - started
        db.execute("DROP TABLE raw")
        db.commit()
    return elapsed


# --- PostgreSQL: one fresh database per size --------------------------------------------


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("postgres", "postgresql")


def database_url_for(server_url: str, name: str) -> str:
    """``server_url`` with its database name replaced by ``name``."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def _admin(server_url: str, statement: str, name: str) -> None:
    """Run ``statement`` (with ``{}`` for the quoted database name) outside a transaction,
    connected to the server URL's own database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL(statement).format(sql.Identifier(name)))


def create_database(server_url: str, name: str) -> str:
    """Drop ``name`` if it exists, create it empty; its URL."""
    _admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _admin(server_url, "CREATE DATABASE {}", name)
    return database_url_for(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    _admin(server_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _backend_cpu_seconds(connection) -> float | None:
    """User + system CPU seconds of the PostgreSQL backend serving ``connection`` (a
    Django connection), when the server runs on this machine; otherwise None."""
    if connection.settings_dict.get("HOST") not in ("", "localhost", "127.0.0.1", "::1"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the ")" that ends the command name: state is field 0, utime 11, stime 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the worker: one size, one fresh database, one process --------------------------


def worker(args: argparse.Namespace) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    postgres = is_postgres(database_url)
    if not (postgres or database_url.startswith("sqlite:")):
        sys.exit(
            "the worker needs DATABASE_URL=sqlite:///... or postgresql://... "
            "set before django.setup()"
        )
    if postgres and args.sqlite_pragma:
        sys.exit("--sqlite-pragma applies to SQLite only, not to PostgreSQL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.sqlite_pragma:
        from django.db.backends.signals import connection_created

        def set_pragmas(sender, connection, **kwargs) -> None:
            with connection.cursor() as cursor:
                for pragma in args.sqlite_pragma:
                    cursor.execute(f"PRAGMA {pragma}")

        connection_created.connect(set_pragmas, weak=False)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from catalog.importing import DEFAULT_BATCH_PAGES, FileStatus, import_pages, read_page_file
    from catalog.models import (
        Appearance,
        Author,
        Authorship,
        Paper,
        SourceEntry,
        SourcePage,
        Venue,
    )

    directory = Path(args.worker)
    stats = json.loads((directory / STATS_FILE).read_text())
    files = page_files(directory)
    db_path = None if postgres else Path(connection.settings_dict["NAME"])
    batch = {"batch_pages": args.batch_pages} if args.batch_pages else {}
    result: dict = {
        "pages": len(files),
        "entries": stats["entries"],
        "corpus": stats,
        "batch_pages": args.batch_pages or DEFAULT_BATCH_PAGES,
        "code": code_fingerprint(),
        "sqlite_pragmas": args.sqlite_pragma,
    }
    if postgres:
        result["database"] = connection.settings_dict["NAME"]

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result["migrate_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SHOW server_version")
            result["engine"] = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
            result["postgresql"] = {}
            for name in POSTGRES_SETTINGS:
                cursor.execute(f"SHOW {name}")
                result["postgresql"][name] = cursor.fetchone()[0]
        else:
            result["engine"] = f"SQLite {sqlite3.sqlite_version}"
            result["sqlite"] = {
                name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "cache_size", "mmap_size", "page_size")
            }

    # First import. The progress callback tells when each batch is done.
    marks: list[tuple[float, int]] = []
    done = 0

    step = max(1, len(files) // 10)

    def on_progress(count: int) -> None:
        nonlocal done
        if not count:
            return
        now = time.perf_counter()
        if (done + count) // step > done // step:
            print(
                f"[{len(files)} pages] {done + count:,} imported, {now - started:.0f}s",
                file=sys.stderr,
                flush=True,
            )
        done += count
        marks.append((now, done))

    profiler = _Profiler(args.profiler) if args.profile else None
    cpu_before = _cpu_seconds()
    server_cpu_before = _backend_cpu_seconds(connection) if postgres else None
    started = time.perf_counter()
    if profiler:
        profiler.start()
    with _Breakdown(args.breakdown) as breakdown:
        report = import_pages(files, on_progress=on_progress, **batch)
    if profiler:
        profiler.stop()
    finished = time.perf_counter()
    result["import_s"] = finished - started
    result["import_cpu_s"] = _cpu_seconds() - cpu_before
    if server_cpu_before is not None:
        server_cpu_after = _backend_cpu_seconds(connection)
        if server_cpu_after is not None and server_cpu_after >= server_cpu_before:
            result["server_cpu_s"] = server_cpu_after - server_cpu_before
    result["profiled"] = args.profiler if profiler else ""
    result["import_max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["new"] = report.count(FileStatus.NEW)
    result["rejected"] = [r.reason for r in report.rejected][:5]
    result["rates"] = _progress_rates(started, marks, len(files))
    if profiler:
        result["profile"] = profiler.save(Path(args.profile), f"import-{len(files)}")
    if args.breakdown:
        result["breakdown"] = breakdown.report(result["import_s"])

    result["db"] = {
        "pages": SourcePage.objects.count(),
        "entries": SourceEntry.objects.count(),
        "authors": Author.objects.count(),
        "papers": Paper.objects.count(),
        "venues": Venue.objects.count(),
        "authorships": Authorship.objects.count(),
        "appearances": Appearance.objects.count(),
    }
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            result["db_mb"] = cursor.fetchone()[0] / (1 << 20)
    connection.close()
    if not postgres:
        result["db_mb"] = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / (
            1 << 20
        )

    started = time.perf_counter()
    again = import_pages(files, **batch)
    result["reimport_s"] = time.perf_counter() - started
    result["reimport_unchanged"] = again.count(FileStatus.UNCHANGED)
    connection.close()

    # Reading and parsing alone, one process: what the import pays before any SQL.
    limit = settings.IMPORT_MAX_FILE_BYTES
    started = time.perf_counter()
    for path in files:
        read_page_file(path, max_bytes=limit)
    result["read_parse_s"] = time.perf_counter() - started

    rows = corpus_rows(files)
    result["raw_rows"] = len(rows)
    for key, indexes in (("raw_s", False), ("raw_indexed_s", True)):
        if postgres:
            result[key] = raw_copy(database_url, rows, indexes=indexes)
            continue
        raw_dir = Path(tempfile.mkdtemp(prefix="bench-raw-", dir=db_path.parent))
        result[key] = raw_insert(raw_dir / "raw.sqlite3", rows, indexes=indexes)
        shutil.rmtree(raw_dir)

    Path(args.result).write_text(json.dumps(result))


# The PostgreSQL settings printed with the figures.
POSTGRES_SETTINGS = (
    "synchronous_commit",
    "fsync",
    "shared_buffers",
    "work_mem",
    "autovacuum",
    "wal_level",
    "max_wal_size",
)


# Functions timed by --breakdown: "module:attribute" or "module:Class.method". Names
# that no longer exist are skipped, so the list may lag behind the importer.
BREAKDOWN_TARGETS = (
    "catalog.importing.files:read_page_file",
    "catalog.importing.files:parse_page",
    "catalog.importing.writing:_Batch.run",
    "catalog.importing.writing:_Batch._plan_entries",
    "catalog.importing.writing:_Batch._diff_entries",
    "catalog.importing.matching:_Matcher.load_index",
    "catalog.importing.matching:_Matcher.resolve",
    "catalog.importing.matching:_Matcher._absorb",
    "catalog.importing.matching:_Matcher._venue",
    "catalog.importing.writing:_Batch._write_venues",
    "catalog.importing.writing:_Batch._write_papers",
    "catalog.importing.writing:_Batch._apply_saved_folds",
    "catalog.importing.writing:_Batch._write_new_pages",
    "catalog.importing.writing:_Batch._write_entries",
    "catalog.importing.writing:_Batch._authorships",
    "catalog.importing.writing:_Batch._recheck",
    "catalog.importing.writing:allocate_slugs",
    "catalog.importing.writing:save_paper_display",
    "catalog.importing.writing:refresh_papers",
    "catalog.importing.matching:choose_display",
    "catalog.importing.files:abstract_key",
    "catalog.importing.matching:abstract_key",
    "catalog.importing.files:title_key",
    "catalog.importing.matching:title_key",
    "catalog.importing.files:venue_key",
    "catalog.importing.writing:venue_key",
    "catalog.normalize:fold",
    "catalog.normalize:clean_text",
    "catalog.normalize:display_rank",
)


class _Breakdown:
    """Inclusive wall time and calls of BREAKDOWN_TARGETS, plus time inside the
    database driver's execute() by statement and table. A wrapper costs about a
    microsecond a call: far less distortion than a profiler on per-character code.

    SQLite computes a SELECT's rows while they are fetched, after execute()
    returns: the SQL figures are a floor for SELECTs; the callers' times include all.
    """

    _SQL = re.compile(
        r'^\s*(INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM|SELECT .*? FROM)\s+"(\w+)"', re.S
    )

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.times: dict[str, list[float]] = {}
        self.restore: list[tuple[object, str, object]] = []
        self.sql: dict[str, list[float]] = {}
        self.sql_context = None

    def __enter__(self) -> _Breakdown:
        if not self.enabled:
            return self
        import importlib

        from django.db import connection

        for target in BREAKDOWN_TARGETS:
            module_name, _, path = target.partition(":")
            owner = importlib.import_module(module_name)
            *parents, name = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent, None)
            raw = inspect.getattr_static(owner, name, None) if owner is not None else None
            if raw is None:
                continue
            static = isinstance(raw, staticmethod)
            function = raw.__func__ if static else raw
            wrapped = self._wrap(path, function)
            setattr(owner, name, staticmethod(wrapped) if static else wrapped)
            self.restore.append((owner, name, raw))
        self.sql_context = connection.execute_wrapper(self._time_sql)
        self.sql_context.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        for owner, name, raw in reversed(self.restore):
            setattr(owner, name, raw)
        if self.sql_context is not None:
            self.sql_context.__exit__(*exc_info)

    def _wrap(self, label: str, function):
        record = self.times.setdefault(label, [0.0, 0])
        clock = time.perf_counter

        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                record[0] += clock() - started
                record[1] += 1

        return timed

    def _time_sql(self, execute, sql, params, many, context):
        match = self._SQL.match(sql)
        if match:
            verb = match.group(1)
            verb = "SELECT" if verb.startswith("SELECT") else verb.rsplit(" ", 1)[0]
        else:
            verb = sql.split(None, 1)[0].upper()
        key = f"{verb} {match.group(2) if match else ''}".strip()
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            record = self.sql.setdefault(key, [0.0, 0])
            record[0] += time.perf_counter() - started
            record[1] += 1

    def report(self, total: float) -> dict:
        lines = [f"{'inclusive s':>11} {'share':>6} {'calls':>9}  function"]
        for label, (seconds, calls) in sorted(self.times.items(), key=lambda i: -i[1][0]):
            lines.append(f"{seconds:>11.2f} {seconds / total:>6.1%} {calls:>9,}  {label}")
        lines.append(f"{'execute s':>11} {'share':>6} {'calls':>9}  SQL statement, table")
        for key, (seconds, calls) in sorted(self.sql.items(), key=lambda i: -i[1][0]):
            lines.append(f"{seconds:>11.2f} {seconds / total:>6.1%} {calls:>9,}  {key}")
        print("\n".join(lines), file=sys.stderr)
        return {"functions": self.times, "sql": self.sql}


class _Profiler:
    """cProfile (deterministic, heavy on many small calls) or pyinstrument (sampling,
    wall clock, light; ``pip install pyinstrument``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "pyinstrument":
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.001)
        else:
            self.profiler = cProfile.Profile()

    def start(self) -> None:
        if self.kind == "pyinstrument":
            self.profiler.start()
        else:
            self.profiler.enable()

    def stop(self) -> None:
        if self.kind == "pyinstrument":
            self.profiler.stop()
        else:
            self.profiler.disable()

    def save(self, directory: Path, name: str) -> str:
        """Write the profile, print its summary on stderr; return the file written."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.kind == "pyinstrument":
            path = directory / f"{name}.pyisession"
            self.profiler.last_session.save(path)
            (directory / f"{name}.txt").write_text(self.profiler.output_text(color=False))
            (directory / f"{name}.html").write_text(self.profiler.output_html())
            print(self.profiler.output_text(color=False), file=sys.stderr)
            return str(path)
        path = directory / f"{name}.prof"
        self.profiler.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(self.profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
        return str(path)


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _progress_rates(started: float, marks: list[tuple[float, int]], total: int) -> dict[str, float]:
    """Seconds to the first progress report; pages/s over the second and the last tenth.

    The importer reports progress once per batch; a late rate well below the early one
    means that per-batch work grows with the catalogue.
    """
    if not marks or not total:
        return {}
    rates = {"first_report_s": marks[0][0] - started}
    timeline = [(started, 0), *marks]

    def at(fraction: float) -> tuple[float, int]:
        return next(m for m in timeline if m[1] >= fraction * total)

    if len(marks) >= 10:
        for name, low, high in (("early", 0.1, 0.2), ("late", 0.9, 1.0)):
            (t0, d0), (t1, d1) = at(low), at(high)
            if t1 > t0:
                rates[f"{name}_pages_s"] = (d1 - d0) / (t1 - t0)
    return rates


def code_fingerprint() -> dict[str, str]:
    """Which importer was measured: the commit, and a digest of catalog/**/*.py as
    they are on disk (uncommitted changes included). Read-only: no git state changes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "catalog").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = "?"
    return {"head": head, "catalog_sha256": digest.hexdigest()[:12]}


# --- the driver ------------------------------------------------------------------------


def run_size(args: argparse.Namespace, pages: int) -> dict:
    directory, stats, generated = ensure_corpus(Path(args.cache_dir), pages, args.seed)
    how = f"generated in {generated:.1f}s" if generated is not None else "cached"
    print(
        f"[{pages} pages] corpus {directory} ({how}): {stats['entries']:,} entries, "
        f"{stats['bytes'] / (1 << 20):,.0f} MiB",
        file=sys.stderr,
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-import-{pages}-"))
    database = f"bench_import_{pages}" if args.database_url else None
    try:
        if database:
            database_url = create_database(args.database_url, database)
        else:
            database_url = f"sqlite:///{workdir / 'catalog.sqlite3'}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            # DEBUG off: with DEBUG on Django records every query, which is not
            # what a production import pays.
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-not-a-secret",
            "PYTHONHASHSEED": "0",
        }
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            str(directory),
            "--result",
            str(workdir / "result.json"),
        ]
        if args.batch_pages:
            command += ["--batch-pages", str(args.batch_pages)]
        if args.profile:
            command += ["--profile", args.profile, "--profiler", args.profiler]
        if args.breakdown:
            command.append("--breakdown")
        for pragma in args.sqlite_pragma:
            command += ["--sqlite-pragma", pragma]
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        result = json.loads((workdir / "result.json").read_text())
    finally:
        if args.keep_db:
            print(f"[{pages} pages] kept {workdir}", file=sys.stderr)
            if database:
                print(f"[{pages} pages] kept database {database}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if database:
                drop_database(args.database_url, database)
    result["generated_s"] = generated
    _print_detail(result)
    return result


def _print_detail(r: dict) -> None:
    c, db = r["corpus"], r["db"]
    rates = r["rates"]
    print(
        f"[{r['pages']} pages] import {r['import_s']:.1f}s"
        + (f" (under {r['profiled']})" if r["profiled"] else "")
        + f", CPU {r['import_cpu_s']:.1f}s (children included)"
        + (
            f"; pages/s early {rates['early_pages_s']:.0f}, late {rates['late_pages_s']:.0f}"
            if "late_pages_s" in rates
            else ""
        )
        + f"; read+parse alone (one process) {r['read_parse_s']:.1f}s"
        + (
            f"; PostgreSQL backend CPU {r['server_cpu_s']:.1f}s"
            if r.get("server_cpu_s") is not None
            else ""
        )
        + f"; peak RSS {r['import_max_rss_mb']:,.0f} MiB"
        + (
            f"; database {r['database']} {r['db_mb']:,.0f} MiB (pg_database_size)"
            if "postgresql" in r
            else f"; database file {r['db_mb']:,.0f} MiB"
        )
        + f"; code {r['code']['head']} catalog/{r['code']['catalog_sha256']}"
        + (f"; postgresql {r['postgresql']}" if "postgresql" in r else f"; sqlite {r['sqlite']}"),
        file=sys.stderr,
    )
    checks = [
        ("pages", r["new"], c["pages"]),
        ("entries", db["entries"], c["entries"]),
        ("authors", db["authors"], c["named_pages"]),
        ("papers", db["papers"], c["certain_papers"]),
        ("authorships", db["authorships"], c["authorships"]),
        ("venues", db["venues"], c["venues"]),
    ]
    print(
        f"[{r['pages']} pages] catalogue vs corpus: "
        + ", ".join(
            f"{name} {got:,}" + ("" if got == want else f" (corpus: {want:,})")
            for name, got, want in checks
        )
        + f"; {c['distinct_papers']:,} distinct papers behind the entries"
        + (f"; REJECTED: {r['rejected']}" if r["rejected"] else ""),
        file=sys.stderr,
        flush=True,
    )


def print_table(results: list[dict]) -> None:
    header = (
        f"{'pages':>7} {'entries':>9} {'import s':>9} {'entries/s':>10} "
        f"{'raw s':>7} {'rows/s':>10} {'ratio':>7} {'raw+idx s':>9} "
        f"{'re-import s':>11} {'unchanged':>15}"
    )
    print()
    print("engine: " + ", ".join(dict.fromkeys(r["engine"] for r in results)))
    print(header)
    print("-" * len(header))
    for r in results:
        entries = r["entries"]
        ok = "ok" if r["reimport_unchanged"] == r["pages"] else "NOT ALL"
        print(
            f"{r['pages']:>7,} {entries:>9,} {r['import_s']:>9.2f} "
            f"{entries / r['import_s']:>10,.0f} {r['raw_s']:>7.2f} "
            f"{r['raw_rows'] / r['raw_s']:>10,.0f} {r['import_s'] / r['raw_s']:>6.0f}x "
            f"{r['raw_indexed_s']:>9.2f} {r['reimport_s']:>11.2f} "
            f"{r['reimport_unchanged']:>7,}/{r['pages']:<,} {ok}"
        )
    if any("postgresql" in r for r in results):
        floor = (
            "raw: psycopg COPY FROM STDIN, one row per entry, one transaction, into a plain "
            "table\n(identity primary key) of the same database, the server's settings;"
        )
    else:
        floor = (
            "raw: sqlite3 executemany, one row per entry, one transaction, WAL + "
            "synchronous=NORMAL;"
        )
    print(
        "\nimport s: import_pages wall clock, reading and parsing included; ratio: import s "
        f"/ raw s.\n{floor}\nraw+idx: the same with indexes on both key columns.\n"
        "re-import: import_pages again on the same files (all must be unchanged)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark import_pages against a raw sqlite3 executemany floor "
        "(or a psycopg COPY floor on PostgreSQL)."
    )
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--batch-pages", type=int, default=None, help="pages per transaction (importer default)"
    )
    parser.add_argument("--cache-dir", default=str(DEFAULT_CACHE), help="corpus cache folder")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="postgresql://USER@HOST:PORT/DBNAME: run on this PostgreSQL server, in a fresh "
        "database bench_import_PAGES per size (dropped first if it exists); DBNAME is only "
        "used to create and drop it. Default: a fresh SQLite file per size",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database files (or databases)"
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run the first import under a profiler, write DIR/import-PAGES.prof "
        "(or .pyisession, .txt, .html); times are then inflated",
    )
    parser.add_argument(
        "--profiler",
        choices=["cprofile", "pyinstrument"],
        default="cprofile",
        help="with --profile: cProfile (default) or pyinstrument (sampling, wall clock)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="time the importer's main functions and its SQL (light instrumentation)",
    )
    parser.add_argument(
        "--sqlite-pragma",
        action="append",
        default=[],
        metavar="PRAGMA",
        help="an extra PRAGMA for the importer's connections, e.g. cache_size=-262144 "
        "(an experiment: the project's settings stay as they are); repeatable",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.database_url and not is_postgres(args.database_url):
        parser.error("--database-url takes a postgresql://USER@HOST:PORT/DBNAME URL")
    if args.database_url and args.sqlite_pragma:
        parser.error(
            "--sqlite-pragma applies to SQLite only: drop it, or --database-url "
            "(PostgreSQL settings belong to the server: ALTER SYSTEM / postgresql.conf)"
        )
    if args.worker:
        worker(args)
        return
    print(
        f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} cpus, batch_pages={args.batch_pages or 'importer default'}",
        file=sys.stderr,
    )
    results = [run_size(args, pages) for pages in args.pages]
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
