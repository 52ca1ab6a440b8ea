"""Full-text search over papers' titles and abstracts.

SQLite: an FTS5 table over catalog_paper (external content, kept in step by
triggers, so the importer's plain INSERT/UPDATE statements index too).
PostgreSQL: a GIN index on the same tsvector expression the search query uses.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE catalog_paper_fts USING fts5(
        title, abstract, content='catalog_paper', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER catalog_paper_fts_insert AFTER INSERT ON catalog_paper BEGIN
        INSERT INTO catalog_paper_fts(rowid, title, abstract)
        VALUES (new.id, new.title, new.abstract);
    END""",
    """CREATE TRIGGER catalog_paper_fts_delete AFTER DELETE ON catalog_paper BEGIN
        INSERT INTO catalog_paper_fts(catalog_paper_fts, rowid, title, abstract)
        VALUES ('delete', old.id, old.title, old.abstract);
    END""",
    """CREATE TRIGGER catalog_paper_fts_update AFTER UPDATE OF title, abstract ON catalog_paper
    BEGIN
        INSERT INTO catalog_paper_fts(catalog_paper_fts, rowid, title, abstract)
        VALUES ('delete', old.id, old.title, old.abstract);
        INSERT INTO catalog_paper_fts(rowid, title, abstract)
        VALUES (new.id, new.title, new.abstract);
    END""",
    "INSERT INTO catalog_paper_fts(catalog_paper_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS catalog_paper_fts_update",
    "DROP TRIGGER IF EXISTS catalog_paper_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_paper_fts_insert",
    "DROP TABLE IF EXISTS catalog_paper_fts",
]
POSTGRES_UP = [
    """CREATE INDEX catalog_paper_search_idx ON catalog_paper USING GIN (
        to_tsvector('english'::regconfig, title || ' ' || abstract))""",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS catalog_paper_search_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_updated_at_indexes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
