"""Writing: one batch of pages into the catalogue, in one transaction.

``_Batch.run`` decides which pages are new, changed or unchanged (or refused),
plans their entries (``_plan_entries``; ``_diff_entries`` keeps a changed page's
entries that are still there and drops the rest), has its ``_Matcher`` resolve
the entries to papers and venues, then writes: venues, papers, new pages and
their authors, changed pages, entries and authorships, match keys, saved folds,
and last the recheck of what lost entries.

Matching itself is not here (see ``matching``), nor reading files (``files``),
nor the rollback and one-page replay when the database refuses a batch
(``run._import_batch_safely``). What the batch owns, besides ``matcher``:

- ``files``: the batch's pages;
- ``old_page_ids``: the stored pages being re-imported;
- ``recheck_papers``, ``recheck_authorships``: rows that lost entries, dropped
  by ``_recheck`` when nothing else supports them;
- ``curated_claims``: a curator's authorships that re-written entries go back to.

It reads from the matcher, after resolution, ``new_papers``, ``changed_papers``,
``new_venues``, ``changed_venues``, ``folded``, ``saved_folds`` and
``known_keys``, and follows folds with ``matcher.live``.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F
from django.utils import timezone

from ..bulk import chunks, insert_objects, insert_rows, insert_rows_returning
from ..changes import record_change
from ..freshness import renew_pages
from ..models import (
    Appearance,
    Author,
    AuthorName,
    Authorship,
    ChangeEvent,
    DecidedBy,
    Paper,
    PaperKey,
    PaperSlugAlias,
    SourceEntry,
    SourcePage,
    Venue,
)
from ..names import parse_name
from ..normalize import venue_key
from ..papers import paper_slug_candidates, refresh_papers, save_paper_display
from ..slugs import (
    allocate_slugs,
    author_slug_base,
    slug_candidates,
    venue_slug_base,
)
from .files import CHANGED_DURING_IMPORT, KIND_CHANGED, FileResult, FileStatus, PageFile
from .matching import _EntryPlan, _Matcher

_PAPER_FIELDS = [
    "title",
    "abstract",
    "title_key",
    "abstract_key",
    "slug",
    "title_curated",
    "abstract_curated",
    "merged_into",
    "created_at",
    "updated_at",
    "page_changed_at",
]
_ENTRY_FIELDS = [
    "page",
    "position",
    "line",
    "title",
    "venue_name",
    "abstract",
    "title_key",
    "abstract_key",
    "venue",
    "paper",
    "authorship",
]
_POSITION_OFFSET = 1_000_000_000


class _Batch:
    """One batch of pages, written in one transaction. State lives for the batch only."""

    def __init__(self, files: list[PageFile]) -> None:
        self.files = files
        self.matcher = _Matcher()
        self.recheck_papers: set[int] = set()  # papers that lost entries
        self.recheck_authorships: set[int] = set()
        self.deleted_papers: list[str] = []  # slugs of papers the batch left with nothing
        self.old_page_ids: set[int] = set()
        # (page id, paper id) -> a curator's authorship that a dropped entry of the
        # page pointed at: a re-written entry for the same paper goes back to it.
        self.curated_claims: dict[tuple[int, int], int] = {}

    # -- orchestration --

    def run(self) -> list[FileResult]:
        existing = {
            p.source: p
            for p in SourcePage.objects.filter(
                source__in=[f.source for f in self.files]
            ).select_related("author")
        }
        results: list[FileResult] = []
        new_files: list[PageFile] = []
        changed: list[tuple[PageFile, SourcePage]] = []
        for page_file in self.files:
            old = existing.get(page_file.source)
            if old is not None and old.content_hash == page_file.content_hash:
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.UNCHANGED)
                )
                continue
            if page_file.page is None:  # matched the stored hash when read; another import since
                reason = f"{page_file.source}: " + CHANGED_DURING_IMPORT
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.REJECTED, reason)
                )
                continue
            warnings = page_file.page.warnings
            if old is None:
                new_files.append(page_file)
                status = FileStatus.NEW
            elif old.kind != page_file.page.kind:
                reason = f"{page_file.source}: " + KIND_CHANGED.format(
                    old=old.kind, new=page_file.page.kind
                )
                results.append(
                    FileResult(page_file.source, str(page_file.path), FileStatus.REJECTED, reason)
                )
                continue
            else:
                changed.append((page_file, old))
                self.old_page_ids.add(old.pk)
                status = FileStatus.UPDATED
            results.append(
                FileResult(page_file.source, str(page_file.path), status, warnings=warnings)
            )
        if not new_files and not changed:
            return results

        plans = {pf.source: self._plan_entries(pf) for pf in new_files}
        kept: dict[str, list[SourceEntry]] = {}
        for page_file, page in changed:
            plans[page_file.source], kept[page_file.source] = self._diff_entries(page_file, page)

        self.matcher.load_index([plan for entries in plans.values() for plan in entries])
        for page_file in sorted([*new_files, *(pf for pf, _ in changed)], key=lambda f: f.source):
            for plan in plans[page_file.source]:
                self.matcher.resolve(plan)

        self._write_venues()
        self._write_papers()
        pages = self._write_new_pages(new_files)
        for page_file, page in changed:
            self._update_page(page_file, page, kept[page_file.source])
            pages[page_file.source] = page
        for page_plans in plans.values():
            for plan in page_plans:
                plan.paper = self.matcher.live(plan.paper)
        self._write_entries(pages, plans)
        self._write_keys(plans)
        apply_saved_folds(self.matcher)
        self._recheck()
        self._renew_pages(pages, plans, kept)
        self._record_change(pages, plans, kept, new_files)
        return results

    def _record_change(
        self,
        pages: dict[str, SourcePage],
        plans: dict[str, list[_EntryPlan]],
        kept: dict[str, list[SourceEntry]],
        new_files: list[PageFile],
    ) -> None:
        """The batch as one event of the change feed: the pages new and updated, and
        every paper, author and venue whose API representation it changed."""
        new = sorted(f.source for f in new_files)
        updated = sorted(set(pages) - set(new))
        papers = {plan.paper.pk for page_plans in plans.values() for plan in page_plans}
        papers |= {entry.paper_id for entries in kept.values() for entry in entries}
        papers |= self.recheck_papers | {p.pk for p in self.matcher.new_papers}
        record_change(
            kind=ChangeEvent.Kind.IMPORTED,
            summary=f"Imported {len(new)} new and {len(updated)} updated pages",
            data={"pages_new": new, "pages_updated": updated},
            papers=papers,
            authors={page.author_id for page in pages.values() if page.author_id},
            pages=[page.pk for page in pages.values()],
            venues=Appearance.objects.filter(paper_id__in=papers).values_list(
                "venue_id", flat=True
            ),
            # Papers gone since: left with nothing, or folded into another (their
            # slugs now lead to it).
            gone={
                "papers": [
                    *self.deleted_papers,
                    *(other.slug for other, _ in self.matcher.saved_folds),
                ]
            },
        )

    def _renew_pages(
        self,
        pages: dict[str, SourcePage],
        plans: dict[str, list[_EntryPlan]],
        kept: dict[str, list[SourceEntry]],
    ) -> None:
        """Renew the public pages this batch changed: the papers of every entry
        written, kept (lines move) or dropped (papers created here are new already),
        and the pages' authors."""
        created = {p.pk for p in self.matcher.new_papers}
        papers = {plan.paper.pk for page_plans in plans.values() for plan in page_plans}
        papers.update(entry.paper_id for entries in kept.values() for entry in entries)
        renew_pages(
            papers=(papers - created) | self.recheck_papers,
            authors={page.author_id for page in pages.values() if page.author_id},
        )

    # -- planning --

    @staticmethod
    def _plan_entries(page_file: PageFile) -> list[_EntryPlan]:
        return [
            _EntryPlan(parsed=entry, position=position, tkey=tkey, akey=akey, vkey=vkey)
            for position, (entry, (tkey, akey, vkey)) in enumerate(
                zip(page_file.page.entries, page_file.keys, strict=True), start=1
            )
        ]

    def _diff_entries(
        self, page_file: PageFile, page: SourcePage
    ) -> tuple[list[_EntryPlan], list[SourceEntry]]:
        """Match the page's old entries to the new ones by content; drop the rest.

        A kept entry keeps its row, its paper and its authorship: a curator's
        split or merge survives a re-import of the page.
        """
        old_by_signature: dict[tuple[str, str, str], list[SourceEntry]] = defaultdict(list)
        for entry in page.entries.select_related("venue").order_by("position"):
            signature = (entry.title_key, entry.abstract_key, venue_key(entry.venue_name))
            old_by_signature[signature].append(entry)
        plans: list[_EntryPlan] = []
        kept: list[SourceEntry] = []
        for plan in self._plan_entries(page_file):
            matches = old_by_signature.get((plan.tkey, plan.akey, plan.vkey))
            if matches:
                entry = matches.pop(0)
                entry.position, entry.line = plan.position, plan.parsed.line
                entry.title, entry.venue_name = plan.parsed.title, plan.parsed.venue
                entry.abstract = plan.parsed.abstract
                kept.append(entry)
            else:
                plans.append(plan)
        gone = [entry for entries in old_by_signature.values() for entry in entries]
        if gone:
            self.recheck_papers.update(e.paper_id for e in gone)
            claimed = {e.authorship_id for e in gone if e.authorship_id}
            self.recheck_authorships.update(claimed)
            # A curator moved these entries' papers to another author (a split):
            # the page's rewritten entries for those papers stay with that author.
            self.curated_claims.update(
                ((page.pk, paper_id), authorship_id)
                for authorship_id, paper_id in Authorship.objects.filter(
                    id__in=claimed, curated=True
                )
                .exclude(author_id=page.author_id)
                .values_list("id", "paper_id")
            )
            SourceEntry.objects.filter(id__in=[e.id for e in gone]).delete()
        # Kept entries may spell their paper's title differently now.
        self.recheck_papers.update(e.paper_id for e in kept)
        return plans, kept

    # -- writing --

    def _write_venues(self) -> None:
        matcher = self.matcher
        allocate_slugs(
            Venue,
            [(v, slug_candidates(venue_slug_base(v.key), v.key)) for v in matcher.new_venues],
        )
        Venue.objects.bulk_create(matcher.new_venues)
        if matcher.changed_venues:
            Venue.objects.bulk_update(matcher.changed_venues.values(), ["name"])

    def _write_papers(self) -> None:
        folded = self.matcher.folded
        new = [p for p in self.matcher.new_papers if id(p) not in folded]
        allocate_slugs(Paper, [(p, paper_slug_candidates(p)) for p in new])
        now = timezone.now()
        for paper in new:
            paper.created_at = paper.updated_at = paper.page_changed_at = now
        insert_objects(new, _PAPER_FIELDS, key="slug")
        save_paper_display(p for p in self.matcher.changed_papers.values() if id(p) not in folded)

    def _write_new_pages(self, files: list[PageFile]) -> dict[str, SourcePage]:
        authors: dict[str, Author] = {}
        labels = {page_file.source: page_file.page.label for page_file in files}
        for page_file in files:
            if page_file.page.kind == SourcePage.Kind.NAMED:
                authors[page_file.source] = _author_from_label(page_file.page.label)
        allocate_slugs(
            Author,
            [
                (a, slug_candidates(author_slug_base(a.family_name, a.given_name), source))
                for source, a in sorted(authors.items())
            ],
        )
        Author.objects.bulk_create(list(authors.values()))
        AuthorName.objects.bulk_create(
            [
                AuthorName.variant(author, labels[source], added_by=DecidedBy.IMPORT)
                for source, author in authors.items()
            ],
            ignore_conflicts=True,
        )
        pages = [
            SourcePage(
                source=pf.source,
                kind=pf.page.kind,
                label=pf.page.label,
                content_hash=pf.content_hash,
                raw_text=pf.text,
                author=authors.get(pf.source),
                assigned_by=DecidedBy.IMPORT if pf.source in authors else "",
            )
            for pf in files
        ]
        SourcePage.objects.bulk_create(pages)
        return {page.source: page for page in pages}

    def _update_page(self, page_file: PageFile, page: SourcePage, kept: list[SourceEntry]) -> None:
        page.label = page_file.page.label
        page.content_hash = page_file.content_hash
        page.raw_text = page_file.text
        page.save(update_fields=["label", "content_hash", "raw_text", "updated_at"])
        if page.kind == SourcePage.Kind.NAMED and page.author_id:
            AuthorName.objects.bulk_create(
                [AuthorName.variant(page.author, page.label, added_by=DecidedBy.IMPORT)],
                ignore_conflicts=True,
            )
        if kept:
            # Two steps so that no two rows ever share a position on the way.
            page.entries.filter(id__in=[e.id for e in kept]).update(
                position=F("position") + _POSITION_OFFSET
            )
            SourceEntry.objects.bulk_update(
                kept, ["position", "line", "title", "venue_name", "abstract"]
            )

    def _write_entries(
        self, pages: dict[str, SourcePage], plans: dict[str, list[_EntryPlan]]
    ) -> None:
        preexisting = {
            p.author_id for p in pages.values() if p.author_id and p.pk in self.old_page_ids
        }
        authorships = self._authorships(pages, plans, preexisting, self.curated_claims)
        rows: list[tuple] = []
        appearances: set[tuple[int, int]] = set()
        for source, page_plans in plans.items():
            page = pages[source]
            for plan in page_plans:
                entry, paper_id = plan.parsed, plan.paper.pk
                venue_id = plan.venue.pk if plan.venue is not None else None
                rows.append(
                    (
                        page.pk,
                        plan.position,
                        entry.line,
                        entry.title,
                        entry.venue,
                        entry.abstract,
                        plan.tkey,
                        plan.akey,
                        venue_id,
                        paper_id,
                        self.curated_claims.get((page.pk, paper_id))
                        or authorships.get((paper_id, page.author_id)),
                    )
                )
                if venue_id is not None:
                    appearances.add((paper_id, venue_id))
        insert_rows(SourceEntry, _ENTRY_FIELDS, rows)
        insert_rows(Appearance, ["paper", "venue"], sorted(appearances), ignore_conflicts=True)

    def _write_keys(self, plans: dict[str, list[_EntryPlan]]) -> None:
        wanted = {
            (plan.paper.pk, kind, key)
            for page_plans in plans.values()
            for plan in page_plans
            for kind, key in ((PaperKey.Kind.TITLE, plan.tdig), (PaperKey.Kind.ABSTRACT, plan.akey))
            if key
        }
        insert_rows(
            PaperKey,
            ["paper", "kind", "key"],
            sorted(wanted - self.matcher.known_keys),
            ignore_conflicts=True,
        )

    @staticmethod
    def _authorships(
        pages: dict[str, SourcePage],
        plans: dict[str, list[_EntryPlan]],
        preexisting_authors: set[int],
        claims: dict[tuple[int, int], int],
    ) -> dict[tuple[int, int], int]:
        """Authorship ids by (paper id, author id), created where missing."""
        wanted: set[tuple[int, int]] = {
            (plan.paper.pk, page.author_id)
            for source, page_plans in plans.items()
            if (page := pages[source]).author_id
            for plan in page_plans
            if (page.pk, plan.paper.pk) not in claims
        }
        found: dict[tuple[int, int], int] = {}
        # Authors created in this batch have no authorships yet: look up only the others.
        authors = {a for _, a in wanted} & preexisting_authors
        papers = {paper_id for paper_id, a in wanted if a in authors}
        for author_chunk in chunks(authors, 500):
            for paper_chunk in chunks(papers):
                for paper_id, author_id, authorship_id in Authorship.objects.filter(
                    author_id__in=author_chunk, paper_id__in=paper_chunk
                ).values_list("paper_id", "author_id", "id"):
                    found[(paper_id, author_id)] = authorship_id
        missing = sorted(wanted - found.keys())
        now = timezone.now()
        created = insert_rows_returning(
            Authorship,
            ["paper", "author", "decided_by", "curated", "created_at"],
            [
                (paper_id, author_id, DecidedBy.IMPORT, False, now)
                for paper_id, author_id in missing
            ],
            returning=["paper", "author", "id"],
        )
        found.update(((paper_id, author_id), pk) for paper_id, author_id, pk in created)
        return found

    def _recheck(self) -> None:
        """After a page lost entries: drop what only those entries supported."""
        if not self.recheck_papers and not self.recheck_authorships:
            return
        Authorship.objects.filter(
            id__in=self.recheck_authorships, curated=False, entries__isnull=True
        ).delete()
        papers = Paper.objects.filter(id__in=self.recheck_papers)
        for paper in papers.annotate(
            n_entries=Count("entries", distinct=True),
            n_authorships=Count("authorships", distinct=True),
            n_merged=Count("merged_from", distinct=True),
        ):
            if (
                paper.n_entries == 0
                and paper.n_authorships == 0
                and paper.n_merged == 0
                and not (paper.title_curated or paper.abstract_curated)
            ):
                self.deleted_papers.append(paper.slug)
                paper.delete()
        refresh_papers(self.recheck_papers)


