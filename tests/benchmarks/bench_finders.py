"""Benchmark the curators' finders (curation/finders/): time at scale, quality on real data.

    cd /work/main && .venv/bin/python tests/benchmarks/bench_finders.py [--pages 40000] [--db FILE]
    .venv/bin/python tests/benchmarks/bench_finders.py --only gold      # quality figures only
    .venv/bin/python tests/benchmarks/bench_finders.py --only timing --db /tmp/catalog.sqlite3
    .venv/bin/python tests/benchmarks/bench_finders.py --only timing \\
        --database-url postgresql://postgres@127.0.0.1:5432/bench_serve

Timing: builds (or reuses, with --db) a SQLite catalogue from the synthetic corpus
(tests/benchmarks/corpus.py; 40,000 pages give about 100,000 papers) plus the
prolific author of bench_serve.py (2,000 papers, 300 co-author pages), exactly as
bench_serve.py does, so one --db file serves both. A child process (DEBUG off)
then runs each finder twice: the first run's wall clock (cold caches), the second
run's wall clock and its number of queries.

Quality: the gold-labelled data in ../shared/data (read from there at run time,
never copied into the project; see its README for licences) is written into fresh
SQLite catalogues, one per data set, row by row rather than through the importer,
so that the finders see every record:

- duplicate papers: bib-dedupe (5 literature-search exports; a pair is positive
  when both records are in one duplicate group) and s2apler (labelled clusters
  only: pairs with an unlabelled "orphan" record are ignored). Pairwise precision
  and recall of duplicate_paper_candidates.
- mixed profiles: AMiner name disambiguation, one author per ambiguous name
  holding all its papers (109 profiles that each mix 1 to 112 people; titles,
  venues and co-authors, no abstracts). B-cubed precision and recall of
  profile_clusters against the gold persons, next to the "one cluster" baseline.
- duplicate authors: AMiner again, one author per gold person, with every
  person of 4 papers or more cut into two authors (the positives). All
  same-name pairs are candidates by design (names are all the finder compares);
  what counts is the ranking: precision among the top-ranked pairs (as many as
  there are positives) and average precision.
- page suggestions: AMiner per gold person; for each person of 6 papers or more,
  an anonymous page of 4 of their papers, 2 of which are taken off the person's
  profile (the page brings papers the profile lacks). Top-1 and top-3 accuracy of
  page_suggestions, over candidates that include the person's homonyms.

Figures only, no assertions. Co-authors in AMiner are name strings: each distinct
folded string becomes an author, so "J. Guo" and "Jun Guo" are two co-authors.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.gold import (  # noqa: E402
    BIB_DEDUPE_SETS,
    DATA,
    Loader,
    _aminer,
    _load_aminer,
    _pairs,
    _reset,
    aminer_pages,
)

GOLD_TASKS = ("papers", "profiles", "authors", "suggestions")


# --- the parent: catalogues and child processes -------------------------------------


def _env(db: Path | str) -> dict[str, str]:
    """The child's environment over a SQLite file or a database URL."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": db if isinstance(db, str) else f"sqlite:///{db}",
        "DEBUG": "false",  # with DEBUG on, Django records every query
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "PYTHONHASHSEED": "0",
    }


def build_catalogue(db: Path, pages: int, seed: int) -> None:
    """The synthetic catalogue of bench_serve.py, unless ``db`` exists already."""
    if db.exists():
        return
    from tests.benchmarks.bench_import import DEFAULT_CACHE, ensure_corpus
    from tests.benchmarks.bench_serve import manage, write_prolific_pages

    corpus, stats, _ = ensure_corpus(Path(DEFAULT_CACHE), pages, seed)
    extra = db.parent / f"{db.stem}-prolific"
    write_prolific_pages(extra)
    print(f"building {db}: {stats['entries']:,} corpus entries + prolific author", flush=True)
    started = time.monotonic()
    manage(_env(db), "migrate", "--verbosity", "0")
    manage(_env(db), "import_seeds", "--no-progress", str(corpus), str(extra))
    print(f"built in {time.monotonic() - started:.0f}s", flush=True)


