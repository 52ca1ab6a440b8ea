"""Papers that may be one paper: ``duplicate_paper_candidates``.

The importer joins papers only when certain; this finds the pairs it left apart.
Papers are compared only within blocks sharing the start or end of a folded
title or of an abstract (cut by the database in one scan), never all pairs.
Holds the blocking, the ``PaperPair``/``PaperSide`` results and the pair score
(``paper_pair_score``, pure). Reads only, never writes. Title and text
similarity are in :mod:`.text`, the shared catalogue readers in :mod:`.common`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from itertools import combinations

from django.db.models.functions import Left, Lower, Right

from catalog.bulk import chunks
from catalog.models import Appearance, Authorship, Paper
from catalog.normalize import fold

from ..models import DismissedPair
from .text import text_similarity, title_similarity, words

# Blocking keys: papers are compared only with papers whose folded title, or
# whose abstract, starts or ends with the same characters. A typo, a subtitle or
# a changed sentence leaves one end of the text alone. A key shared by more than
# MAX_PAPER_BLOCK papers (a common opening such as "in this paper we") is
# skipped; the other keys still bring such papers together. The database cuts
# the keys, so an abstract is read whole only for the pairs worth a closer look.
TITLE_KEY_CHARS = 20
ABSTRACT_KEY_CHARS = 100
MAX_PAPER_BLOCK = 50
# A title of fewer content words than MIN_SPECIFIC_TITLE_WORDS that more than
# MAX_SAME_TITLE papers share ("editorial notes") is weak evidence: alone, it
# counts COMMON_TITLE_FACTOR of its similarity, which ranks such pairs last.
MAX_SAME_TITLE = 3
MIN_SPECIFIC_TITLE_WORDS = 5
COMMON_TITLE_FACTOR = 0.5
# A pair is a candidate when its titles are this similar (and its abstracts, when
# both have one, not unrelated), or when its abstracts are this similar.
TITLE_THRESHOLD = 0.85
ABSTRACT_THRESHOLD = 0.8
UNRELATED_ABSTRACTS = 0.5


@dataclass(frozen=True)
class PaperSide:
    """One paper of a candidate pair, as the curator compares it."""

    id: int
    slug: str
    title: str  # "" for an abstract-only paper
    abstract: str
    venues: tuple[str, ...]


@dataclass(frozen=True)
class PaperPair:
    """Two live papers that may be one. ``first`` has the smaller id.

    Similarities are in [0, 1] on folded text, None when a side has no title (or
    no abstract). ``blocks`` names the keys that brought the pair together.
    """

    first: PaperSide
    second: PaperSide
    score: float
    title_similarity: float | None
    abstract_similarity: float | None
    shared_authors: tuple[str, ...]
    blocks: tuple[str, ...]


def paper_pair_order(pair: PaperPair) -> tuple[float, int, int]:
    """The queue's order: best score first, then by the papers' ids."""
    return (-pair.score, pair.first.id, pair.second.id)


def paper_pair_score(
    title_similarity: float | None,
    abstract_similarity: float | None,
    *,
    common_title: bool = False,
) -> float:
    """The score of a pair from its similarities; 0 when it is no candidate.

    Titles alike (>= 0.85) make a candidate unless both abstracts exist and are
    unrelated (< 0.5: two papers that share a generic title); abstracts alike
    (>= 0.8) make one whatever the titles. The score is the mean of the
    similarities known, halved for a ``common_title`` with no abstracts to
    compare (see MAX_SAME_TITLE).
    """
    t, a = title_similarity, abstract_similarity
    titles_alike = (
        t is not None and t >= TITLE_THRESHOLD and (a is None or a >= UNRELATED_ABSTRACTS)
    )
    abstracts_alike = a is not None and a >= ABSTRACT_THRESHOLD
    if not (titles_alike or abstracts_alike):
        return 0.0
    known = [s for s in (t, a) if s is not None]
    factor = COMMON_TITLE_FACTOR if common_title and a is None else 1.0
    return round(factor * sum(known) / len(known), 3)


def duplicate_paper_candidates(
    *, limit: int | None = 100, papers: Collection[int] | None = None
) -> list[PaperPair]:
    """Pairs of live papers that may be the same paper, best score first.

    Pairs a curator dismissed are left out. ``papers``: only the pairs with one of
    these papers are looked at closely (what changed since the last computation;
    the blocking scan still reads every paper). Queries: the blocking keys of every
    paper (one scan), the texts of the pairs worth a closer look, the dismissed
    pairs, then the venues and authors of the pairs returned: 5 (1 when no two
    papers share a key; one more per 5,000 papers looked at closely).
    """
    titles, blocks = _paper_blocks()
    if papers is not None:
        scope = set(papers)
        blocks = {pair: names for pair, names in blocks.items() if scope.intersection(pair)}
    papers_per_title = Counter(key for _, key in titles.values())
    # Titles first (short, cheap); abstracts only for pairs whose titles are alike
    # or that share the start or end of an abstract.
    closer: list[tuple[int, int, float | None, bool]] = []
    for (low, high), names in blocks.items():
        t = None
        (title_low, key_low), (title_high, key_high) = titles[low], titles[high]
        if key_low and key_high:
            t = title_similarity(title_low, title_high, key_low, key_high, cutoff=TITLE_THRESHOLD)
        if t is not None or any(name.startswith("abstract") for name in names):
            common = _common_title(key_low, papers_per_title) and key_low == key_high
            closer.append((low, high, t, common))
    if not closer:
        return []
    records = _paper_records({paper_id for low, high, *_ in closer for paper_id in (low, high)})
    scored: list[tuple[float, int, int, float | None, float | None]] = []
    for low, high, t, common in closer:
        (_, title_low, _, key_low, abstract_low) = records[low]
        (_, title_high, _, key_high, abstract_high) = records[high]
        a = None
        if abstract_low and abstract_high:
            cutoff = UNRELATED_ABSTRACTS if t is not None else ABSTRACT_THRESHOLD
            a = text_similarity(abstract_low, abstract_high, cutoff=cutoff)
        if t is None and a:  # titles told nothing: show how (un)alike they are
            t = (
                title_similarity(title_low, title_high, key_low, key_high)
                if key_low and key_high
                else None
            )
        score = paper_pair_score(t, a, common_title=common)
        if score > 0:
            scored.append((score, low, high, t, a))
    if not scored:
        return []
    dismissed = set(
        DismissedPair.objects.filter(kind=DismissedPair.Kind.PAPER).values_list("low_id", "high_id")
    )
    scored = [s for s in scored if (s[1], s[2]) not in dismissed]
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))  # as paper_pair_order
    top = scored[:limit]
    ids = {paper_id for _, low, high, _, _ in top for paper_id in (low, high)}
    venues: dict[int, list[str]] = defaultdict(list)
    authors: dict[int, dict[int, str]] = defaultdict(dict)
    for chunk in chunks(ids):
        for paper_id, venue in (
            Appearance.objects.filter(paper_id__in=chunk)
            .order_by("venue__name")
            .values_list("paper_id", "venue__name")
        ):
            venues[paper_id].append(venue)
        # The papers are live (tombstones were dropped in _paper_blocks): live()
        # leaves out the authors merged away and no paper.
        for paper_id, author_id, name in (
            Authorship.objects.live()
            .filter(paper_id__in=chunk)
            .values_list("paper_id", "author_id", "author__display_name")
        ):
            authors[paper_id][author_id] = name

    def side(paper_id: int) -> PaperSide:
        slug, title, abstract, _, _ = records[paper_id]
        return PaperSide(paper_id, slug, title, abstract, tuple(venues[paper_id]))

    return [
        PaperPair(
            first=side(low),
            second=side(high),
            score=score,
            title_similarity=None if t is None else round(t, 3),
            abstract_similarity=None if a is None else round(a, 3),
            shared_authors=tuple(
                sorted(name for a_id, name in authors[low].items() if a_id in authors[high])
            ),
            blocks=tuple(blocks[(low, high)]),
        )
        for score, low, high, t, a in top
    ]


def _paper_blocks() -> tuple[dict[int, tuple[str, str]], dict[tuple[int, int], list[str]]]:
    """(id -> (title, title key), (low id, high id) -> names of the keys the pair shares),
    from one scan of the papers that reads the start and end of each abstract.

    Tombstones are dropped here rather than by the query: ``merged_into IS NULL``
    makes SQLite walk that index and fetch every row by id, slower than a scan.
    """
    keyed: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in _BLOCK_NAMES}
    titles: dict[int, tuple[str, str]] = {}
    rows = Paper.objects.order_by().values_list(
        "id",
        "merged_into_id",
        "title",
        "title_key",
        Lower(Left("abstract", ABSTRACT_KEY_CHARS)),
        Lower(Right("abstract", ABSTRACT_KEY_CHARS)),
    )
    title_start, title_end, abstract_start, abstract_end = keyed.values()
    for paper_id, merged, title, tkey, start, end in rows.iterator(chunk_size=5000):
        if merged is not None:
            continue
        titles[paper_id] = (title, tkey)
        if tkey:
            title_start[tkey[:TITLE_KEY_CHARS]].append(paper_id)
            title_end[tkey[-TITLE_KEY_CHARS:]].append(paper_id)
        if start:
            abstract_start[start].append(paper_id)
            abstract_end[end].append(paper_id)
    blocks: dict[tuple[int, int], list[str]] = defaultdict(list)
    for name, groups in keyed.items():
        for ids in groups.values():
            if 1 < len(ids) <= MAX_PAPER_BLOCK:
                for pair in combinations(sorted(ids), 2):
                    blocks[pair].append(name)
    return titles, blocks


def _common_title(key: str, papers_per_title: Counter[str]) -> bool:
    """A short title that many papers share ("editorial notes", "atypical hemolytic
    uremic syndrome"): weak evidence that two of them are one paper."""
    return papers_per_title[key] > MAX_SAME_TITLE and len(words(key)) < MIN_SPECIFIC_TITLE_WORDS


_BLOCK_NAMES = ("title start", "title end", "abstract start", "abstract end")


def _paper_records(ids: set[int]) -> dict[int, tuple[str, str, str, str, str]]:
    """id -> (slug, title, abstract, title key, folded abstract) of these papers."""
    records = {}
    for chunk in chunks(ids):
        for paper_id, slug, title, abstract, tkey in Paper.objects.filter(id__in=chunk).values_list(
            "id", "slug", "title", "abstract", "title_key"
        ):
            records[paper_id] = (slug, title, abstract, tkey, fold(abstract))
    return records
