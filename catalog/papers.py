"""Paper upkeep: what a paper shows, its slug, its match keys and venues, from its entries.

Shared by the importer (pages added or changed) and the curation services
(merges, edits, undo): both call :func:`refresh_papers` after entries moved or
vanished, and :func:`save_paper_display` after a paper's title or abstract
changed. Nothing here decides which paper an entry belongs to (that is the
importer's matching) or records an action (that is curation's journal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from .bulk import chunks, update_rows
from .models import Appearance, Paper, PaperKey, PaperSlugAlias, SourceEntry
from .normalize import abstract_key, choose_display, digest, title_key
from .slugs import allocate_slugs, paper_slug_base, slug_candidates, taken_slugs


def paper_slug_candidates(paper: Paper) -> list[str]:
    """Slugs for a paper, best first, from its shown title (or abstract)."""
    return slug_candidates(
        paper_slug_base(paper.title, paper.abstract), f"{paper.title_key}\n{paper.abstract_key}"
    )


def save_paper_display(papers: Iterable[Paper]) -> None:
    """Save papers' shown title and abstract, and fit their slugs to them.

    A paper takes the best free slug for its content; an old slug stays as an
    alias that redirects, so no URL ever breaks or names another record.
    """
    papers = list(papers)
    if not papers:
        return
    now = timezone.now()
    candidates = {id(p): paper_slug_candidates(p) for p in papers}
    taken = taken_slugs(Paper, (c for cs in candidates.values() for c in cs))
    reslug = []
    for paper in papers:
        options = candidates[id(paper)]
        best = next((c for c in options if c == paper.slug or c not in taken), None)
        if best != paper.slug:
            reslug.append((paper, options))
    old_slugs = {id(p): p.slug for p, _ in reslug}
    allocate_slugs(Paper, reslug)
    PaperSlugAlias.objects.bulk_create(
        [PaperSlugAlias(paper=p, slug=old_slugs[id(p)]) for p, _ in reslug if old_slugs[id(p)]]
    )
    fields = ["title", "title_key", "abstract", "abstract_key", "slug", "updated_at"]
    for paper in papers:
        paper.updated_at = now
    update_rows(Paper, fields, [[getattr(p, f) for f in fields] + [p.pk] for p in papers])


def _rebuild_keys(papers: list[Paper], entry_keys: dict[int, set[tuple[str, str]]]) -> None:
    """The keys a paper answers to: its entries' keys and its own (curated) ones."""
    PaperKey.objects.filter(paper__in=papers).delete()
    rows = set()
    for paper in papers:
        keys = entry_keys.get(paper.id, set()) | {
            (PaperKey.Kind.TITLE, digest(paper.title_key)),
            (PaperKey.Kind.ABSTRACT, paper.abstract_key),
        }
        rows.update((paper.id, kind, key) for kind, key in keys if key)
    PaperKey.objects.bulk_create(
        [PaperKey(paper_id=p, kind=k, key=key) for p, k, key in sorted(rows)]
    )


def refresh_papers(paper_ids: Iterable[int]) -> None:
    """Recompute what papers show and where they appear from their entries.

    Used after entries moved or vanished (page updates, curator merges). Curated
    fields are left as the curator chose them.
    """
    ids = list(paper_ids)
    for chunk in chunks(ids):
        papers = list(Paper.objects.live().filter(id__in=chunk))
        entries: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
        entries_keys: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for paper_id, title, abstract, venue_id, tkey, akey in SourceEntry.objects.filter(
            paper_id__in=chunk
        ).values_list("paper_id", "title", "abstract", "venue_id", "title_key", "abstract_key"):
            entries[paper_id].append((title, abstract, venue_id))
            entries_keys[paper_id].update(
                [(PaperKey.Kind.TITLE, digest(tkey)), (PaperKey.Kind.ABSTRACT, akey)]
            )
        changed = []
        for paper in papers:
            rows = entries.get(paper.id, [])
            if not rows:
                continue
            before = (paper.title, paper.abstract)
            if not paper.title_curated:
                paper.title = choose_display(t for t, _, _ in rows)
                paper.title_key = title_key(paper.title)
            if not paper.abstract_curated:
                paper.abstract = choose_display(a for _, a, _ in rows)
                paper.abstract_key = abstract_key(paper.abstract)
            if (paper.title, paper.abstract) != before:
                changed.append(paper)
        save_paper_display(changed)
        _rebuild_keys(papers, entries_keys)
        wanted = {(pid, vid) for pid, rows in entries.items() for _, _, vid in rows if vid}
        present = {
            (paper_id, venue_id): appearance_id
            for appearance_id, paper_id, venue_id in Appearance.objects.filter(
                paper_id__in=chunk
            ).values_list("id", "paper_id", "venue_id")
        }
        Appearance.objects.filter(
            id__in=[i for pair, i in present.items() if pair not in wanted]
        ).delete()
        Appearance.objects.bulk_create(
            [Appearance(paper_id=p, venue_id=v) for p, v in sorted(wanted - present.keys())]
        )
