"""SQLite's full-text index holds live papers only.

A merged paper (a tombstone) leaves the FTS5 index when it is merged and comes back
if the merge is undone, so search counts and ranks live papers only. One trigger
per statement kind; each indexes or unindexes a row only on the side of the
statement where it is live (an FTS5 'delete' of a row not in the index would
corrupt it). PostgreSQL filters tombstones in the query and needs nothing here.
"""

from django.db import migrations

OLD_TRIGGERS = ["catalog_paper_fts_insert", "catalog_paper_fts_delete", "catalog_paper_fts_update"]

UNINDEX_OLD = """INSERT INTO catalog_paper_fts(catalog_paper_fts, rowid, title, abstract)
        SELECT 'delete', old.id, old.title, old.abstract WHERE old.merged_into_id IS NULL;"""
INDEX_NEW = """INSERT INTO catalog_paper_fts(rowid, title, abstract)
        SELECT new.id, new.title, new.abstract WHERE new.merged_into_id IS NULL;"""

SQLITE_UP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in OLD_TRIGGERS),
    f"""CREATE TRIGGER catalog_paper_fts_insert AFTER INSERT ON catalog_paper BEGIN
        {INDEX_NEW}
    END""",
    f"""CREATE TRIGGER catalog_paper_fts_delete AFTER DELETE ON catalog_paper BEGIN
        {UNINDEX_OLD}
    END""",
    f"""CREATE TRIGGER catalog_paper_fts_update
    AFTER UPDATE OF title, abstract, merged_into_id ON catalog_paper BEGIN
        {UNINDEX_OLD}
        {INDEX_NEW}
    END""",
    # Tombstones made before this migration are still indexed: take them out.
    """INSERT INTO catalog_paper_fts(catalog_paper_fts, rowid, title, abstract)
    SELECT 'delete', id, title, abstract FROM catalog_paper WHERE merged_into_id IS NOT NULL""",
]

SQLITE_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in OLD_TRIGGERS),
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


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_retired_author_slugs")]

    operations = [migrations.RunPython(_run(SQLITE_UP), _run(SQLITE_DOWN))]
