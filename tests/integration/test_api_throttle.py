"""The API's throttles: the client address ignores X-Forwarded-For unless proxies are
declared (``NUM_PROXIES``), and the count lives in the shared ``throttle`` cache, so
two server processes (gunicorn, on a throwaway SQLite file) let exactly the rate
through between them: with the embedded file cache and with Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle

from catalog.api.throttling import SharedAnonRateThrottle

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/13"
RATE = 10  # per minute, for the servers started here


@pytest.fixture
def tight_anon_throttle(monkeypatch):
    """Anonymous rate 3/minute (DRF reads rates when the class is defined)."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def _statuses(client, forwarded_for: list[str]) -> list[int]:
    return [
        client.get("/api/venues/", HTTP_X_FORWARDED_FOR=address).status_code
        for address in forwarded_for
    ]


# --- in process: which address counts ---------------------------------------------------


def test_api_throttle_ignores_forwarded_for_without_declared_proxies(
    client, db, tight_anon_throttle
):
    statuses = _statuses(client, [f"198.51.100.{n}" for n in range(6)])

    assert statuses == [200, 200, 200, 429, 429, 429]


def test_api_throttle_counts_the_last_forwarded_address_behind_one_proxy(
    client, db, tight_anon_throttle, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    forged = _statuses(client, [f"198.51.100.{n}, 203.0.113.5" for n in range(4)])
    other_client = _statuses(client, ["203.0.113.6"])

    assert (forged, other_client) == ([200, 200, 200, 429], [200])


def test_api_throttle_keeps_its_count_in_the_throttle_cache(
    client, db, tight_anon_throttle, monkeypatch
):
    monkeypatch.setattr(SharedAnonRateThrottle, "timer", lambda self: 6_000_030.0)
    client.get("/api/venues/")
    client.get("/api/venues/")

    count = caches["throttle"].get("throttle_anon_127.0.0.1:100000")  # minute 100,000

    assert count == 2


def test_api_throttle_window_slides_over_the_last_minute(
    client, db, tight_anon_throttle, monkeypatch
):
    """3/minute: 3 requests late in one minute; 20 s into the next, two thirds of the
    last minute still weigh (2 requests): one more gets through, then 429 (and the
    refused request counts too)."""
    clock = {"now": 6_000_050.0}
    monkeypatch.setattr(SharedAnonRateThrottle, "timer", lambda self: clock["now"])
    late = [client.get("/api/venues/").status_code for _ in range(3)]
    clock["now"] = 6_000_080.0

    next_minute = [client.get("/api/venues/") for _ in range(2)]

    assert late == [200, 200, 200]
    assert [r.status_code for r in next_minute] == [200, 429]
    assert next_minute[1]["Retry-After"] == "40"


# --- two server processes share the count -------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "NUM_PROXIES"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        SECRET_KEY="throttle-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        QUEUE_CACHE_DIR=str(home / "queues"),
        THROTTLE_CACHE_DIR=str(home / "throttle"),
        API_ANON_RATE=f"{RATE}/minute",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def server_home(tmp_path_factory) -> Path:
    """A migrated SQLite file with the sample pages, for servers in other processes."""
    home = tmp_path_factory.mktemp("throttle-servers")
    env = _server_env(home)
    for command in (["migrate", "--noinput"], ["import_seeds"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return home


def _get(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _start_servers(home: Path, count: int, env: dict[str, str]) -> list[tuple]:
    servers = []
    for _ in range(count):
        port = _free_port()
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "config.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append((process, port))
    deadline = time.monotonic() + 30
    for process, port in servers:
        while True:  # /healthz is not throttled
            try:
                if _get(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn on port {port} did not start")
            time.sleep(0.2)
    return servers


@pytest.fixture
def two_servers(server_home, request):
    """Two gunicorn processes on free ports; ``request.param``: extra environment."""
    servers = _start_servers(server_home, 2, _server_env(server_home, **request.param))
    yield [port for _, port in servers]
    for process, _ in servers:
        process.terminate()
        process.wait(timeout=10)


def _clear_redis_throttle() -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter("authorprofiles-throttle*"):
        connection.delete(key)


@pytest.mark.parametrize(
    "two_servers",
    [
        pytest.param({}, id="file-cache"),
        pytest.param(
            {"CACHE_URL": REDIS_URL},
            id="redis",
            marks=pytest.mark.skipif(
                not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379"
            ),
        ),
    ],
    indirect=True,
)
def test_api_throttle_two_server_processes_share_the_count(two_servers, server_home, request):
    if "redis" in request.node.callspec.id:
        _clear_redis_throttle()
    else:
        for path in (server_home / "throttle").glob("*"):
            path.unlink()

    statuses = [_get(two_servers[n % 2], "/api/venues/") for n in range(2 * RATE)]

    assert statuses == [200] * RATE + [429] * RATE


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
@pytest.mark.parametrize("two_servers", [pytest.param({"CACHE_URL": REDIS_URL})], indirect=True)
def test_api_throttle_parallel_requests_never_pass_the_rate(two_servers):
    """Eight threads at once over two processes: each request is one atomic increment
    in Redis, so exactly the rate gets through (DRF's own count let 5-18 more past)."""
    from concurrent.futures import ThreadPoolExecutor

    _clear_redis_throttle()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda n: _get(two_servers[n % 2], "/api/venues/"), range(4 * RATE))
        )

    assert (statuses.count(200), statuses.count(429)) == (RATE, 3 * RATE)
