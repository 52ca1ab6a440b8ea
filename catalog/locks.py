"""Named locks that every process sharing the database respects.

On PostgreSQL a session-level advisory lock (any machine reaching the server); on
SQLite, which one machine serves, an ``flock`` on a file beside the database (the
kernel frees it if the holder dies). Shared upkeep of the importer (one import
writes at a time) and the curators' queue computation (one worker computes at a
time), and of the change feed (its events committed in the order of their ids);
it depends on none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

try:
    import fcntl
except ImportError:  # Windows: no lock on SQLite
    fcntl = None


@contextmanager
def database_lock(key: int, *, name: str, wait: bool = True) -> Iterator[bool]:
    """Hold the lock ``key`` (PostgreSQL) / ``name`` (SQLite lock file suffix) for the
    block. With ``wait=False``, never waits: yields False when another process holds it
    (the block should then do nothing). Yields True once held."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [key])
            held = wait or bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
                except DatabaseError:
                    pass  # an aborted transaction: the lock goes with the session
    elif connection.vendor == "sqlite" and fcntl and not connection.is_in_memory_db():
        with open(f"{connection.settings_dict['NAME']}{name}", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield True


def transaction_lock(key: int) -> None:
    """Hold the lock ``key`` until the current transaction ends (PostgreSQL: a
    transaction-level advisory lock). On SQLite writers are one at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
