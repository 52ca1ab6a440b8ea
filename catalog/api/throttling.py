"""The API's throttles: DRF's anonymous and per-user rates, counted in the shared
``throttle`` cache (Redis from ``CACHE_URL``, or files every server process on the
machine reads) rather than in each process's memory, so N workers do not let N
times the rate through.

Counting is one atomic increment per request (``cache.incr``: Redis ``INCR``), not
DRF's read-the-history-then-write-it-back, which lets parallel requests through
together (8 threads got 65-78 requests past a 60/minute rate). The rate is a sliding
window estimated from two fixed ones: this minute's count plus last minute's,
weighted by how much of last minute the window still covers (the estimate of
Cloudflare's and nginx's rate limiters). Requests refused count too: a client that
keeps asking stays refused until it slows down.

The client's address is DRF's ``get_ident``: ``REMOTE_ADDR`` unless the settings
declare ``NUM_PROXIES`` trusted proxies, then the address the outermost of them saw
(``X-Forwarded-For`` is ignored when ``NUM_PROXIES`` is 0). Rates come from
``DEFAULT_THROTTLE_RATES`` (``API_ANON_RATE``, ``API_USER_RATE``).
"""

from __future__ import annotations

import math

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ..counters import count_one

# Looked up per thread on each use, as ``django.core.cache.cache`` is.
shared_cache = ConnectionProxy(caches, "throttle")


class _CountedRate:
    """``allow_request`` and ``wait`` of a rate throttle, counted atomically."""

    cache = shared_cache

    def window_key(self, window: int) -> str:
        return f"{self.key}:{window}"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current = self.window_key(window)
        count = count_one(self.cache, current, self.duration * 2)
        previous = self.cache.get(self.window_key(window - 1), 0)
        self.left_of_window = (window + 1) * self.duration - self.now
        self.estimate = count + previous * self.left_of_window / self.duration
        return self.estimate <= self.num_requests

    def wait(self) -> float:
        """Seconds until the estimate is back under the rate (at most a window)."""
        over = self.estimate - self.num_requests
        if over <= 0:
            return 0.0
        return min(float(self.duration), math.ceil(self.left_of_window))


class SharedAnonRateThrottle(_CountedRate, AnonRateThrottle):
    """Anonymous clients, by address, counted across every server process."""


class SharedUserRateThrottle(_CountedRate, UserRateThrottle):
    """Signed-in users, by user id, counted across every server process."""