def child(task: str, db: Path | str, data: Path) -> None:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--db", str(db)]
    command += ["--data", str(data)]
    subprocess.run(command, env=_env(db), cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40_000, help="synthetic corpus pages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", help="SQLite file of the synthetic catalogue, built once, reused")
    parser.add_argument(
        "--database-url",
        help="time the finders on this database instead (PostgreSQL: a catalogue built by "
        "bench_serve.py, or built here when it holds no pages)",
    )
    parser.add_argument("--data", default=str(DATA), help="the gold data folder (shared/data)")
    parser.add_argument("--only", choices=["timing", "gold", *GOLD_TASKS])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.db), Path(args.data))
        return
    with tempfile.TemporaryDirectory(prefix="bench-finders-") as tmp:
        if args.only in (None, "timing") and args.database_url:
            from tests.benchmarks.bench_serve import ensure_catalogue

            ensure_catalogue(_env(args.database_url), args.pages, args.seed, Path(tmp))
            child("timing", args.database_url, Path(args.data))
        elif args.only in (None, "timing"):
            db = Path(args.db) if args.db else Path(tmp) / "catalog.sqlite3"
            build_catalogue(db, args.pages, args.seed)
            child("timing", db, Path(args.data))
        tasks = GOLD_TASKS if args.only in (None, "gold") else (args.only,)
        for task in tasks if args.only != "timing" else ():
            child(task, Path(tmp) / f"{task}.sqlite3", Path(args.data))


# --- the child: Django set up on one catalogue ---------------------------------------


def worker(task: str, db: Path, data: Path) -> None:
    import django

    django.setup()
    if task == "timing":
        timing()
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    {
        "papers": gold_papers,
        "profiles": gold_profiles,
        "authors": gold_authors,
        "suggestions": gold_suggestions,
    }[task](data)


def _run(label: str, function) -> object:
    """Run twice: cold wall clock, then warm wall clock and query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    result = function()
    cold = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        function()
        warm = time.perf_counter() - started
    print(f"{label:<48} {cold:>8.2f} {warm:>8.2f} {len(queries):>8} {len(result):>8}", flush=True)
    return result


def timing() -> None:
    from django.db.models import Count

    from catalog.models import Author, SourcePage
    from catalog.selectors import catalogue_figures
    from curation import finders

    f = catalogue_figures()
    print(
        f"\ncatalogue: {f.papers:,} papers ({f.abstract_only_papers:,} abstract-only), "
        f"{f.authors:,} authors, {f.authorships:,} authorships, "
        f"{f.unassigned_pages:,} anonymous pages waiting\n"
    )
    print(f"{'finder':<48} {'cold s':>8} {'warm s':>8} {'queries':>8} {'results':>8}")
    page = SourcePage.objects.filter(author__isnull=True).order_by("source").first()
    prolific = Author.objects.get(slug="prolific-paula")
    largest = (
        Author.objects.filter(merged_into__isnull=True)
        .exclude(pk=prolific.pk)
        .annotate(n=Count("authorships"))
        .order_by("-n")
        .first()
    )
    _run("catalogue_vocabulary()", lambda: finders.catalogue_vocabulary().frequencies)
    _run(f"page_suggestions({page.source})", lambda: finders.page_suggestions(page))
    _one_at_a_time()
    _run("pages_to_assign(limit=20)", lambda: finders.pages_to_assign(limit=20))
    _run("pages_to_assign(limit=50)", lambda: finders.pages_to_assign(limit=50))
    _run("duplicate_paper_candidates(limit=100)", finders.duplicate_paper_candidates)
    _run("duplicate_author_candidates(limit=100)", finders.duplicate_author_candidates)
    _run("mixed_profiles(limit=50) (500 profiles)", finders.mixed_profiles)
    _run("mixed_profiles(max_profiles=100)", lambda: finders.mixed_profiles(max_profiles=100))
    _run("profile_clusters(2,000 papers)", lambda: finders.profile_clusters(prolific))
    _run(
        f"profile_clusters({largest.authorships.count()} papers)",
        lambda: finders.profile_clusters(largest),
    )
    print("\n(the queues as the worker computes them: tests/benchmarks/bench_queues.py)")


def _one_at_a_time(count: int = 50) -> None:
    """The first ``count`` waiting pages judged one by one, as the assign page and
    the curators' JSON judge them: median, 90th percentile and slowest."""
    import statistics

    from catalog.models import SourcePage
    from curation import finders

    pages = list(
        SourcePage.objects.filter(kind=SourcePage.Kind.ANONYMOUS, author__isnull=True)
        .defer("raw_text")
        .order_by("source")[:count]
    )
    finders.page_judgement(pages[0])  # the vocabulary counted and kept, as in service
    times = []
    for page in pages:
        started = time.perf_counter()
        finders.page_judgement(page)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"{'page_judgement, ' + str(len(pages)) + ' pages one at a time':<48} "
        f"median {statistics.median(times):.0f} ms, p90 {times[int(len(times) * 0.9)]:.0f} ms, "
        f"slowest {times[-1]:.0f} ms (target < 100 ms)",
        flush=True,
    )


