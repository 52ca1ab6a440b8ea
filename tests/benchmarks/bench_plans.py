"""Check PostgreSQL's query plans of every reader and curator page at 100k papers, and time them.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_plans.py
    .venv/bin/python tests/benchmarks/bench_plans.py --analyze      # and run them: ms
    .venv/bin/python tests/benchmarks/bench_plans.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve

Reads the PostgreSQL catalogue that bench_serve.py built (100,438 papers, 32,343
authors, the prolific author of 2,000 papers); builds nothing. Writes only a
curator user ``bench-curator`` (in the curators group; its session is removed at
the end) and, if they are missing, the curators' queues in their cache.

Requests each page with django.test.Client (DEBUG off, page cache off, API
throttles out of the way), the curator pages signed in as ``bench-curator`` with
the queues already computed (the dashboard is requested once before, which computes
those missing). Every SQL statement a request runs is captured
(``connection.execute_wrapper``); each SELECT is then explained with the same
parameters (``EXPLAIN (FORMAT JSON)``, or ``EXPLAIN (ANALYZE, FORMAT JSON)`` with
--analyze, rolled back) and its plan tree walked. A sequential scan of papers,
authorships or page entries (``catalog_paper``, ``catalog_authorship``,
``catalog_sourceentry``) is flagged: no reader's or curator's page may read a whole
one of them. Sequential scans of other (small) tables are listed, not flagged.

Prints one line per page: status, statements run, the sum of the plans' estimated
total costs (and of their measured execution times with --analyze), the verdict
(``ok`` or ``SEQ SCAN <tables>``) and the scan kinds used; then each flagged
statement (its first 300 characters) with its plan as EXPLAIN text, and a last
line counting the pages with a sequential scan. Each page is then requested
--repeat more times (default 10) and its median and slowest wall-clock time printed
(one process, page cache off: what a reader's first visit or a signed-in curator
costs). A SQLite catalogue (``--database-url sqlite:///...``) gets the timings only.
Figures only: the exit code is 0 whatever the plans.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_serve import catalogue_env, manage  # noqa: E402

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/bench_serve"
BIG_TABLES = ("catalog_paper", "catalog_authorship", "catalog_sourceentry")
CURATOR = "bench-curator"
SQL_SHOWN = 300


@dataclass
class Statement:
    sql: str
    params: object
    plan: dict | None = None  # the JSON plan's top entry ("Plan", "Execution Time", ...)
    error: str = ""

    @property
    def is_select(self) -> bool:
        return self.sql.lstrip(" (").upper().startswith(("SELECT", "WITH"))


@dataclass
class PageResult:
    label: str
    path: str
    status: int
    statements: list[Statement]
    cost: float = 0.0
    execution_ms: float = 0.0
    scans: list[str] = field(default_factory=list)  # "Index Scan catalog_author", ...
    flagged: list[tuple[Statement, set[str]]] = field(default_factory=list)
    other_seq: dict[str, float] = field(default_factory=dict)  # table -> its rows (plan)
    times_ms: list[float] = field(default_factory=list)  # wall clock of the timed requests
    explained: bool = False  # PostgreSQL only

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def flagged_tables(self) -> list[str]:
        return sorted(set().union(*(tables for _, tables in self.flagged)))

    @property
    def verdict(self) -> str:
        tables = self.flagged_tables
        if tables:
            return f"SEQ SCAN {', '.join(tables)}"
        if self.status != 200:
            return f"failed ({self.status}): plans incomplete"
        return "ok" if self.explained else "-"


def setup_django(database_url: str) -> None:
    env = {
        **catalogue_env(database_url),
        "ALLOWED_HOSTS": "testserver",
        "PAGE_CACHE_SECONDS": "0",
        # The premise is queues computed once and kept: never 0 (computed per request).
        "QUEUE_CACHE_SECONDS": "900",
    }
    manage(env, "collectstatic", "--noinput", "-v0")  # the HTML pages need the manifest
    os.environ.update(env)
    import django

    django.setup()


def plan_nodes(node: dict):
    """The node and every node under it (sub-plans, init plans included)."""
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def scan_label(node: dict) -> str | None:
    if "Relation Name" not in node or not node["Node Type"].endswith("Scan"):
        return None
    kind = node["Node Type"]
    if node.get("Parallel Aware") and not kind.startswith("Parallel"):
        kind = f"Parallel {kind}"
    return f"{kind} {node['Relation Name']}"


def explain(sql: str, params: object, options: str) -> object:
    """EXPLAIN (``options``) of one statement, on its own cursor, rolled back (with
    ANALYZE the statement really runs)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}", params)
            rows = cursor.fetchall()
        transaction.set_rollback(True)
    return rows


