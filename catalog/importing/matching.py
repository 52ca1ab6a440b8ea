"""Matching: which paper and which venue each entry of a batch belongs to.

``_Matcher`` owns the batch's matching index, loaded once from ``PaperKey`` and
``Venue`` (``load_index``), and resolves each ``_EntryPlan`` to a paper and a
venue by the rules in the package docstring (``resolve``), creating unsaved
``Paper`` and ``Venue`` objects where nothing matches and letting matched ones
take a better spelling (``_absorb``, ``_venue``).

It only reads the database: it decides nothing about pages (new, changed,
unchanged) and writes no row. ``writing._Batch`` owns one matcher per batch and
writes what it found. What the matcher owns and the batch reads afterwards:

- ``by_abstract``, ``by_title``, ``venues``: the index (keys -> papers, venues);
- ``new_papers``, ``changed_papers``, ``new_venues``, ``changed_venues``: what
  the batch must insert or update;
- ``folded``, ``saved_folds``: title-only papers proven to be another paper
  (``live`` follows them); the batch moves the saved ones' rows;
- ``known_keys``: the ``PaperKey`` rows already stored, not inserted again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..bulk import chunks
from ..models import Paper, PaperKey, Venue
from ..normalize import abstract_key, choose_display, digest, title_key
from ..parsing import ParsedEntry


@dataclass
class _EntryPlan:
    """A page entry on its way into the database."""

    parsed: ParsedEntry
    position: int
    tkey: str
    akey: str
    vkey: str
    paper: Paper | None = None
    venue: Venue | None = None

    @property
    def tdig(self) -> str:
        """The title key as PaperKey stores it."""
        return digest(self.tkey)


class _Matcher:
    """The matching index of one batch, and the papers and venues it resolved to."""

    def __init__(self) -> None:
        # Matching index: keys -> papers (saved or not). Keyed by id() because
        # unsaved model instances are not hashable.
        self.by_abstract: dict[str, Paper] = {}
        self.by_title: dict[str, dict[int, Paper]] = defaultdict(dict)
        self.venues: dict[str, Venue] = {}
        self.new_papers: list[Paper] = []
        self.changed_papers: dict[int, Paper] = {}
        self.new_venues: list[Venue] = []
        self.changed_venues: dict[int, Venue] = {}
        # Title-only papers proven to be another paper (see _fold_title_only).
        self.folded: dict[int, Paper] = {}
        self.saved_folds: list[tuple[Paper, Paper]] = []
        self.known_keys: set[tuple[int, str, str]] = set()  # (paper id, kind, key) in PaperKey

    # -- matching index --

    def load_index(self, plans: list[_EntryPlan]) -> None:
        """Load the papers that the batch's keys can match, with every key they answer to."""
        rows: list[tuple[int, str, str]] = []
        for kind, attribute in ((PaperKey.Kind.ABSTRACT, "akey"), (PaperKey.Kind.TITLE, "tdig")):
            keys = {getattr(plan, attribute) for plan in plans} - {""}
            for chunk in chunks(keys):
                rows.extend(
                    PaperKey.objects.filter(kind=kind, key__in=chunk).values_list(
                        "paper_id", "kind", "key"
                    )
                )
        papers = self._load_live_papers({paper_id for paper_id, _, _ in rows})
        for paper_id, kind, key in sorted(rows):
            paper = papers[paper_id]
            if paper.pk == paper_id:
                self.known_keys.add((paper.pk, kind, key))
            if kind == PaperKey.Kind.ABSTRACT:
                self._register(paper, "", key)
            else:
                self._register(paper, key, "")
        vkeys = {p.vkey for p in plans if p.vkey}
        for chunk in chunks(vkeys):
            self.venues.update((v.key, v) for v in Venue.objects.filter(key__in=chunk))

    @staticmethod
    def _load_live_papers(ids: set[int]) -> dict[int, Paper]:
        """Papers by id, each tombstone replaced by the survivor it redirects to."""
        papers: dict[int, Paper] = {}
        for chunk in chunks(ids):
            papers.update((p.id, p) for p in Paper.objects.filter(id__in=chunk))
        while True:
            pending = {p.merged_into_id for p in papers.values() if p.merged_into_id}
            pending -= {i for i, p in papers.items() if not p.merged_into_id}
            if not pending:
                break
            for chunk in chunks(pending):
                papers.update((p.id, p) for p in Paper.objects.filter(id__in=chunk))
        live: dict[int, Paper] = {}
        for paper_id, paper in papers.items():
            target = paper
            while target.merged_into_id:
                target = papers[target.merged_into_id]
            live[paper_id] = target
        return live

    def _register(self, paper: Paper, tdig: str, akey: str) -> None:
        """Index a paper under a title digest and/or an abstract key."""
        if akey:
            self.by_abstract.setdefault(akey, paper)
        if tdig:
            self.by_title[tdig][id(paper)] = paper

    # -- resolution --

    def live(self, paper: Paper) -> Paper:
        while id(paper) in self.folded:
            paper = self.folded[id(paper)]
        return paper

    def _title_papers(self, tdig: str) -> list[Paper]:
        papers = {id(p): p for p in map(self.live, self.by_title.get(tdig, {}).values())}
        return list(papers.values())

    def resolve(self, plan: _EntryPlan) -> None:
        entry = plan.parsed
        paper = self.by_abstract.get(plan.akey) if plan.akey else None
        if paper is not None:
            paper = self.live(paper)
        elif plan.tkey:
            candidates = [
                p for p in self._title_papers(plan.tdig) if not plan.akey or not p.abstract_key
            ]
            if len(candidates) == 1:
                paper = candidates[0]
        if paper is None:
            paper = Paper(
                title=entry.title,
                abstract=entry.abstract,
                title_key=plan.tkey,
                abstract_key=plan.akey,
            )
            self.new_papers.append(paper)
        else:
            self._absorb(paper, entry.title, entry.abstract)
        self._register(paper, plan.tdig, plan.akey)
        if plan.akey and plan.tkey:
            self._fold_title_only(paper, plan.tdig)
        plan.paper = paper
        if plan.vkey:
            plan.venue = self._venue(entry.venue, plan.vkey)

    def _fold_title_only(self, paper: Paper, tdig: str) -> None:
        """An entry with title T and abstract A proves that a title-only paper of T is
        A's paper, as long as A's paper is the only one with an abstract under T.

        Without this, 'T without abstract' then 'A without title' then 'T with A'
        would leave two papers where the reverse order leaves one.
        """
        others = [p for p in self._title_papers(tdig) if p is not paper]
        if any(p.abstract_key for p in others):
            return  # two papers with an abstract share the title: not certain
        for other in others:
            if other.title_curated or other.abstract_curated:
                continue  # a curator's paper: leave it to curators
            self.folded[id(other)] = paper
            self._absorb(paper, other.title, "")
            if other.pk is not None:
                self.saved_folds.append((other, paper))

    def _absorb(self, paper: Paper, title: str, abstract: str) -> None:
        """Let a matched paper take a spelling if the fixed rule prefers it."""
        changed = False
        if title and not paper.title_curated:
            title = choose_display([paper.title, title])
            if title != paper.title:
                paper.title, paper.title_key, changed = title, title_key(title), True
        if abstract and not paper.abstract_curated:
            abstract = choose_display([paper.abstract, abstract])
            if abstract != paper.abstract:
                paper.abstract, paper.abstract_key = abstract, abstract_key(abstract)
                changed = True
        if changed and paper.pk is not None:
            self.changed_papers[paper.pk] = paper

    def _venue(self, name: str, key: str) -> Venue:
        venue = self.venues.get(key)
        if venue is None:
            venue = Venue(name=name, key=key)
            self.venues[key] = venue
            self.new_venues.append(venue)
        else:
            shown = choose_display([venue.name, name])
            if shown != venue.name:
                venue.name = shown
                if venue.pk is not None:
                    self.changed_venues[venue.pk] = venue
        return venue