# --- loading gold data -------------------------------------------------------------------


def _precision_recall(found: set, positives: set, judged: set | None = None) -> str:
    """Pairwise figures; ``judged``: the found pairs that can be judged at all."""
    judged = found if judged is None else judged
    true = len(found & positives)
    precision = true / len(judged) if judged else float("nan")
    recall = true / len(positives) if positives else float("nan")
    return (
        f"found {len(judged):,} judged pairs, {true:,} right: precision {precision:.1%}, "
        f"recall {recall:.1%} of {len(positives):,}"
    )


# --- duplicate papers -------------------------------------------------------------------


def _paper_pairs_found(key_of_id: dict[int, str]) -> list[tuple[str, str]]:
    """The candidate pairs, best first, as pairs of record keys."""
    from curation.finders import duplicate_paper_candidates

    started = time.perf_counter()
    pairs = duplicate_paper_candidates(limit=10**9)
    seconds = time.perf_counter() - started
    print(f"  duplicate_paper_candidates: {len(pairs):,} pairs in {seconds:.2f}s")
    return [tuple(sorted((key_of_id[p.first.id], key_of_id[p.second.id]))) for p in pairs]


def _top_precision(ranked: list, positives: set) -> str:
    """Precision among the first pairs of the queue, as many as there are positives."""
    top = ranked[: len(positives)]
    right = sum(pair in positives for pair in top)
    return f"; precision of the first {len(top):,}: {right / len(top):.1%}" if top else ""


def _precision_at_recall(ranked: list, positives: set, *, target: float = 0.95) -> str:
    """Over the prefixes of the ranked pairs (score thresholds): the best precision
    of one whose recall reaches ``target`` ('not reached' when none does), and the
    best recall of one whose precision does."""
    best, at_precision, right = None, 0.0, 0
    for count, pair in enumerate(ranked, start=1):
        right += pair in positives
        if right / len(positives) >= target:
            best = max(best or 0.0, right / count)
        if right / count >= target:
            at_precision = max(at_precision, right / len(positives))
    reached = f"{best:.1%}" if best is not None else "not reached"
    return (
        f"; precision at recall {target:.0%}: {reached}; recall at precision {target:.0%}: "
        f"{at_precision:.1%}"
    )