def explain_json(statement: Statement, analyze: bool) -> None:
    from django.db import DatabaseError

    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    try:
        value = explain(statement.sql, statement.params, options)[0][0]
    except DatabaseError as error:
        statement.error = str(error).strip().splitlines()[0]
        return
    if isinstance(value, str):
        value = json.loads(value)
    statement.plan = value[0]


def explain_text(statement: Statement, analyze: bool) -> str:
    options = "ANALYZE, FORMAT TEXT" if analyze else "FORMAT TEXT"
    return "\n".join(row[0] for row in explain(statement.sql, statement.params, options))


def request(client, label: str, path: str, analyze: bool, repeat: int) -> PageResult:
    """``path`` requested once, every statement captured, then each SELECT explained
    (PostgreSQL); then ``repeat`` more requests, timed (wall clock, in this process)."""
    from django.db import connection

    statements: list[Statement] = []

    def record(execute, sql, params, many, context):
        statements.append(Statement(sql, params if not many else None))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(path)
    result = PageResult(label, path, response.status_code, statements)
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        result.times_ms.append((time.perf_counter() - started) * 1000)
    if connection.vendor != "postgresql":
        return result
    result.explained = True
    scans: dict[str, None] = {}
    for statement in statements:
        if not statement.is_select:  # session writes, savepoints, SET...
            continue
        explain_json(statement, analyze)
        if statement.plan is None:
            continue
        result.cost += statement.plan["Plan"]["Total Cost"]
        result.execution_ms += statement.plan.get("Execution Time", 0.0)
        big = set()
        for node in plan_nodes(statement.plan["Plan"]):
            label = scan_label(node)
            if label is None:
                continue
            scans[label] = None
            if node["Node Type"] == "Seq Scan":
                if node["Relation Name"] in BIG_TABLES:
                    big.add(node["Relation Name"])
                else:
                    result.other_seq[node["Relation Name"]] = node["Plan Rows"]
        if big:
            result.flagged.append((statement, big))
    result.scans = list(scans)
    return result


# --- the pages -------------------------------------------------------------------------


