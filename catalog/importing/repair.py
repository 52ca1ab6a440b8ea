"""Serialising imports, and repairing what two racing imports could leave behind.

``import_lock`` is held by an import from its first write to its end: on
PostgreSQL a session-level advisory lock, so that two imports started at once
write one after the other and give the catalogue of one import after the other
(batch by batch interleaving would not: same-name authors take their slugs in
arrival order). On SQLite, whose writers would otherwise queue at ``BEGIN
IMMEDIATE`` batch by batch, an exclusive ``flock`` on a file beside the database
does the same. The waiting import has already read and parsed its first batch,
and each batch reads the catalogue again inside its transaction, so a page the
other import wrote in between is seen (unchanged, updated, or refused with
``CHANGED_DURING_IMPORT`` when it matched the stored hash at reading).

``fold_split_papers`` restores the rule "an entry whose normalized abstract is
known joins that paper" across the whole catalogue: live papers that answer to
the same normalized abstract are one paper. Before the lock, two imports could
each create a paper for one abstract (say an abstract-only entry on one page and
a titled entry on another); every later import would then find both pages
unchanged and leave the catalogue split for ever. Each import ends with this
check (one indexed ``GROUP BY`` over the abstract keys); the younger papers fold
into the oldest (the one matching picks), as if their entries had arrived one
after the other. A paper a curator edited (title or abstract) is left alone, with
every paper sharing its abstract: curators see them in the duplicate queue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Count

from ..bulk import chunks
from ..changes import record_change
from ..locks import database_lock
from ..models import Authorship, ChangeEvent, Paper, PaperKey
from .matching import _Matcher
from .writing import apply_saved_folds

# pg_advisory_lock key of the importer: any 64-bit number no other code uses.
IMPORT_LOCK = 0x696D706F7274  # "import"
SQLITE_LOCK_SUFFIX = "-import-lock"


@contextmanager
def import_lock() -> Iterator[None]:
    """Wait until no other import is writing, and keep them waiting until the end."""
    with database_lock(IMPORT_LOCK, name=SQLITE_LOCK_SUFFIX):
        yield


def fold_split_papers() -> int:
    """Fold live papers that share a normalized abstract into the oldest; returns how
    many papers were folded. Call inside a transaction, under ``import_lock``."""
    shared = list(
        PaperKey.objects.filter(kind=PaperKey.Kind.ABSTRACT)
        .values("key")
        .annotate(papers=Count("paper"))
        .filter(papers__gt=1)
        .values_list("key", flat=True)
    )
    if not shared:
        return 0
    rows: list[tuple[str, int]] = []
    for chunk in chunks(shared):
        rows.extend(
            PaperKey.objects.filter(kind=PaperKey.Kind.ABSTRACT, key__in=chunk).values_list(
                "key", "paper_id"
            )
        )
    matcher = _Matcher()
    live = matcher._load_live_papers({paper_id for _, paper_id in rows})
    by_key: dict[str, dict[int, Paper]] = defaultdict(dict)
    for key, paper_id in rows:
        paper = live[paper_id]
        by_key[key][paper.pk] = paper
    for key in sorted(by_key):
        papers = sorted({p.pk: p for p in map(matcher.live, by_key[key].values())}.items())
        if len(papers) < 2 or any(p.title_curated or p.abstract_curated for _, p in papers):
            continue
        survivor = papers[0][1]
        for _, other in papers[1:]:
            matcher.folded[id(other)] = survivor
            matcher.saved_folds.append((other, survivor))
    apply_saved_folds(matcher)
    if matcher.saved_folds:
        survivors = {matcher.live(other).pk for other, _ in matcher.saved_folds}
        slugs = dict(Paper.objects.filter(pk__in=survivors).values_list("pk", "slug"))
        folds = {other.slug: slugs[matcher.live(other).pk] for other, _ in matcher.saved_folds}
        record_change(
            kind=ChangeEvent.Kind.MERGED,
            summary=f"{len(folds)} papers sharing an abstract folded into the oldest",
            data={"model": "paper", "merged": folds},
            papers=survivors,
            authors=Authorship.objects.filter(paper_id__in=survivors).values_list(
                "author_id", flat=True
            ),
            gone={"papers": list(folds)},  # their slugs now lead to the survivors
        )
    return len(matcher.saved_folds)
