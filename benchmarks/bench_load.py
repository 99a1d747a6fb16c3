"""Load on the real shape: PostgreSQL, gunicorn and the worker, the demo, 50 signed-in users.

A scratch PostgreSQL database gets the demo; gunicorn serves it (4 processes) beside the
background worker. Locust, headless and on loopback, first runs one user (the baseline) and then
50 users, each for a fixed time, over the pages people open most: the dashboard, the register, the
gate pipeline, the benefits tracker and the API lists. It prints the p95 of each page for both
runs, their ratio, the error count, and whether each p95 is under the 300 ms goal.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
PAGES = {
    "dashboard": "/",
    "register": "/work-packages/",
    "gate pipeline": "/gates/",
    "benefits tracker": "/benefits/",
    "API work packages": "/api/work-packages/",
    "API decisions": "/api/decisions/",
}
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "40"))
GOAL_MS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres(name: str, sql: str) -> None:
    subprocess.run(  # noqa: S603 (the machine's own psql)
        [
            shutil.which("psql") or "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            sql,
        ],
        check=True,
        capture_output=True,
    )


def _load_average() -> str:
    try:
        average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
    return f"{average} on {os.cpu_count()} cores"


def run() -> None:
    # A scratch database named after DATABASE_URL's (when it names one), so a shared server
    # only ever sees this run's own names.
    named = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/")
    prefix = named if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
    database = f"{prefix or 'openpmo'}_load_{uuid.uuid4().hex[:8]}"
    _postgres(database, f'CREATE DATABASE "{database}"')
    folder = tempfile.mkdtemp()
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "OPENPMO_VAR_DIR": folder,
        "OPENPMO_LOGIN_FAILURE_LIMIT": "1000",
        # One cache for the four gunicorn processes, as production has (files; OPENPMO_CACHE).
        "OPENPMO_CACHE": os.environ.get("OPENPMO_CACHE", "file"),
    }
    python = sys.executable
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"], ["load_demo"]):
            subprocess.run(  # noqa: S603 (our own manage.py)
                [python, "manage.py", *command],
                cwd=REPO,
                env=environment,
                check=True,
                capture_output=True,
            )
        credentials = json.loads((Path(folder) / "demo-credentials.json").read_text())
        port = _free_port()
        bin_dir = Path(python).parent
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    str(bin_dir / "gunicorn"),
                    "openpmo.config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "4",
                    "--log-level",
                    "warning",
                ],
                cwd=REPO,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        processes.append(
            subprocess.Popen(  # noqa: S603
                [python, "manage.py", "db_worker", "--no-reload"],
                cwd=REPO,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        host = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.5)
        people = json.dumps(_sign_ins(credentials))
        print(f"   cache: {environment['OPENPMO_CACHE']}; gunicorn 4 processes and the worker")
        print(f"   load average before the runs (1, 5, 15 min): {_load_average()}")
        web = processes[0].pid
        one = _locust(python, host, people, 1, min(SECONDS, 20), web)
        many = _locust(python, host, people, USERS, SECONDS, web)
        print(f"   {'page':<22} {'1 user p95':>11} {f'{USERS} users p95':>15} {'ratio':>7}  goal")
        for name in PAGES:
            single, loaded = one["p95"][name] or 0, many["p95"][name] or 0
            ratio = loaded / single if single else float("inf")
            verdict = "met" if loaded < GOAL_MS else "MISSED"
            print(f"   {name:<22} {single:>8.0f} ms {loaded:>12.0f} ms {ratio:>6.1f}x  {verdict}")
        print(
            f"   {USERS} users for {SECONDS:.0f} s: {many['requests']:,} requests, "
            f"{many['errors']} errors, {many['rps']:.1f} requests/s "
            f"(1 user: {one['requests']:,} requests, {one['errors']} errors)"
        )
        # The web processes' CPU per measured request (after every sign-in): what pages cost whatever
        # else runs on the machine, and so how many requests a second each core could serve.
        for label, run_ in (("1 user", one), (f"{USERS} users", many)):
            if run_["requests"] and run_.get("web_cpu"):
                per = 1000 * run_["web_cpu"] / run_["requests"]
                print(
                    f"   gunicorn CPU per request ({label}): {per:.0f} ms "
                    f"(one core would serve ~{1000 / per:.0f} requests/s)"
                )
        print(f"   load average after the runs (1, 5, 15 min): {_load_average()}")
        for failure in one["failures"] + many["failures"]:
            print(f"   failure: {failure}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()  # our own child: never leave it (or its database) behind
                process.wait()
        _postgres(database, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _locust(python: str, host: str, people: str, users: int, seconds: float, web: int) -> dict:
    """One locust run in a process of its own (locust patches sockets with gevent)."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [
            python,
            "-m",
            "benchmarks._load_run",
            host,
            people,
            json.dumps(PAGES),
            str(users),
            str(seconds),
        ],
        cwd=REPO,
        env={**os.environ, "LOAD_WEB_PID": str(web)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _sign_ins(credentials: object) -> list[list[str]]:
    """(username, password) of every demo person: the simulated users take turns."""
    if isinstance(credentials, dict):
        items = credentials.items()
        return [
            [name, value if isinstance(value, str) else value["password"]] for name, value in items
        ]
    return [[row[0], row[1]] for row in credentials]  # type: ignore[union-attr]
