"""Counts kept in a shared cache, one atomic increment at a time (Redis ``INCR``
with ``CACHE_URL``): the API's throttles and the readers' report rate use them,
so every server process adds to the same count."""

from __future__ import annotations

from django.core.cache import BaseCache


def count_one(cache: BaseCache, key: str, seconds: int) -> int:
    """Add one to the count under ``key`` (kept ``seconds``) and return it."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return 1
