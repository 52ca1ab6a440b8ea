"""Full-text search over papers' titles and abstracts: the engine-specific SQL.

SQLite uses its FTS5 table (porter stemming; it holds live papers only, kept by
triggers: migrations 0003 and 0005), PostgreSQL a GIN index on a ``tsvector``
expression (migration 0003). Words reach the engine as quoted terms or plain
text, never as search syntax. The querysets built on these ids are in
:mod:`catalog.selectors`.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.expressions import RawSQL

MAX_SEARCH_WORDS = 12  # more words narrow nothing in practice, and each costs a LIKE
SEARCH_LIMIT = 500
_WORD = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    return _WORD.findall(text)[:MAX_SEARCH_WORDS]


def _fts_match(words: list[str]) -> str:
    """An FTS5 query of quoted terms: no search syntax reaches the engine from a user."""
    return " ".join(f'"{w}"' for w in words)


# The expression PostgreSQL's GIN index (migration 0003) is built on.
_PG_DOCUMENT = "to_tsvector('english'::regconfig, title || ' ' || abstract)"


def ranked_paper_ids(words: list[str], *, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of live papers matching every word in title or abstract, best first."""
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Ranked in the FTS index alone, which holds live papers only (merged
            # ones leave it by trigger: migration 0005).
            cursor.execute(
                "SELECT rowid FROM catalog_paper_fts WHERE catalog_paper_fts MATCH %s "
                "ORDER BY rank, rowid LIMIT %s",
                [_fts_match(words), limit],
            )
        else:
            cursor.execute(
                f"SELECT id FROM catalog_paper, plainto_tsquery('english', %s) AS query "  # noqa: S608
                f"WHERE {_PG_DOCUMENT} @@ query AND merged_into_id IS NULL "
                f"ORDER BY ts_rank({_PG_DOCUMENT}, query) DESC, id LIMIT %s",
                [" ".join(words), limit],
            )
        return [row[0] for row in cursor.fetchall()]


def matching_paper_ids(words: list[str]) -> RawSQL:
    """A subquery of the ids of papers matching every word (merged ones included on
    PostgreSQL: the caller filters its own queryset), unordered."""
    if connection.vendor == "sqlite":
        return RawSQL(
            "SELECT rowid FROM catalog_paper_fts WHERE catalog_paper_fts MATCH %s",
            [_fts_match(words)],
        )
    return RawSQL(
        f"SELECT id FROM catalog_paper WHERE {_PG_DOCUMENT} "  # noqa: S608
        "@@ plainto_tsquery('english', %s)",
        [" ".join(words)],
    )
