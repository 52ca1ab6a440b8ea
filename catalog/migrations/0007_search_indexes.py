"""Indexes that make name search and full-text ranking cheap at 100,000 papers.

Name search (every folded word anywhere in one of an author's names) was a scan
of every name for each word:

- SQLite: an FTS5 table over ``catalog_authorname.search_key`` with the trigram
  tokenizer (external content, kept in step by triggers), which answers
  ``LIKE '%word%'`` from its index for words of three letters or more;
- PostgreSQL: a trigram GIN index (``pg_trgm``) on the same column, used by the
  ORM's ``LIKE '%word%'``.

PostgreSQL's paper search ranked every match with ``ts_rank`` on a ``tsvector``
computed again for each row: the document is now a stored generated column
(``search_document``, computed once when a title or abstract is written, never
read by Django) with the GIN index on it; the expression index of migration 0003
goes. SQLite keeps its FTS5 table of migration 0003.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE catalog_authorname_trigram USING fts5(
        search_key, content='catalog_authorname', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER catalog_authorname_trigram_insert AFTER INSERT ON catalog_authorname BEGIN
        INSERT INTO catalog_authorname_trigram(rowid, search_key)
        VALUES (new.id, new.search_key);
    END""",
    """CREATE TRIGGER catalog_authorname_trigram_delete AFTER DELETE ON catalog_authorname BEGIN
        INSERT INTO catalog_authorname_trigram(catalog_authorname_trigram, rowid, search_key)
        VALUES ('delete', old.id, old.search_key);
    END""",
    """CREATE TRIGGER catalog_authorname_trigram_update
    AFTER UPDATE OF search_key ON catalog_authorname BEGIN
        INSERT INTO catalog_authorname_trigram(catalog_authorname_trigram, rowid, search_key)
        VALUES ('delete', old.id, old.search_key);
        INSERT INTO catalog_authorname_trigram(rowid, search_key)
        VALUES (new.id, new.search_key);
    END""",
    "INSERT INTO catalog_authorname_trigram(catalog_authorname_trigram) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS catalog_authorname_trigram_update",
    "DROP TRIGGER IF EXISTS catalog_authorname_trigram_delete",
    "DROP TRIGGER IF EXISTS catalog_authorname_trigram_insert",
    "DROP TABLE IF EXISTS catalog_authorname_trigram",
]

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX catalog_authorname_search_trgm ON catalog_authorname
        USING GIN (search_key gin_trgm_ops)""",
    """ALTER TABLE catalog_paper ADD COLUMN search_document tsvector
        GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title || ' ' || abstract)) STORED""",
    "CREATE INDEX catalog_paper_document_idx ON catalog_paper USING GIN (search_document)",
    "DROP INDEX IF EXISTS catalog_paper_search_idx",
]
POSTGRES_DOWN = [
    """CREATE INDEX catalog_paper_search_idx ON catalog_paper USING GIN (
        to_tsvector('english'::regconfig, title || ' ' || abstract))""",
    "DROP INDEX IF EXISTS catalog_paper_document_idx",
    "ALTER TABLE catalog_paper DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS catalog_authorname_search_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_page_versions")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
