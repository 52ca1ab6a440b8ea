"""Production settings from the environment: ``manage.py check --deploy`` is clean with
the README's production variables, and names HSTS (W004) and the HTTPS redirect (W008)
without them; the proxy and HTTPS variables reach the settings (and with DEBUG the CSP is
only reported, so that Django's debug pages stay readable)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DEBUG": "false",
    "SECRET_KEY": "deploy-check-" + "q7Zr-x" * 9,
    "ALLOWED_HOSTS": "profiles.example.org",
    "HSTS_SECONDS": "31536000",
    "HSTS_INCLUDE_SUBDOMAINS": "true",
    "HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "LOG_LEVEL": "WARNING",
}
# Not inherited from the test run: the settings under test, and the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE (which check --deploy rightly refuses: async.E001).
NOT_INHERITED = [
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "NUM_PROXIES",
    "CACHE_URL",
]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_the_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_deploy_check_names_hsts_and_ssl_redirect_when_they_are_not_set():
    unset = {
        k: v for k, v in PRODUCTION.items() if k not in {"HSTS_SECONDS", "SECURE_SSL_REDIRECT"}
    }

    result = _manage("check", "--deploy", "--fail-level", "WARNING", **unset)

    warnings = {code for code in ("W004", "W005", "W008", "W021") if code in result.stderr}
    assert (result.returncode, warnings) == (1, {"W004", "W008"})


def test_deploy_check_proxy_and_https_variables_reach_the_settings():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.REST_FRAMEWORK['NUM_PROXIES'], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.CACHES['throttle']['BACKEND'].rsplit('.', 1)[1], "
        "'enforced' if s.CONTENT_SECURITY_POLICY else 'report-only')"
    )
    env = {
        **PRODUCTION,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "NUM_PROXIES": "1",
        "CACHE_URL": "redis://127.0.0.1:6379/13",
    }

    result = _manage("shell", "-c", code, **env)
    defaults = _manage(
        "shell", "-c", code, DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings.base"
    )

    assert result.stdout.strip().splitlines()[-1] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 31536000 1 True True RedisCache enforced"
    )
    assert defaults.stdout.strip().splitlines()[-1] == (
        "None False 0 0 False False FileBasedCache report-only"
    )
