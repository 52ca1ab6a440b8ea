"""Benchmark the page-to-author matcher: the learned model, the previous scorer, on
synthetic pages held out and on AMiner (never trained on).

    cd /work/main && .venv/bin/python tests/benchmarks/bench_matcher.py
    .venv/bin/python tests/benchmarks/bench_matcher.py --write-examples   # the shipped examples

``--write-examples`` builds the synthetic world of people.py (seed 0), loads it
into a fresh SQLite catalogue, makes its anonymous pages, and writes every
(page, candidate) pair's features with its label to
curation/matcher/examples.csv.gz, the examples ``manage.py train_matcher``
learns from. Without it, the benchmark judges with the model in use
(curation/matcher/model.json unless MATCHER_MODEL says otherwise):

- synthetic: a world of other persons (seed 1), pages of owners with and
  without a profile;
- AMiner (../shared/data, no licence: measured, never trained on, never
  copied): one author per gold person, for each person of 6 papers or more an
  anonymous page of 4 of their papers, 2 of them taken off the person's profile
  (as bench_finders.py); then the same pages with the person's profile removed
  (the page's author has no profile).

For each: top-1 / top-3 among pages whose author has a profile, the ceiling
(pages where no other candidate holds every paper the page shares with anyone),
new_author/review among pages whose author has none, the share of all pages
given a confident wrong ``assign``, expected calibration error, and the
previous scorer (0.6 papers, 0.2 co-authors, 0.2 words) side by side. A
reliability plot is written to --plot (PNG). Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_finders import _env  # noqa: E402
from tests.benchmarks.gold import DATA, Loader, _aminer, _load_aminer, aminer_pages  # noqa: E402

SYNTHETIC_PERSONS, SYNTHETIC_PAGES = 3000, 1000
TRAINING_WORLDS = ((0, "scraped"), (2, "institutional"))  # (seed, catalogue kind)
HELD_OUT_WORLDS = ((1, "scraped"), (3, "institutional"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-examples", action="store_true")
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--plot", default="/tmp/matcher-reliability.png")
    parser.add_argument("--only", choices=["synthetic", "aminer"])
    parser.add_argument(
        "--dump", help="also write each design's labelled examples to this folder (diagnostics)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        {"examples": write_shipped_examples, "synthetic": synthetic, "aminer": aminer}[args.worker](
            args
        )
        return
    tasks = (
        ["examples"]
        if args.write_examples
        else [args.only]
        if args.only
        else ["synthetic", "aminer"]
    )
    with tempfile.TemporaryDirectory(prefix="bench-matcher-") as tmp:
        for task in tasks:
            db = Path(tmp) / f"{task}.sqlite3"
            command = [sys.executable, __file__, "--worker", task, "--data", args.data]
            command += ["--plot", args.plot] + (["--dump", args.dump] if args.dump else [])
            subprocess.run(command, env=_env(db), cwd=ROOT, check=True)


# --- synthetic pages -----------------------------------------------------------------


def load_world(persons: int, seed: int, pages: int, kind: str = "scraped"):
    """The world in the catalogue (emptied first), and its anonymous pages: [(page, plan)]."""
    from django.core.management import call_command

    from catalog.models import SourceEntry, SourcePage
    from catalog.normalize import venue_key
    from tests.benchmarks.people import catalogue_authorships, make_world, page_plans

    call_command("flush", interactive=False, verbosity=0)
    world = make_world(persons, seed)
    plans = page_plans(world, pages=pages, seed=seed)
    listed = catalogue_authorships(world, plans, seed=seed, kind=kind)
    loader = Loader()
    for paper in world.papers.values():
        loader.paper(paper.key, paper.title, paper.abstract, paper.venue)
        for person in paper.authors:
            if (person, paper.key) not in listed:
                continue
            loader.author(person, world.persons[person].name)
            loader.wrote(person, paper.key)
    loader.save()
    made = []
    for index, plan in enumerate(plans):
        page = SourcePage.objects.create(
            source=f"world{seed}-{index:05d}",
            kind="anonymous",
            label="Tony",
            content_hash="-",
            raw_text="",
        )
        entries = []
        for position, key in enumerate(plan.papers, start=1):
            paper = world.papers[key]
            entries.append(
                SourceEntry(
                    page=page,
                    position=position,
                    line=position + 1,
                    title=paper.title if plan.text in ("title", "both") else "",
                    abstract=paper.abstract if plan.text in ("abstract", "both") else "",
                    venue_name=paper.venue if plan.text != "abstract" else "",
                    venue=loader.venues[venue_key(paper.venue)]
                    if plan.text != "abstract"
                    else None,
                    paper=loader.papers[key],
                )
            )
        SourceEntry.objects.bulk_create(entries)
        made.append((page, plan))
    return world, loader, made


def labelled_pages(made, loader, owner_of):
    """page source -> author key -> (label, feature values), and the gathered facts."""
    from curation.finders.page_facts import gather
    from curation.matcher.features import features

    key_of = {a.pk: key for key, a in loader.authors.items()}
    gathered = gather([page for page, _ in made])
    pages = {}
    for page, plan in made:
        facts = gathered[page.pk]
        rows = features(facts.facts, {a: c.facts for a, c in facts.candidates.items()})
        owner = owner_of(plan)
        pages[page.source] = {key_of[a]: (int(key_of[a] == owner), v) for a, v in rows.items()}
    return pages, gathered


def mixed_examples(seed: int, *, titles_only: bool) -> list:
    """One profile per name of a synthetic world (homonyms merged into one), with
    every paper of its persons: the clustering features of each profile of 4
    papers or more, labelled mixed when two persons or more share it."""
    from django.core.management import call_command

    from curation.finders.profiles import clustering_facts, profile_clusters
    from curation.matcher.training import Example
    from tests.benchmarks.people import make_world

    call_command("flush", interactive=False, verbosity=0)
    world = make_world(SYNTHETIC_PERSONS, seed)
    loader = Loader()
    persons_of: dict[str, set[str]] = defaultdict(set)
    for paper in world.papers.values():
        loader.paper(paper.key, paper.title, "" if titles_only else paper.abstract, paper.venue)
        for person in paper.authors:
            name = world.persons[person].name
            loader.author(name, name)
            loader.wrote(name, paper.key)
            persons_of[name].add(person)
    loader.save()
    papers_of: dict[str, int] = defaultdict(int)
    for name, _ in loader.authorships:
        papers_of[name] += 1
    kind = "titles" if titles_only else "abstracts"
    return [
        Example(
            group=f"{seed}:{name}",
            page=f"{seed}-{kind}:{name}",
            author="profile",
            label=int(len(persons_of[name]) > 1),
            values=clustering_facts(profile_clusters(loader.authors[name])),
        )
        for name in sorted(persons_of)
        if papers_of[name] >= 4
    ]


def write_shipped_examples(args) -> None:
    from curation.matcher.mixed import MIXED_FEATURES
    from curation.matcher.training import (
        SHIPPED_EXAMPLES,
        SHIPPED_MIXED_EXAMPLES,
        Example,
        write_examples,
    )

    started = time.perf_counter()
    examples, summary = [], []
    for seed, kind in TRAINING_WORLDS:
        world, loader, made = load_world(SYNTHETIC_PERSONS, seed, SYNTHETIC_PAGES, kind)
        pages, _ = labelled_pages(
            made, loader, lambda plan: None if plan.no_profile else plan.owner
        )
        name_of = {plan.owner: world.persons[plan.owner].name for _, plan in made}
        owner_of_page = {page.source: plan.owner for page, plan in made}
        examples += [
            Example(
                group=f"{seed}:{name_of[owner_of_page[source]]}",
                page=source,
                author=f"{seed}:{author}",
                label=label,
                values=values,
            )
            for source, candidates in sorted(pages.items())
            for author, (label, values) in sorted(candidates.items())
        ]
        summary.append(
            f"{kind} world {seed}: {len(world.persons):,} persons, {len(world.papers):,} "
            f"papers, {len(made):,} pages"
        )
    count = write_examples(SHIPPED_EXAMPLES, examples)
    mixed = [e for titles in (False, True) for e in mixed_examples(0, titles_only=titles)]
    write_examples(SHIPPED_MIXED_EXAMPLES, mixed, features=MIXED_FEATURES)
    print(
        f"mixed profiles: {len(mixed):,} profiles of 4 papers or more "
        f"({sum(e.label for e in mixed):,} mixed), with abstracts and titles only, in "
        f"{SHIPPED_MIXED_EXAMPLES.relative_to(ROOT)}"
    )
    print(
        f"{'; '.join(summary)} -> {count:,} examples "
        f"({sum(e.label for e in examples):,} positive) in "
        f"{SHIPPED_EXAMPLES.relative_to(ROOT)} ({SHIPPED_EXAMPLES.stat().st_size:,} bytes), "
        f"{time.perf_counter() - started:.0f}s"
    )


def synthetic(args) -> None:
    for seed, kind in HELD_OUT_WORLDS:
        print(f"\n== synthetic pages held out ({kind} catalogue, seed {seed}: other persons)")
        world, loader, made = load_world(SYNTHETIC_PERSONS, seed, SYNTHETIC_PAGES, kind)
        pages, gathered = labelled_pages(
            made, loader, lambda plan: None if plan.no_profile else plan.owner
        )
        report(pages, gathered, made, loader, args, label=f"synthetic-{kind}")


# --- AMiner ----------------------------------------------------------------------------


def aminer(args) -> None:
    from django.core.management import call_command

    from catalog.models import Authorship

    data = Path(args.data)
    print("\n== AMiner (never trained on): one author per gold person, anonymous pages")
    records = _aminer(data)
    for design, heading in (
        ("whole", "the page lists all the person's papers, their profile three quarters"),
        ("1", "the person has a profile holding 3 of the page's 4 papers"),
        ("2", "the person has a profile holding 2 of the page's 4 papers (the stress case)"),
    ):
        call_command("flush", interactive=False, verbosity=0)
        loader = _load_aminer(records, lambda r: f"person:{r['person_key']}")
        if design == "whole":
            made = aminer_pages(records, loader, venues=True, whole=True)
        else:
            made = aminer_pages(records, loader, venues=True, off=int(design))
        pages, gathered = labelled_pages(made, loader, lambda owner: owner)
        print(f"-- {heading}")
        report(pages, gathered, made, loader, args, label=f"aminer-{design}")
    # The same pages, their authors' profiles gone: nobody should be assigned.
    Authorship.objects.filter(author__in=[loader.authors[o] for _, o in made]).delete()
    pages, gathered = labelled_pages(made, loader, lambda owner: None)
    print("-- the person has no profile (their authorships removed)")
    report(pages, gathered, made, loader, args, label=None)


# --- figures ---------------------------------------------------------------------------


def report(pages, gathered, made, loader, args, *, label) -> None:
    from curation.matcher.store import current_model
    from curation.matcher.training import Example, summarise, write_examples

    if args.dump:
        Path(args.dump).mkdir(parents=True, exist_ok=True)
        write_examples(
            Path(args.dump) / f"{label or 'no-profile'}.csv.gz",
            (
                Example(page, page, author, y, values)
                for page, candidates in sorted(pages.items())
                for author, (y, values) in sorted(candidates.items())
            ),
        )

    model = current_model()
    key_of = {a.pk: key for key, a in loader.authors.items()}
    new, old, ceiling = [], [], 0
    started = time.perf_counter()
    for page, _ in made:
        candidates = pages[page.source]
        owner = next((a for a, (y, _) in candidates.items() if y), None)
        judgement = model.judge({a: v for a, (_, v) in candidates.items()})
        ranked = list(judgement.probabilities)
        top = judgement.probabilities[ranked[0]] if ranked else 0.0
        new.append((owner, ranked, top, judgement.recommendation))
        previous = previous_scores(gathered[page.pk])
        old_ranked = sorted(previous, key=lambda a: (-previous[a], a))
        old.append((owner, [key_of[a] for a in old_ranked], 0.0, "review"))
        ceiling += owner is not None and _reachable(gathered[page.pk], owner, key_of)
    seconds = time.perf_counter() - started
    n = new_figures = summarise(new)
    o = summarise(old)
    if n["with_owner"]:
        print(
            f"{n['with_owner']} pages whose author has a profile; ceiling (no other candidate "
            f"holds every paper the page shares with anyone): {ceiling / n['with_owner']:.1%}"
        )
        print(f"  {'':<22} {'top-1':>7} {'top-3':>7}")
        print(f"  {'learned model':<22} {n['top1']:>7.1%} {n['top3']:>7.1%}")
        print(f"  {'previous scorer':<22} {o['top1']:>7.1%} {o['top3']:>7.1%}")
    if n["without_owner"]:
        print(
            f"{n['without_owner']} pages whose author has no profile: new_author or review "
            f"{n['new_or_review']:.1%} (new_author {n['new_author']:.1%})"
        )
    print(
        f"recommendations: {n['assigned']} assign of {n['pages']} pages (precision "
        f"{n['assign_precision']:.1%}); wrong assign on {n['wrong_assign_share']:.2%} of all "
        f"pages; expected calibration error {n['ece']:.3f}; judged in {seconds:.1f}s"
    )
    if label:
        plot(
            new_figures["reliability"],
            Path(args.plot).with_stem(Path(args.plot).stem + f"-{label}"),
        )


def _reachable(page, owner_key: str, key_of) -> bool:
    """Whether no other candidate holds every paper the page shares with anyone."""
    listed = page.facts.listed
    if not listed:
        return False
    holders = defaultdict(int)
    for paper in listed:
        for author in page.facts.authors_of[paper]:
            holders[author] += 1
    return not any(
        count == len(listed) and key_of.get(author) != owner_key
        for author, count in holders.items()
    )


def previous_scores(page) -> dict[int, float]:
    """The scorer before the model (kept as the baseline): 0.6 x the rarity-weighted
    share of the page's papers the profile lists, 0.2 x the share of the page's
    authors the candidate is or wrote with, 0.2 x the cosine of the words."""
    from curation.finders.text import rarity_weight

    authors_of = page.facts.authors_of
    weights = {p: rarity_weight(len(a)) for p, a in authors_of.items()}
    total = sum(weights.values())
    members = {a for authors in authors_of.values() for a in authors}
    scores = {}
    for author_id, candidate in page.candidates.items():
        paper = (
            sum(w for p, w in weights.items() if author_id in authors_of[p]) / total if total else 0
        )
        circle = len(candidate.common_coauthors & members) + (author_id in members)
        coauthor = circle / len(members) if members else 0.0
        scores[author_id] = 0.6 * paper + 0.2 * coauthor + 0.2 * candidate.facts.text
    return scores


def plot(reliability, path: Path) -> None:
    """The reliability diagram: mean probability against the share right, per bin."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [b for b in reliability if b]
    figure, axes = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    axes.plot([0, 1], [0, 1], color="#999", linestyle="--", label="perfect calibration")
    axes.plot([p for p, _, _ in points], [y for _, y, _ in points], marker="o", label="model")
    for p, y, count in points:
        axes.annotate(str(count), (p, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    axes.set_xlabel("probability of the first candidate")
    axes.set_ylabel("share of pages where it is the author")
    axes.set_title(path.stem)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    print(f"  reliability plot: {path}")


if __name__ == "__main__":
    main()