def gold_papers(data: Path) -> None:
    from catalog.normalize import title_key

    print("\n== duplicate papers")
    union_records: list[tuple[str, dict]] = []
    union_positives: set = set()
    for name in BIB_DEDUPE_SETS:
        folder = data / "bib-dedupe-benchmark" / name
        _reset()
        loader = Loader()
        with (folder / "records_pre_merged.csv").open(encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
        for r in records:
            loader.paper(r["ID"], r.get("title", ""), r.get("abstract", ""), r.get("journal", ""))
        loader.save()
        with (folder / "merged_record_ids.csv").open(encoding="utf-8") as handle:
            groups = [row["merged_ids"].split(";") for row in csv.DictReader(handle)]
        positives = _pairs(groups)
        union_records += [(f"{name}:{r['ID']}", r) for r in records]
        union_positives |= {(f"{name}:{a}", f"{name}:{b}") for a, b in positives}
        same_title = sum(
            1
            for a, b in positives
            if title_key(loader.papers[a].title) == title_key(loader.papers[b].title)
        )
        print(
            f"bib-dedupe {name}: {len(records):,} records, {len(positives):,} duplicate pairs "
            f"({same_title:,} with the same folded title)"
        )
        key_of_id = {p.pk: key for key, p in loader.papers.items()}
        ranked = _paper_pairs_found(key_of_id)
        print(
            "  "
            + _precision_recall(set(ranked), positives)
            + _top_precision(ranked, positives)
            + _precision_at_recall(ranked, positives)
        )

    _reset()
    loader = Loader()
    for key, r in union_records:
        loader.paper(key, r.get("title", ""), r.get("abstract", ""), r.get("journal", ""))
    loader.save()
    union_positives = {tuple(sorted(pair)) for pair in union_positives}
    print(f"bib-dedupe union: {len(union_records):,} records, {len(union_positives):,} pairs")
    ranked = _paper_pairs_found({p.pk: key for key, p in loader.papers.items()})
    print(
        "  "
        + _precision_recall(set(ranked), union_positives)
        + _precision_at_recall(ranked, union_positives)
    )

    _reset()
    folder = data / "s2apler-paper-dedup"
    papers = json.loads((folder / "papers.json").read_text())
    clusters = json.loads((folder / "clusters.json").read_text())
    loader = Loader()
    for key, r in papers.items():
        loader.paper(key, r.get("title") or "", "", (r.get("venue") or "").strip())
    loader.save()
    cluster_of: dict[str, str] = {}
    for cluster_id, c in clusters.items():
        if not cluster_id.endswith("_orphans"):
            for paper_id in c["paper_ids"]:
                cluster_of[str(paper_id)] = cluster_id
    labelled = [
        [str(p) for p in c["paper_ids"]]
        for cid, c in clusters.items()
        if not cid.endswith("_orphans")
    ]
    positives = _pairs(labelled)
    ranked = [
        (a, b)
        for a, b in _paper_pairs_found({p.pk: key for key, p in loader.papers.items()})
        if a in cluster_of and b in cluster_of
    ]
    judged = set(ranked)
    print(
        f"s2apler: {len(papers):,} records, {len(positives):,} duplicate pairs in labelled "
        f"clusters (pairs with an unlabelled record are not judged)"
    )
    print(
        "  "
        + _precision_recall(judged, positives, judged)
        + _top_precision(ranked, positives)
        + _precision_at_recall(ranked, positives)
    )


# --- AMiner ---------------------------------------------------------------------------


def gold_profiles(data: Path) -> None:
    from curation.finders import catalogue_vocabulary, profile_clusters
    from curation.finders.profiles import clustering_facts
    from curation.matcher.store import current_mixed_model

    print("\n== mixed profiles (AMiner: one profile per ambiguous name)")
    records = _aminer(data)
    loader = _load_aminer(records, lambda r: f"name:{r['name']}")
    person = {(r["name"], r["pub_id"]): r["person_key"] for r in records}
    key_of_paper = {p.pk: key for key, p in loader.papers.items()}
    catalogue_vocabulary()  # warm
    started = time.perf_counter()
    totals = {"clustered": [0.0, 0.0], "model-gated": [0.0, 0.0], "one cluster": [0.0, 0.0]}
    items = 0
    flagged = split = mixed = 0
    names = sorted({r["name"] for r in records})
    model = current_mixed_model()
    for name in names:
        author = loader.authors[f"name:{name}"]
        clusters = profile_clusters(author)
        predicted = {
            key_of_paper[p.id]: index for index, c in enumerate(clusters) for p in c.papers
        }
        gold = {pub: person[(name, pub)] for pub in predicted}
        flags = (
            len(clusters) > 1
            and model.probability(clustering_facts(clusters)) >= model.flag_threshold
        )
        split += len(clusters) > 1
        flagged += flags
        mixed += len(set(gold.values())) > 1
        for label, assignment in (
            ("clustered", predicted),
            ("model-gated", predicted if flags else dict.fromkeys(gold, 0)),
            ("one cluster", dict.fromkeys(gold, 0)),
        ):
            members: dict[int, set[str]] = defaultdict(set)
            persons: dict[str, set[str]] = defaultdict(set)
            for pub, cluster in assignment.items():
                members[cluster].add(pub)
                persons[gold[pub]].add(pub)
            for pub, cluster in assignment.items():
                same = members[cluster] & persons[gold[pub]]
                totals[label][0] += len(same) / len(members[cluster])
                totals[label][1] += len(same) / len(persons[gold[pub]])
        items += len(predicted)
    seconds = time.perf_counter() - started
    print(
        f"{len(names)} profiles, {items:,} papers; {split} split into 2+ clusters, "
        f"{flagged} flagged by the mixed-profile model ({mixed} really mix people); "
        f"profile_clusters {seconds:.1f}s in all"
    )
    for label, (precision, recall) in totals.items():
        p, r = precision / items, recall / items
        print(
            f"  B-cubed {label:<12} precision {p:.1%}, recall {r:.1%}, F1 {2 * p * r / (p + r):.1%}"
        )
    # False alarms: one profile per AMiner person of 8 papers or more (one person each).
    _reset()
    loader = _load_aminer(records, lambda r: f"person:{r['person_key']}")
    sizes: dict[str, int] = defaultdict(int)
    for r in records:
        sizes[r["person_key"]] += 1
    singles = sorted(p for p, n in sizes.items() if n >= 8)
    split = flagged = 0
    for person_key in singles:
        clusters = profile_clusters(loader.authors[f"person:{person_key}"])
        split += len(clusters) > 1
        flagged += (
            len(clusters) > 1
            and model.probability(clustering_facts(clusters)) >= model.flag_threshold
        )
    print(
        f"  single-person profiles (AMiner persons of 8 papers or more): {len(singles)}; "
        f"split into 2+ clusters {split} ({split / len(singles):.1%}), flagged by the model "
        f"(false alarms) {flagged} ({flagged / len(singles):.1%})"
    )


def gold_authors(data: Path) -> None:
    from curation.finders import duplicate_author_candidates

    print("\n== duplicate authors (AMiner: one author per gold person, some cut in two)")
    records = _aminer(data)
    by_person: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_person[r["person_key"]].append(r["pub_id"])
    half: dict[tuple[str, str], str] = {}
    positives = set()
    for person_key, pubs in by_person.items():
        if len(pubs) >= 4:
            for index, pub in enumerate(sorted(pubs)):
                half[(person_key, pub)] = f"person:{person_key}#{index % 2}"
            positives.add((f"person:{person_key}#0", f"person:{person_key}#1"))
    loader = _load_aminer(
        records, lambda r: half.get((r["person_key"], r["pub_id"]), f"person:{r['person_key']}#0")
    )
    key_of_author = {a.pk: key for key, a in loader.authors.items()}
    started = time.perf_counter()
    pairs = duplicate_author_candidates(limit=10**9)
    seconds = time.perf_counter() - started
    ranked = [tuple(sorted((key_of_author[p.first.pk], key_of_author[p.second.pk]))) for p in pairs]
    ranked = [
        pair for pair in ranked if pair[0].startswith("person:") and pair[1].startswith("person:")
    ]
    hits = [pair in positives for pair in ranked]
    top = sum(hits[: len(positives)])
    precisions = [sum(hits[: i + 1]) / (i + 1) for i, hit in enumerate(hits) if hit]
    print(
        f"{len(loader.authors):,} authors ({len(by_person):,} persons, {len(positives):,} cut "
        f"in two); {len(pairs):,} candidate pairs in {seconds:.1f}s, {len(ranked):,} between "
        f"persons"
    )
    print(
        f"  recall {sum(hits) / len(positives):.1%}; precision in the top {len(positives):,}: "
        f"{top / len(positives):.1%}; average precision {sum(precisions) / len(positives):.1%}"
    )


def gold_suggestions(data: Path) -> None:
    from curation.finders import page_suggestions

    print("\n== page suggestions (AMiner: one author per gold person, anonymous pages)")
    records = _aminer(data)
    loader = _load_aminer(records, lambda r: f"person:{r['person_key']}")
    tests = [(page, loader.authors[key]) for page, key in aminer_pages(records, loader)]
    started = time.perf_counter()
    top1 = top3 = 0
    for page, author in tests:
        ranked = [s.author.pk for s in page_suggestions(page, limit=3)]
        top1 += ranked[:1] == [author.pk]
        top3 += author.pk in ranked
    seconds = time.perf_counter() - started
    print(
        f"{len(tests)} pages (4 papers of a person, 2 of them off the person's profile); "
        f"page_suggestions {seconds / len(tests) * 1000:.0f} ms a page"
    )
    print(f"  right author first: {top1 / len(tests):.1%}; in the top 3: {top3 / len(tests):.1%}")


if __name__ == "__main__":
    main()
