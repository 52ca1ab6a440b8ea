"""What the finders share that reads the catalogue: the word weights, authors by
id, each paper's co-authors, and how papers and authors are listed.

Holds ``catalogue_vocabulary`` (the TF-IDF word weights from a sample of the
catalogue), ``coauthorship`` (who wrote each paper, small papers only),
``authors_by_id``, ``paper_label`` and ``author_order``. It runs queries but
answers no curator's question itself: the four finders (``suggestions``,
``paper_pairs``, ``author_pairs``, ``profiles``) build on it, and it imports
none of them. Pure text helpers are in :mod:`curation.finders.text`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Max, Min, Window
from django.db.models.functions import Left

from catalog.bulk import chunks
from catalog.models import Author, Authorship, Paper

from .text import Vocabulary

# --- the catalogue's vocabulary --------------------------------------------------

VOCABULARY_SAMPLE = 2000
ABSTRACT_CHARS = 3000  # abstracts are cut here for word statistics and vectors


def catalogue_vocabulary(*, sample: int = VOCABULARY_SAMPLE) -> Vocabulary:
    """Word document frequencies over up to ``sample`` live papers, evenly spaced
    by id (deterministic, no random sort).

    Kept in the queues' cache for ``QUEUE_CACHE_SECONDS``: the statistics of a
    sample move slowly with the catalogue, and counting them again cost 250 ms of
    every assign form at 100,000 papers. Two queries when counted."""
    seconds = settings.QUEUE_CACHE_SECONDS
    key = f"curation-vocabulary:{sample}"
    if seconds and (kept := caches["queues"].get(key)) is not None:
        return kept
    vocabulary = _count_vocabulary(sample)
    if seconds:
        caches["queues"].set(key, vocabulary, seconds)
    return vocabulary


def _count_vocabulary(sample: int) -> Vocabulary:
    live = Paper.objects.live()
    # The id range of the whole table (two primary-key lookups); tombstones in the
    # sample are left out below.
    bounds = Paper.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return Vocabulary(0, {})
    low, high = bounds["low"], bounds["high"]
    if high - low + 1 <= sample:
        chosen = live.filter(id__range=(low, high))
    else:
        step = (high - low) / sample
        chosen = live.filter(id__in=sorted({low + int(i * step) for i in range(sample)}))
    rows = chosen.values_list("title", Left("abstract", ABSTRACT_CHARS))
    return Vocabulary.from_texts(f"{title} {abstract}" for title, abstract in rows)


def paper_label(title: str, abstract_start: str) -> str:
    """What a paper is called in a list (as ``Paper.__str__``)."""
    return title or f"[abstract only] {abstract_start[:60]}"


def authors_by_id(ids: Iterable[int]) -> dict[int, Author]:
    """Authors by id in one query per 5,000 (``in_bulk`` takes one per 999 on SQLite)."""
    found: dict[int, Author] = {}
    for chunk in chunks(ids):
        found.update((author.pk, author) for author in Author.objects.filter(id__in=chunk))
    return found


def author_order(author: Author) -> tuple[str, str]:
    return (author.sort_key, author.slug)


# --- co-authors --------------------------------------------------------------------

MAX_LINK_AUTHORS = 50  # papers with more live authors do not make co-authors (consortia)


def coauthorship(author_ids: set[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """(author -> papers, paper -> live authors) over the live papers of these
    authors that have at most MAX_LINK_AUTHORS live authors: two queries (a window
    function counts each paper's authors in the database; then the tombstone
    authors, merged into others).

    The authorships are not joined to their authors: the planner cannot know that
    the size limit keeps a few hundred of the tens of thousands of rows a consortium
    paper brings, and joined every one of them: 37 ms a page on PostgreSQL at 100,000
    papers, against 14 ms for the rows joined to papers and 3 ms for the tombstones."""
    papers_of: dict[int, set[int]] = defaultdict(set)
    authors_of: dict[int, set[int]] = defaultdict(set)
    rows = []
    for chunk in chunks(author_ids):
        rows += (
            Authorship.objects.filter(
                paper_id__in=Authorship.objects.filter(author_id__in=chunk).values("paper_id"),
            )
            .annotate(size=Window(Count("id"), partition_by=[F("paper_id")]))
            .filter(size__lte=MAX_LINK_AUTHORS)
            .values_list("paper_id", "author_id", "paper__merged_into_id")
        )
    # Every tombstone author (merges are curators' work: a few thousand at most),
    # rather than asking about the tens of thousands of co-authors found.
    merged = (
        set(Author.objects.filter(merged_into__isnull=False).values_list("pk", flat=True))
        if rows
        else set()
    )
    for paper_id, author_id, paper_merged in rows:
        if paper_merged is None and author_id not in merged:
            papers_of[author_id].add(paper_id)
            authors_of[paper_id].add(author_id)
    return papers_of, authors_of