def apply_saved_folds(matcher: _Matcher) -> None:
    """Move what folded, already saved papers held to the paper they proved to be.

    Used by a batch (``_Matcher._fold_title_only``) and by ``repair``.
    """
    if not matcher.saved_folds:
        return
    survivors: dict[int, Paper] = {}
    old_slugs: list[tuple[Paper, str]] = []
    for other, _ in matcher.saved_folds:
        into = matcher.live(other)
        survivors[into.pk] = into
        SourceEntry.objects.filter(paper=other).update(paper=into)
        for authorship in Authorship.objects.filter(paper=other):
            twin = Authorship.objects.filter(paper=into, author_id=authorship.author_id).first()
            if twin is None:
                authorship.paper = into
                authorship.save(update_fields=["paper"])
            else:
                authorship.entries.update(authorship=twin)
                authorship.delete()
        Paper.objects.filter(merged_into=other).update(merged_into=into)
        PaperSlugAlias.objects.filter(paper=other).update(paper=into)
        PaperKey.objects.bulk_create(
            [
                PaperKey(paper=into, kind=kind, key=key)
                for kind, key in other.match_keys.values_list("kind", "key")
            ],
            ignore_conflicts=True,
        )
        old_slugs.append((into, other.slug))
        other.delete()
    refresh_papers(survivors)
    save_paper_display(Paper.objects.filter(id__in=survivors))
    current = dict(Paper.objects.filter(id__in=survivors).values_list("id", "slug"))
    PaperSlugAlias.objects.bulk_create(
        [PaperSlugAlias(paper=p, slug=s) for p, s in old_slugs if current[p.pk] != s]
    )
    renew_pages(papers=survivors)


def _author_from_label(label: str) -> Author:
    author = Author()
    author.set_name(parse_name(label))
    return author
