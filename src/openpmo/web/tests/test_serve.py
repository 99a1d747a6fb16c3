"""The documented production run (`make serve`, i.e. scripts/serve) starts gunicorn and the
background worker against PostgreSQL with production settings, answers, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REPO = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_serve_runs_gunicorn_and_the_worker_with_production_settings(tmp_path: Path):
    if connection.vendor != "postgresql":
        pytest.skip("the production run is on PostgreSQL")
    database = connection.settings_dict
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SECRET_KEY": "test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "OPENPMO_VAR_DIR": str(tmp_path),
        "BIN": str(Path(sys.executable).parent),
    }
    server = subprocess.Popen(  # noqa: S603 (our own script)
        [str(REPO / "scripts" / "serve")],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        status, body = 0, ""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                time.sleep(0.5)
                continue
            if status == 200:
                break
        assert (status, body) == (200, "ok"), server.stdout.read() if server.poll() else ""
        # Pages need a sign-in; static files are served by the app itself (whitenoise)
        assert _get(f"http://127.0.0.1:{port}/accounts/login/")[0] == 200
        assert _get(f"http://127.0.0.1:{port}/api/work-packages/")[0] == 401
        workers = subprocess.run(  # noqa: S603, S607
            ["pgrep", "-s", str(server.pid), "-f", "db_worker"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert workers.stdout.strip(), "the background worker is not running"
        # The worker draws PDFs at a lower priority than the pages (OPENPMO_WORKER_NICE, 10).
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        web = subprocess.run(  # noqa: S603, S607
            ["pgrep", "-s", str(server.pid), "-f", "gunicorn"],
            capture_output=True,
            text=True,
            check=False,
        )
        for pid in workers.stdout.split():
            assert os.getpriority(os.PRIO_PROCESS, int(pid)) == min(19, ours + 10)
        assert web.stdout.split(), "gunicorn is not running"
        for pid in web.stdout.split():
            assert os.getpriority(os.PRIO_PROCESS, int(pid)) == ours
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise
