"""Load on the real shape: PostgreSQL, gunicorn and the worker, the demo, 50 signed-in users.

A scratch PostgreSQL database gets the demo (about 200 work packages); gunicorn serves it (4
processes) beside the background worker. Locust, headless and on loopback, runs signed-in people
over the pages opened most (the dashboard, the register, the gate pipeline, the benefits tracker
and the API lists), one page after another:

1. one user (the baseline: each page unloaded);
2. the headline: 50 users who think 3 to 10 s before each next page (``LOAD_THINK``), as people
   reading a page do; each page's p95 against the 300 ms goal and the ratio to one user;
3. saturation: 50 users who think only 0.5 s, demanding far more than the machine serves: what
   was demanded, what was achieved, and the web processes' CPU per request;
4. then fewer users at 0.5 s (``LOAD_STEPS``) for the most the machine serves within the goal;
5. the headline again with ``LOAD_PDF_USERS`` more people (5: one in ten) who each ask for the
   month's board pack PDF as a person does (press "Prepare the PDF", follow the progress page
   until it is ready, download it, read it for ``LOAD_PDF_THINK`` seconds, ask again), the worker
   drawing them beside gunicorn: once with the worker at the web's priority, once at the lower
   priority ``scripts/serve`` gives it (niceness ``OPENPMO_WORKER_NICE``, default 10). The pages'
   p95 beside the headline's (no PDFs), and the PDFs asked, ready and failed, with the time from
   pressing the button to the ready page and the server's queue wait and drawing time.
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
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
THINK = os.environ.get("LOAD_THINK", "3,10")  # seconds before each next page, uniform
FAST = "0.5,0.5"  # the saturation runs' think time
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "5,10,20").split(",") if n]
PDF_USERS = int(os.environ.get("LOAD_PDF_USERS", str(max(1, USERS // 10))))
PDF_THINK = os.environ.get("LOAD_PDF_THINK", "20,40")  # seconds reading a PDF before the next
WORKER_NICE = int(os.environ.get("OPENPMO_WORKER_NICE", "10"))  # as scripts/serve runs it
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
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    python,
                    "-m",
                    "gunicorn",
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
        web, worker = processes[0].pid, processes[1].pid
        _report(python, host, people, web, worker)
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


def _report(python: str, host: str, people: str, web: int, worker: int) -> None:
    """The runs and their figures (see the module's docstring)."""
    low, high = (float(x) for x in THINK.split(","))
    one = _locust(python, host, people, 1, min(SECONDS, 30), web, FAST)
    _cpu_line("1 user", one)
    many = _locust(python, host, people, USERS, SECONDS, web, THINK)
    _cpu_line(f"{USERS} users, headline", many)
    with_pdfs: list[tuple[str, dict]] = []
    if PDF_USERS:
        for nice in sorted({0, WORKER_NICE}):
            _renice(worker, nice)  # only ever up: 0 first, then the serve script's
            run_ = _locust(python, host, people, USERS, SECONDS, web, THINK, PDF_USERS)
            with_pdfs.append((f"nice {nice}", run_))
            _cpu_line(f"{USERS} users + {PDF_USERS} asking for PDFs, worker nice {nice}", run_)
    print(
        f"   headline: {USERS} users thinking {low:g} to {high:g} s between pages, {SECONDS:.0f} s"
    )
    extra = "".join(f" {f'+PDFs, {label}':>16}" for label, _ in with_pdfs)
    print(
        f"   {'page':<22} {'1 user p95':>11} {f'{USERS} users p95':>15}{extra} {'ratio':>7}  goal"
    )
    for name in PAGES:
        single, loaded = one["p95"][name] or 0, many["p95"][name] or 0
        ratio = loaded / single if single else float("inf")
        worst = max([loaded, *((run_["p95"][name] or 0) for _, run_ in with_pdfs)])
        verdict = "met" if worst < GOAL_MS else "MISSED"
        pdf_cells = "".join(f" {run_['p95'][name] or 0:>13.0f} ms" for _, run_ in with_pdfs)
        print(
            f"   {name:<22} {single:>8.0f} ms {loaded:>12.0f} ms{pdf_cells} {ratio:>6.1f}x  {verdict}"
        )
    for label, run_ in with_pdfs:
        _pdf_lines(label, run_)
    demanded = USERS / ((low + high) / 2)
    print(
        f"   demanded ~{demanded:.1f} requests/s; achieved {many['rps']:.1f} requests/s, "
        f"{many['requests']:,} requests, {many['errors']} errors "
        f"(1 user: {one['requests']:,} requests, {one['errors']} errors)"
    )
    saturated = _locust(python, host, people, USERS, min(SECONDS, 30), web, FAST)
    _cpu_line("saturation", saturated)
    print(
        f"   saturation: {USERS} users thinking 0.5 s demanded up to {USERS / 0.5:.0f} requests/s; "
        f"achieved {saturated['rps']:.1f} requests/s, p95 {saturated['p95_all'] or 0:.0f} ms "
        f"over all pages, {saturated['errors']} errors"
    )
    best = 0
    for users in STEPS:
        step = _locust(python, host, people, users, 20, web, FAST)
        p95 = step["p95_all"] or 0
        print(
            f"   {users:>3} users thinking 0.5 s: {step['rps']:.1f} requests/s, p95 {p95:.0f} ms, "
            f"{step['errors']} errors"
        )
        _cpu_line(f"{users} users at 0.5 s", step)
        if p95 < GOAL_MS and not step["errors"]:
            best = max(best, users)
    if STEPS:
        print(
            f"   most users tried with p95 under {GOAL_MS} ms at 0.5 s think time: {best or 'none'}"
        )
    print(f"   load average after the runs (1, 5, 15 min): {_load_average()}")
    pdf_failures = [failure for _, run_ in with_pdfs for failure in run_["failures"]]
    for failure in one["failures"] + many["failures"] + saturated["failures"] + pdf_failures:
        print(f"   failure: {failure}")


def _pdf_lines(label: str, run_: dict) -> None:
    """What the people asking for PDFs saw (the worker at ``label``'s priority)."""
    pdf = run_["pdf"]

    def seconds(figures: dict) -> str:
        if figures["p50"] is None:
            return "none"
        return f"p50 {figures['p50']:.1f} s, p95 {figures['p95']:.1f} s"

    print(
        f"   PDFs ({PDF_USERS} people, worker {label}): {pdf['asked']} asked, {pdf['ready']} ready, "
        f"{pdf['failed']} failed, {pdf['unfinished']} unfinished; button to ready page "
        f"{seconds(pdf['to_ready'])} (waiting for the worker {seconds(pdf['queued'])}; drawing "
        f"{seconds(pdf['render'])}); {run_['errors']} errors in the window, "
        f"{run_['errors_after']} while the last PDFs finished; {run_['rps']:.1f} requests/s"
    )


def _renice(pid: int, nice: int) -> None:
    """Lower the worker's priority (and its children's) to ``nice``: what scripts/serve does."""
    import psutil  # locust's own dependency, so present wherever this benchmark runs

    try:
        parent = psutil.Process(pid)
        for process in [parent, *parent.children(recursive=True)]:
            if process.nice() < nice:
                process.nice(nice)
    except psutil.Error:
        pass


def _cpu_line(label: str, run_: dict) -> None:
    """The web processes' CPU per measured request (after every sign-in): what pages cost whatever
    else runs on the machine, and so how many requests a second each core could serve."""
    if run_["requests"] and run_.get("web_cpu"):
        per = 1000 * run_["web_cpu"] / run_["requests"]
        print(
            f"   gunicorn CPU per request ({label}): {per:.0f} ms over {run_['requests']} requests "
            f"(one core would serve ~{1000 / per:.0f} requests/s)",
            flush=True,
        )


def _locust(
    python: str,
    host: str,
    people: str,
    users: int,
    seconds: float,
    web: int,
    think: str,
    pdf_users: int = 0,
) -> dict:
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
            think,
            str(pdf_users),
            PDF_THINK,
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
