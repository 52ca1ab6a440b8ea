"""Previews: run an operation and roll it back, so a curator sees the exact changes
(described while they still exist) before confirming. Writes nothing that stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ..journal import recorded_rows
from ..models import CurationAction


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Preview:
    summary: str
    rows: list[dict[str, Any]]
    described: Any  # what ``describe`` made of the rows


def preview(
    operation: Callable[..., CurationAction],
    describe: Callable[[list[dict[str, Any]]], Any],
    /,
    **arguments: Any,
) -> Preview:
    """Run ``operation`` and roll it back: the curator sees the exact changes
    (described while they still exist) before confirming."""
    result: Preview | None = None
    try:
        with transaction.atomic():
            action = operation(**arguments)
            rows = recorded_rows(action)
            result = Preview(summary=action.summary, rows=rows, described=describe(rows))
            raise _Rollback
    except _Rollback:
        pass
    assert result is not None
    return result
