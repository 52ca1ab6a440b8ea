"""Plain multi-row INSERT and UPDATE for the importer's hot tables, and ``chunks``.

``bulk_create`` builds a model instance and compiles every value through the
field machinery: most of the importer's time at a million entries. These
helpers send the same rows as plain parameters, in SQL that SQLite (3.35+) and
PostgreSQL both accept (``ON CONFLICT DO NOTHING``, ``RETURNING``). Values are
passed as parameters, never formatted into the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models

# SQLite allows 32,766 parameters per statement; stay well under it.
_MAX_PARAMETERS = 30_000

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size``: an ``IN (...)`` list per query stays
    under the databases' parameter limits."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    return table, columns


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT rows (tuples of values in ``fields`` order); nothing is returned."""
    if not rows:
        return
    table, columns = _columns(model, fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}){conflict}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_rows_returning(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning: Sequence[str],
) -> list[tuple]:
    """INSERT rows and return the ``returning`` columns of each new row.

    One multi-row statement per chunk. The database does not promise to return
    rows in VALUES order (PostgreSQL leaves it unspecified), so callers ask for
    a natural key with the id and match on it.
    """
    if not rows:
        return []
    table, columns = _columns(model, fields)
    quote = connection.ops.quote_name
    returned = ", ".join(quote(model._meta.get_field(name).column) for name in returning)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, _MAX_PARAMETERS // len(fields))
    result: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "
                f"RETURNING {returned}",
                [value for row in chunk for value in row],
            )
            result.extend(tuple(row) for row in cursor.fetchall())
    return result


def insert_objects(objects: Sequence[models.Model], fields: Sequence[str], key: str) -> None:
    """INSERT unsaved model instances and give them their primary keys.

    ``key`` names a unique field the instances already hold (a slug), used to
    match the returned ids to the instances.
    """
    if not objects:
        return
    model = type(objects[0])
    attnames = [model._meta.get_field(name).attname for name in fields]
    rows = [[getattr(obj, attname) for attname in attnames] for obj in objects]
    ids = dict(insert_rows_returning(model, fields, rows, returning=[key, "id"]))
    for obj in objects:
        obj.pk = ids[getattr(obj, key)]
        obj._state.adding = False
        obj._state.db = connection.alias


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE ... SET fields WHERE pk = last value of each row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(model._meta.get_field(f).column)} = %s" for f in fields)
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)
