"""Test overrides: fast hashing, plain static storage (no manifest needed), caches in
memory (in Redis when CACHE_URL is set), throttles that other tests never reach."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files from the finders, as runserver does: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Throttling is tested on its own; other tests must not trip over it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
REPORT_RATE = 100000  # readers' reports an hour: the rate's own tests set theirs

# Queues in memory too: a test never sees another run's files. The throttles' counts
# share the default cache's memory (same LOCATION), so clearing that cache, as every
# test does first, clears them too. With CACHE_URL set (CI runs the cache tests so,
# on a Redis database of their own) every cache is in Redis, as in production.
if not CACHE_URL:  # noqa: F405
    CACHES = {
        **CACHES,  # noqa: F405
        "queues": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "queues",
        },
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
