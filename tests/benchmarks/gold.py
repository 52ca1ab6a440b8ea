"""The gold-labelled data of ../shared/data written into a catalogue, for benchmarks.

Read from there at run time, never copied into the project (see its README for
licences). ``Loader`` writes papers, authors, authorships and venues with bulk
inserts, row by row rather than through the importer; ``_load_aminer`` loads the
AMiner name-disambiguation records; ``aminer_pages`` makes anonymous pages of
gold persons; ``_pairs`` and ``_reset`` are the helpers the benchmarks share.
Used by bench_finders.py and bench_matcher.py, inside a child process where
Django is set up.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
BIB_DEDUPE_SETS = ("cytology_screening", "haematology", "respiratory", "stroke", "digital_work")


class Loader:
    """Writes papers, authors, authorships and venues with bulk inserts."""

    def __init__(self) -> None:
        self.papers: dict[str, object] = {}
        self.authors: dict[str, object] = {}
        self.venues: dict[str, object] = {}
        self.authorships: set[tuple[str, str]] = set()
        self.appearances: set[tuple[str, str]] = set()

    def paper(self, key: str, title: str, abstract: str = "", venue: str = "") -> None:
        from catalog.models import Paper
        from catalog.normalize import abstract_key, clean_text, title_key, venue_key

        if key not in self.papers:
            title, abstract = clean_text(title or ""), clean_text(abstract or "")
            self.papers[key] = Paper(
                title=title,
                abstract=abstract,
                title_key=title_key(title)[:1000],
                abstract_key=abstract_key(abstract),
                slug=f"p{len(self.papers)}",
            )
        if venue and venue_key(venue):
            self.venue(venue)
            self.appearances.add((key, venue_key(venue)))

    def venue(self, name: str) -> None:
        from catalog.models import Venue
        from catalog.normalize import venue_key

        key = venue_key(name)
        if key not in self.venues:
            self.venues[key] = Venue(name=name[:300], key=key, slug=f"v{len(self.venues)}")

    def author(self, key: str, name: str) -> None:
        from catalog.models import Author
        from catalog.names import parse_name

        if key not in self.authors:
            parts = parse_name(name)
            self.authors[key] = Author(
                display_name=parts.display or name,
                family_name=parts.family,
                given_name=parts.given,
                sort_key=parts.sort_key,
                slug=f"a{len(self.authors)}",
            )

    def wrote(self, author_key: str, paper_key: str) -> None:
        self.authorships.add((author_key, paper_key))

    def save(self) -> None:
        from catalog.models import Appearance, AuthorName, Authorship, DecidedBy
        from catalog.normalize import fold

        Paper = next(iter(self.papers.values())).__class__  # noqa: N806
        Paper.objects.bulk_create(self.papers.values(), batch_size=2000)
        if self.venues:
            next(iter(self.venues.values())).__class__.objects.bulk_create(self.venues.values())
        Appearance.objects.bulk_create(
            [
                Appearance(paper=self.papers[p], venue=self.venues[v])
                for p, v in sorted(self.appearances)
            ],
            batch_size=5000,
        )
        if not self.authors:
            return
        Author = next(iter(self.authors.values())).__class__  # noqa: N806
        Author.objects.bulk_create(self.authors.values(), batch_size=2000)
        AuthorName.objects.bulk_create(
            [
                AuthorName(
                    author=a,
                    name=a.display_name,
                    search_key=fold(a.display_name),
                    added_by="import",
                )
                for a in self.authors.values()
            ],
            batch_size=5000,
        )
        Authorship.objects.bulk_create(
            [
                Authorship(
                    author=self.authors[a], paper=self.papers[p], decided_by=DecidedBy.IMPORT
                )
                for a, p in sorted(self.authorships)
            ],
            batch_size=5000,
        )


def _pairs(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(set(group), 2)}


def _reset() -> None:
    from catalog.models import Appearance, Author, Authorship, Paper, Venue

    for model in (Appearance, Authorship, Paper, Venue, Author):
        model.objects.all().delete()


def _aminer(data: Path) -> list[dict]:
    with (data / "aminer-and" / "publications.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _load_aminer(records: list[dict], author_key) -> Loader:
    """Papers by pub_id, the ambiguous author under ``author_key(record)``, and one
    author per other folded co-author string."""
    from catalog.normalize import fold

    loader = Loader()
    for r in records:
        loader.paper(r["pub_id"], r["title"] or "", "", r.get("venue") or "")
        key = author_key(r)
        if key is None:
            continue
        loader.author(key, r["name"])
        loader.wrote(key, r["pub_id"])
        for coauthor in r["authors"] or []:
            folded = fold(coauthor)
            if folded and folded != fold(r["name"]):
                loader.author(f"co:{folded}", coauthor)
                loader.wrote(f"co:{folded}", r["pub_id"])
    loader.save()
    return loader


def aminer_pages(
    records: list[dict],
    loader: Loader,
    *,
    venues: bool = False,
    off: int = 2,
    prefix: str = "page",
    whole: bool = False,
) -> list:
    """For each gold person of 6 papers or more, an anonymous page of 4 of their
    papers (titles; their venues too with ``venues``), ``off`` of them taken off
    the person's profile: [(page, author key)]. ``whole``: the page lists every
    paper of the person instead (at most 40), a quarter of them (rounded up) off
    the profile, as an author page lists a whole publication list."""
    from catalog.models import Authorship, SourceEntry, SourcePage
    from catalog.normalize import venue_key

    venue_of = {r["pub_id"]: loader.venues.get(venue_key(r.get("venue") or "")) for r in records}
    by_person: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r["pub_id"] not in by_person[r["person_key"]]:
            by_person[r["person_key"]].append(r["pub_id"])
    made = []
    for index, (person_key, pubs) in enumerate(sorted(by_person.items())):
        if len(pubs) < 6:
            continue
        chosen = sorted(pubs)[: 40 if whole else 4]
        if whole:
            off = -(-len(chosen) // 4)
        author = loader.authors[f"person:{person_key}"]
        Authorship.objects.filter(
            author=author, paper__in=[loader.papers[p] for p in chosen[len(chosen) - off :]]
        ).delete()
        page = SourcePage.objects.create(
            source=f"{prefix}-{index}",
            kind="anonymous",
            label="Tony",
            content_hash="-",
            raw_text="",
        )
        SourceEntry.objects.bulk_create(
            [
                SourceEntry(
                    page=page,
                    position=i + 1,
                    line=i + 2,
                    abstract="",
                    title=loader.papers[pub].title,
                    venue=venue_of[pub] if venues else None,
                    venue_name=venue_of[pub].name if venues and venue_of[pub] else "",
                    paper=loader.papers[pub],
                )
                for i, pub in enumerate(chosen)
            ]
        )
        made.append((page, f"person:{person_key}"))
    return made
