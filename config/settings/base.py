"""Settings for every environment, read from the environment.

Variables:
    DEBUG           "true" for local development (default "false").
    SECRET_KEY      required unless DEBUG is on.
    ALLOWED_HOSTS   comma-separated host names (default "localhost,127.0.0.1").
    DATABASE_URL    default: SQLite file db.sqlite3 next to manage.py;
                    postgres://user@host:5432/name selects PostgreSQL.
    CSRF_TRUSTED_ORIGINS  comma-separated origins (https://example.org), behind a proxy.
    CACHE_URL       redis://host:6379/0: the shared cache for the API's throttles;
                    unset, they are counted in files under THROTTLE_CACHE_DIR.
    NUM_PROXIES     trusted proxies in front of the server (default 0: X-Forwarded-For
                    is ignored); the client address for throttles and sign-in lockout.
    SECURE_PROXY_SSL_HEADER  e.g. "HTTP_X_FORWARDED_PROTO,https" behind a TLS proxy.
    SECURE_SSL_REDIRECT, HSTS_SECONDS, HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD  HTTPS.
    LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES  sign-in lockout (5 failures, 15 min).
    LOG_LEVEL       root level of the JSON log lines on stderr (default INFO).
    REPORT_RATE     readers' problem reports one address may file an hour (default 10).
The README's "Settings" and "Deploy" sections list them all.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "catalog",
    "curation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag, 304 on If-None-Match
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "curation.context_processors.curation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "curation:dashboard"
LOGOUT_REDIRECT_URL = "catalog:home"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep connections between requests: a new SQLite connection starts with a
        # cold page cache and runs the PRAGMAs below (measured: cached pages went
        # from 3.8x to 1.6x the trivial view's p50). Health checks drop dead ones.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the importer writes; NORMAL sync is safe with WAL
    # (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=5000;"
            # 64 MiB of page cache (default 2 MiB): index pages stay in memory.
            "PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;"
            # Checkpoint the WAL every ~40 MiB rather than every 4 MiB: fewer fsyncs.
            "PRAGMA wal_autocheckpoint=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

# Public pages are kept rendered until the catalogue changes (0 turns this off).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# "record": a profile or paper page is cached under its own record's page version
# (a change elsewhere leaves it cached); "catalogue": every page under the
# catalogue's last change (the earlier behaviour, kept for comparison runs).
PAGE_CACHE_KEY = os.environ.get("PAGE_CACHE_KEY", "record")
# The catalogue's word statistics (the finders' TF-IDF weights) are kept this long in
# the queues' cache; 0 counts them every time. (The queues themselves are kept until
# the worker computes them again: curation/queues.py.)
QUEUE_CACHE_SECONDS = int(os.environ.get("QUEUE_CACHE_SECONDS", "900"))
# The page-to-author model file written by `manage.py train_matcher` (empty: the
# shipped curation/matcher/model.json).
MATCHER_MODEL = os.environ.get("MATCHER_MODEL", "").strip()

# The API's throttle counts must be shared by every server process (each keeping its
# own would let N workers through N times the rate): Redis when CACHE_URL names one,
# otherwise files that every process on this machine reads and writes.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
THROTTLE_CACHE = (
    REDIS_CACHE
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("THROTTLE_CACHE_DIR", str(BASE_DIR / "var" / "throttle-cache")),
        # One small file per client address seen in the last minute.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
)

CACHES = {
    "throttle": {**THROTTLE_CACHE, "KEY_PREFIX": "authorprofiles-throttle"},
    # Rendered public pages: in Redis when CACHE_URL names one (one copy for every
    # server process), otherwise in each process's memory, up to PAGE_CACHE_ENTRIES
    # pages (Django's default of 300 evicted pages readers came back to).
    "default": (
        {**REDIS_CACHE, "KEY_PREFIX": "authorprofiles-pages"}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "5000"))},
        }
    ),
    # The curators' queues: in Redis when CACHE_URL names one, otherwise in files, so
    # every server process, a restart and `manage.py compute_queues` (after an import,
    # or from cron) share them. The key prefix keeps two databases' queues apart.
    "queues": {
        **(
            REDIS_CACHE
            if CACHE_URL
            else {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": os.environ.get(
                    "QUEUE_CACHE_DIR", str(BASE_DIR / "var" / "queue-cache")
                ),
                "OPTIONS": {"MAX_ENTRIES": 1000},
            }
        ),
        "KEY_PREFIX": "authorprofiles-queues-"
        + hashlib.sha256(
            str(DATABASES["default"].get("NAME", "")).encode()
            + str(DATABASES["default"].get("HOST", "")).encode()
        ).hexdigest()[:16],
        "TIMEOUT": None,
    },
}

# Background jobs (computing the curators' queues, importing uploaded pages): Django's
# tasks framework through the django-tasks backport, with its database backend. A job
# is a row written in the transaction that asks for it; `manage.py db_worker`
# processes (any number, on any machine reaching the database) take them one at a
# time. No broker to run, and nothing lost when Redis (which keeps nothing on disk
# here) restarts.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The queues are computed again in full this often by `manage.py schedule_queues`
# (between, the worker recomputes only what imports and curators changed).
QUEUE_SCHEDULE_SECONDS = env_int("QUEUE_SCHEDULE_SECONDS", 900)
# A computation of what changed starts at most this often (after the last one began):
# changes in between wait for it, curators see their own at once.
QUEUE_PARTIAL_SECONDS = env_int("QUEUE_PARTIAL_SECONDS", 15)
# Curators' uploads (/curation/imports/new/, curation/uploads.py): at most this many
# bytes and page files in one upload, a zip counted unpacked (its members, their
# uncompressed sizes). Django's own cap on files in a request sits one above, so that
# the upload's handler, not a bare 400, refuses an upload with one file too many.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 5000)
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES + 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "catalog.api.throttling.SharedAnonRateThrottle",
        "catalog.api.throttling.SharedUserRateThrottle",
    ],
    # The client's address: REMOTE_ADDR, or with N trusted proxies in front the N-th
    # address from the right of X-Forwarded-For. 0: the header is never believed.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
    },
}

# Readers' "Report a problem": reports one address may file an hour (catalog.reports).
REPORT_RATE = env_int("REPORT_RATE", 10)

SPECTACULAR_SETTINGS = {
    "TITLE": "Author profiles API",
    "DESCRIPTION": (
        "Read-only JSON over the curated catalogue: authors, papers, venues and the "
        "scraped source pages. A merged author or paper answers 301 to its survivor."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docs work offline: Swagger UI's files come from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a field "kind": the page's and the change event's.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "catalog.models.SourcePage.Kind",  # its name before events had a kind
        "ChangeKindEnum": "catalog.activity.ChangeEvent.Kind",
    },
}

# Where `import_seeds` without arguments reads the bundled sample pages.
SAMPLE_PAGES_DIR = BASE_DIR / "catalog" / "sample_pages"
# Files larger than this are rejected by the importer before they are read.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(10 * 1024 * 1024)))

# --- sign-in: lockout after repeated failures (django-axes) ----------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses while locked out, counts failures
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
# Per user name *and* address: an attacker cannot lock a curator out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.signin.client_address"  # same rule as NUM_PROXIES
AXES_LOCKOUT_CALLABLE = "config.signin.lockout_response"  # our page, status 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept, in the admin (read-only)

# --- HTTPS, proxies, headers ---------------------------------------------------------

# Behind a proxy that ends TLS: "HTTP_X_FORWARDED_PROTO,https" (the header it sets and
# the value meaning HTTPS). Only if the proxy always sets (or strips) that header.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is HEADER,VALUE (HTTP_X_FORWARDED_PROTO,https)."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies only over HTTPS unless DEBUG (SECURE_COOKIES=false for plain-HTTP trials).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)

# Content-Security-Policy (django-csp 4): our own files only, no inline script or
# style. The one page with an inline script (the API docs' Swagger UI set-up, from
# drf-spectacular) carries a per-request nonce; pages that use none send none.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# With DEBUG, Django's own error pages (inline style and script) must stay readable:
# the policy is only reported (in the browser's console) rather than enforced.
CONTENT_SECURITY_POLICY = None if DEBUG else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if DEBUG else None

LOGGING = logging_config(os.environ.get("LOG_LEVEL", "INFO").upper())
