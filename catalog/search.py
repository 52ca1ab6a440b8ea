"""Search: the engine-specific SQL of paper full-text search and author name search.

Papers: SQLite uses its FTS5 table (porter stemming; it holds live papers only,
kept by triggers: migrations 0003 and 0005), PostgreSQL a stored ``tsvector``
column with a GIN index (migration 0007). Words reach the engine as quoted terms
or plain text, never as search syntax. Ranking reads at most
:data:`RANK_CANDIDATES` matches, the most recently added: a query of two common
words matches 40,000 of 100,000 papers, and scoring every one of them cost 90 ms
on SQLite and seconds on PostgreSQL, for a list that shows 500.

Authors: every folded word must occur in one name of the author, through a
trigram index (an FTS5 trigram table on SQLite, ``pg_trgm`` on PostgreSQL:
migration 0007).

The querysets built on these ids are in :mod:`catalog.selectors`.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

MAX_SEARCH_WORDS = 12  # more words narrow nothing in practice, and each costs a LIKE
SEARCH_LIMIT = 500
RANK_CANDIDATES = 5_000  # matches ranked per search (the newest ones)
TRIGRAM = 3  # the shortest word a trigram index can look up
_WORD = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    return _WORD.findall(text)[:MAX_SEARCH_WORDS]


def _fts_match(words: list[str]) -> str:
    """An FTS5 query of quoted terms: no search syntax reaches the engine from a user."""
    return " ".join(f'"{w}"' for w in words)


def ranked_paper_ids(
    words: list[str], *, limit: int = SEARCH_LIMIT, candidates: int = RANK_CANDIDATES
) -> list[int]:
    """Ids of live papers matching every word in title or abstract, best first,
    among the ``candidates`` most recently added matches."""
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Ranked in the FTS index alone, which holds live papers only (merged
            # ones leave it by trigger: migration 0005).
            cursor.execute(
                "SELECT rowid FROM (SELECT rowid, rank FROM catalog_paper_fts "
                "WHERE catalog_paper_fts MATCH %s ORDER BY rowid DESC LIMIT %s) "
                "ORDER BY rank, rowid LIMIT %s",
                [_fts_match(words), candidates, limit],
            )
        else:
            cursor.execute(
                "SELECT id FROM (SELECT id, search_document FROM catalog_paper "
                "WHERE search_document @@ plainto_tsquery('english', %s) "
                "AND merged_into_id IS NULL ORDER BY id DESC LIMIT %s) AS candidates "
                "ORDER BY ts_rank(search_document, plainto_tsquery('english', %s)) DESC, id "
                "LIMIT %s",
                [" ".join(words), candidates, " ".join(words), limit],
            )
        return [row[0] for row in cursor.fetchall()]


def with_words(papers: QuerySet, words: list[str]) -> QuerySet:
    """Those of ``papers`` matching every word, unordered: the ids of the FTS5 table
    on SQLite; on PostgreSQL a condition on the paper's own stored document (a
    subquery of ids would join the table with itself: 0.5 s for a word in 70% of
    100,000 papers)."""
    if connection.vendor == "sqlite":
        return papers.filter(
            id__in=RawSQL(
                "SELECT rowid FROM catalog_paper_fts WHERE catalog_paper_fts MATCH %s",
                [_fts_match(words)],
            )
        )
    document = papers.model._meta.db_table + ".search_document"
    return papers.annotate(
        has_words=RawSQL(
            f"{document} @@ plainto_tsquery('english', %s)",  # noqa: S608 - our table name
            [" ".join(words)],
            output_field=BooleanField(),
        )
    ).filter(has_words=True)


def matching_name_ids(words: list[str]) -> RawSQL:
    """A subquery of the ids of author names (``AuthorName``) holding every one of
    these folded words (plain letters and digits, as ``fold`` gives), anywhere.

    On SQLite only words of three letters or more go to the trigram table: shorter
    ones cannot use its index, and SQLite 3.40 crashes on a trigram query whose
    short ``LIKE`` comes before a long one. They filter the names it found."""
    # PostgreSQL's trigram index serves the plain LIKEs; SQLite's is a table of its own.
    on_table = connection.vendor == "sqlite"
    indexed = [w for w in words if on_table and len(w) >= TRIGRAM]
    plain = [w for w in words if not (on_table and len(w) >= TRIGRAM)]
    conditions = ["search_key LIKE %s"] * len(plain)
    if indexed:
        where = " AND ".join(["search_key LIKE %s"] * len(indexed))
        conditions.insert(0, f"id IN (SELECT rowid FROM catalog_authorname_trigram WHERE {where})")
    return RawSQL(
        f"SELECT id FROM catalog_authorname WHERE {' AND '.join(conditions)}",  # noqa: S608
        [f"%{word}%" for word in indexed + plain],
    )