def pick_records() -> dict[str, object]:
    """Concrete records for the pages' addresses (ORM; none of this is measured)."""
    from django.db.models import Count

    from catalog.models import Author, Paper, SourcePage, Venue
    from curation import queues

    author = (
        Author.objects.live()
        .exclude(slug="prolific-paula")
        .annotate(n=Count("authorships"))
        .filter(n__gte=8)
        .order_by("pk")
        .first()
    )
    paper = (
        Paper.objects.live()
        .exclude(title="")
        .annotate(n=Count("authorships"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    venue = Venue.objects.annotate(n=Count("appearances")).order_by("-n", "pk").first()
    page = SourcePage.objects.filter(author__isnull=True).first()
    queues.compute(full=True)  # as the worker does
    found = queues.queues("paper_pairs", "author_pairs")
    author_pairs = found["author_pairs"].items
    if author_pairs:
        authors = [author_pairs[0].first.pk, author_pairs[0].second.pk]
        authors_from = "first pair of the author-duplicates queue"
    else:
        namesake = (
            Author.objects.live()
            .filter(family_name=author.family_name)
            .exclude(pk=author.pk)
            .order_by("pk")
            .first()
        ) or Author.objects.live().exclude(pk=author.pk).order_by("pk").first()
        authors = [author.pk, namesake.pk]
        authors_from = "an author of several papers and a namesake (queue empty)"
    paper_pairs = found["paper_pairs"].items
    if paper_pairs:
        papers = [paper_pairs[0].first.id, paper_pairs[0].second.id]
        papers_from = "first pair of the paper-duplicates queue"
    else:
        other = Paper.objects.live().exclude(pk=paper.pk).order_by("pk").first()
        papers = [paper.pk, other.pk]
        papers_from = "a paper with authors and another (queue empty)"
    return {
        "author": author,
        "paper": paper,
        "venue": venue,
        "page": page,
        "authors": authors,
        "authors_from": authors_from,
        "papers": papers,
        "papers_from": papers_from,
    }


def reader_pages(r: dict[str, object]) -> list[tuple[str, str]]:
    paper, venue = r["paper"].slug, r["venue"].slug
    return [
        ("home", "/"),
        ("author list", "/authors/"),
        ("author name search", "/authors/?q=carla+coauthor150"),
        ("authors by letter", "/authors/?letter=K"),
        ("profile, 2,000 papers", "/authors/prolific-paula/"),
        ("profile by venue", "/authors/prolific-paula/?order=venue"),
        ("profile page 20", "/authors/prolific-paula/?page=20"),
        ("paper", f"/papers/{paper}/"),
        ("venue", f"/venues/{venue}/"),
        ("search, common words", "/search/?q=learning+systems"),
        ("search, rarer words", "/search/?q=sparse+autoencoders+proteins"),
        ("API author list", "/api/authors/"),
        ("API author name filter", "/api/authors/?name=carla"),
        ("API author", "/api/authors/prolific-paula/"),
        ("API author's papers", "/api/authors/prolific-paula/papers/"),
        ("API paper list", "/api/papers/"),
        ("API paper words", "/api/papers/?q=learning"),
        ("API paper", f"/api/papers/{paper}/"),
        ("API venue list", "/api/venues/"),
        ("API page list", "/api/pages/"),
    ]


def curator_pages(r: dict[str, object]) -> list[tuple[str, str]]:
    authors = "&".join(f"ids={pk}" for pk in r["authors"])
    papers = "&".join(f"ids={pk}" for pk in r["papers"])
    return [
        ("dashboard", "/curation/"),
        ("page queue", "/curation/pages/"),
        ("assign form", f"/curation/pages/{r['page'].pk}/assign/"),
        ("merge authors preview", f"/curation/authors/merge/?{authors}"),
        ("merge papers preview", f"/curation/papers/merge/?{papers}"),
        ("history", "/curation/history/"),
        ("split form, 2,000 papers", "/curation/authors/prolific-paula/split/"),
    ]


def curator_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from curation.access import ensure_curators_group

    user, _ = get_user_model().objects.get_or_create(username=CURATOR)
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(ensure_curators_group())
    client = Client(raise_request_exception=False)  # a failing page is a status, not a stop
    client.force_login(user)
    return client


# --- report ----------------------------------------------------------------------------


def print_table(results: list[PageResult], analyze: bool) -> None:
    width = max(len(r.path) for r in results)
    timing = f" {'exec ms':>8}" if analyze else ""
    print(
        f"\n{'page':<{width}} {'status':>6} {'queries':>7} {'p50 ms':>7} {'max ms':>7} "
        f"{'est. cost':>10}{timing}  verdict"
    )
    print(f"{'':<{width}}   scans")
    for r in results:
        timing = f" {r.execution_ms:>8.1f}" if analyze else ""
        slowest = max(r.times_ms) if r.times_ms else float("nan")
        print(
            f"{r.path:<{width}} {r.status:>6} {len(r.statements):>7} {r.p50_ms:>7.1f} "
            f"{slowest:>7.1f} {r.cost:>10.0f}{timing}  {r.verdict}"
        )
        print(f"{'':<{width}}   {', '.join(r.scans) or '-'}")


def print_flagged(results: list[PageResult], analyze: bool) -> None:
    shown: dict[str, str] = {}  # SQL -> the page where its plan was printed
    for r in results:
        if not r.flagged:
            continue
        print(f"\n=== {r.path} ({r.label}): {r.verdict}")
        for n, (statement, tables) in enumerate(r.flagged, 1):
            sql = " ".join(statement.sql.split())
            print(f"\n--- statement {n}: seq scan of {', '.join(sorted(tables))}")
            print(sql[:SQL_SHOWN] + ("..." if len(sql) > SQL_SHOWN else ""))
            if statement.sql in shown:
                print(f"(same statement and plan as on {shown[statement.sql]})")
                continue
            shown[statement.sql] = r.path
            print(f"params: {statement.params!r}"[:SQL_SHOWN])
            print(explain_text(statement, analyze))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE,
        help="a PostgreSQL catalogue built by bench_serve.py (default: %(default)s)",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="EXPLAIN ANALYZE: run each statement again and add its execution time",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=10,
        help="timed requests per page after the explained one (p50 and max printed)",
    )
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client

    from catalog.models import Author, Authorship, Paper, SourceEntry

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
    else:
        version = f"SQLite {connection.Database.sqlite_version} (timings only: no EXPLAIN)"
    print(
        f"{version}: {Paper.objects.count():,} papers, "
        f"{Author.objects.count():,} authors, {Authorship.objects.count():,} authorships, "
        f"{SourceEntry.objects.count():,} page entries"
    )

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending)
        print(f"WARNING: migrations not applied to this database: {names}")
        print("         pages that need them fail; plans may differ from a migrated database")

    curator = curator_client()
    records = pick_records()  # computes the queues first, as the worker does
    print(
        f"records: paper {records['paper'].slug}, "
        f"venue {records['venue'].slug}, unassigned page {records['page'].pk}, "
        f"authors {records['authors']} ({records['authors_from']}), "
        f"papers {records['papers']} ({records['papers_from']})"
    )

    reader = Client(raise_request_exception=False)
    results = [request(reader, *page, args.analyze, args.repeat) for page in reader_pages(records)]
    results += [
        request(curator, *page, args.analyze, args.repeat) for page in curator_pages(records)
    ]
    curator.logout()  # removes the session row force_login wrote

    print_table(results, args.analyze)
    for r in results:
        if r.status != 200:
            print(f"not 200: {r.path} answered {r.status}")
        for statement in r.statements:
            if statement.error:
                print(f"not explained on {r.path}: {statement.error}")
    other: dict[str, list[str]] = {}
    rows: dict[str, float] = {}
    for r in results:
        for table, estimate in r.other_seq.items():
            other.setdefault(table, []).append(r.path)
            rows[table] = max(rows.get(table, 0), estimate)
    if other:
        print("\nsequential scans of other tables (not flagged; rows as the planner expects):")
        for table, paths in sorted(other.items()):
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            print(f"  {table} (~{rows[table]:,.0f} rows): {len(paths)} pages: {shown}")
    print_flagged(results, args.analyze)

    if connection.vendor != "postgresql":
        return
    flagged = [r for r in results if r.flagged]
    ok = sum(1 for r in results if not r.flagged and r.status == 200)
    failed = sum(1 for r in results if r.status != 200)
    print(
        f"\nplans: {len(results)} pages, {ok} ok, {len(flagged)} with a sequential scan "
        "of papers/authorships/entries" + (f", {failed} not answering 200" if failed else "")
    )


if __name__ == "__main__":
    main()
