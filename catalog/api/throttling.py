"""The API's throttles: DRF's anonymous and per-user rates, counted in the shared
``throttle`` cache (Redis from ``CACHE_URL``, or files every server process on the
machine reads) rather than in each process's memory, so N workers do not let N
times the rate through.

The client's address is DRF's ``get_ident``: ``REMOTE_ADDR`` unless the settings
declare ``NUM_PROXIES`` trusted proxies, then the address the outermost of them saw
(``X-Forwarded-For`` is ignored when ``NUM_PROXIES`` is 0). Rates come from
``DEFAULT_THROTTLE_RATES`` (``API_ANON_RATE``, ``API_USER_RATE``).
"""

from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

# Looked up per thread on each use, as ``django.core.cache.cache`` is.
shared_cache = ConnectionProxy(caches, "throttle")


class SharedAnonRateThrottle(AnonRateThrottle):
    """Anonymous clients, by address, counted across every server process."""

    cache = shared_cache


class SharedUserRateThrottle(UserRateThrottle):
    """Signed-in users, by user id, counted across every server process."""

    cache = shared_cache
