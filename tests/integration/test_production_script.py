"""scripts/production.sh, as the README's Deploy section runs it: gunicorn, a
background worker and the queues' schedule start together, do their work, and stop
together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local address
        return response.status, response.read()


@pytest.fixture
def deployment_env(tmp_path) -> dict[str, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "test-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "QUEUE_CACHE_DIR": str(tmp_path / "queues"),
        "THROTTLE_CACHE_DIR": str(tmp_path / "throttle"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "JOB_WORKERS": "1",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CACHE_URL", None)
    for command in (["migrate", "--noinput"], ["import_seeds", "--no-progress"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return env


def _queue_state(env: dict[str, str]) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from curation import queues; s = queues.status(); "
            "print(s.full if s.computed_at else 'none')",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_production_script_serves_computes_the_queues_and_stops_together(deployment_env):
    script = subprocess.Popen(
        [str(ROOT / "scripts/production.sh")],
        cwd=ROOT,
        env=deployment_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://{deployment_env['BIND']}"
    try:
        deadline = time.monotonic() + 60
        state = "none"
        while time.monotonic() < deadline:
            try:
                health = _get(f"{base}/healthz")
                state = _queue_state(deployment_env)
            except OSError:
                health = None
            if health and state != "none":
                break
            time.sleep(0.5)
        children = subprocess.run(
            ["pgrep", "-s", str(script.pid)], capture_output=True, text=True
        ).stdout.split()
    finally:
        os.killpg(script.pid, signal.SIGTERM)
        status = script.wait(30)
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-s", str(script.pid)], capture_output=True, text=True)

    assert health == (200, b"ok\n")
    assert state == "True"  # the schedule asked at start; the worker computed in full
    assert len(children) >= 5  # the script, gunicorn (master + 2), worker, schedule
    assert (status, left.stdout) == (0, "")
