"""The programme Gantt page for 200 work packages: stored schedule vs recomputed on each view.

The page a user opens (``GET /delivery/``, signed in, rendered in full with its chart and
tables) for the programme of ``bench_delivery_programme`` (200 work packages, about 4,600 tasks,
150 interdependencies). "Ours" reads the stored programme schedule (its inputs' fingerprint
checked on every view); the baseline, in the same run, is the same page when the schedule is
computed on each view (as it was before schedules were stored: the stored result is dropped
before each view, so the page runs the engine). Each is requested 40 times, interleaved; p50 and
p95 are printed with the ratio, and the number of queries of one stored view.

Runs on PostgreSQL, where the goal is set: the one ``DATABASE_URL`` names, or the local server
that ``bench_load`` uses too when it is unset (a scratch database ``<name>_bench_gantt`` is
created and dropped there). With ``DATABASE_URL`` naming SQLite it runs on a scratch SQLite file
and the goal is not judged.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks._timing import report

VIEWS = 40
CHANGES = 10
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def _setup() -> str | None:
    """Point Django at a scratch database; return the PostgreSQL one to drop afterwards."""
    url = os.environ.get("DATABASE_URL") or LOCAL_POSTGRES
    scratch = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'postgres'}_bench_gantt"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            connection.execute(f'CREATE DATABASE "{scratch}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{scratch}"))
        os.environ["OPENPMO_VAR_DIR"] = tempfile.mkdtemp(prefix="openpmo-bench-gantt-")
    else:
        folder = Path(tempfile.mkdtemp(prefix="openpmo-bench-gantt-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["OPENPMO_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openpmo.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return scratch


def _drop(scratch: str | None) -> None:
    if scratch is None:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run() -> None:
    scratch = _setup()
    try:
        _run()
    finally:
        _drop(scratch)


def _run() -> None:
    from django.db import connection
    from django.test import Client

    from benchmarks.bench_delivery_programme import WORK_PACKAGES, _programme
    from openpmo.accounts.roles import Role
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.delivery import stored_schedules
    from openpmo.delivery.models import StoredProgrammeSchedule

    programme, _packages = _programme()
    stored_schedules.refresh(programme)  # as the upload that changed it would have
    # The baseline computes on the page (not in the background), as before schedules were stored.
    stored_schedules.BACKGROUND_FROM = 10**9
    client = Client()
    user = UserFactory(roles=[Role.PMO])
    client.force_login(user)
    url = f"/delivery/?programme={programme.pk}"
    first = client.get(url)
    assert first.status_code == 200 and b"Recalculating" not in first.content
    queries: list[str] = []

    def counting(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        client.get(url)
    stored: list[float] = []
    recomputed: list[float] = []
    stored_cpu: list[float] = []
    recomputed_cpu: list[float] = []
    for _ in range(VIEWS):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        stored.append(time.perf_counter() - started)
        stored_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200
        StoredProgrammeSchedule.objects.filter(programme=programme).delete()
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        recomputed.append(time.perf_counter() - started)
        recomputed_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200
    print(
        f"   {connection.vendor}: {WORK_PACKAGES} work packages; a stored view makes "
        f"{len(queries)} queries, the same whatever the programme's size"
    )
    report(
        "Gantt page p50 warm (stored)",
        statistics.median(stored),
        statistics.median(recomputed),
        "recomputed per view",
    )
    report(
        "Gantt page p95 warm (stored)",
        _percentile(stored, 0.95),
        _percentile(recomputed, 0.95),
        "recomputed per view",
    )
    report(
        "Gantt page p95 CPU of the web process",
        _percentile(stored_cpu, 0.95),
        _percentile(recomputed_cpu, 0.95),
        "recomputed per view",
    )
    _after_changes(client, url, user, programme)
    if connection.vendor == "postgresql":
        verdict = "met" if _percentile(stored, 0.95) < 0.1 else "MISSED"
    else:
        verdict = f"not judged, this run is on {connection.vendor}"
    print(
        f"   goal: p95 < 100 ms on PostgreSQL: {verdict} (wall); load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def _after_changes(client: Any, url: str, user: Any, programme: Any) -> None:
    """An input changes (a task's duration, through the service a user's edit goes through,
    which stores the programme's schedule as it commits), then the page is viewed: the time of
    the edit and of the first view after it, ``CHANGES`` times."""
    from openpmo.delivery.models import ScheduleTask
    from openpmo.delivery.services.schedules import schedule_task_update

    tasks = list(
        ScheduleTask.objects.filter(
            schedule__work_package__strand__pillar__programme=programme, duration_minutes__gt=0
        ).order_by("pk")[:CHANGES]
    )
    edits: list[float] = []
    views: list[float] = []
    views_cpu: list[float] = []
    for task in tasks:
        started = time.perf_counter()
        schedule_task_update(actor=user, task=task, duration_minutes=task.duration_minutes + 480)
        edits.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        views.append(time.perf_counter() - started)
        views_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200 and b"Recalculating" not in response.content
    print(
        f"   {'after an input change (' + str(len(tasks)) + ' edits)':<40} first view p95 "
        f"{_percentile(views, 0.95) * 1000:7.1f} ms ({_percentile(views_cpu, 0.95) * 1000:.1f} ms "
        f"CPU); the edit that stores the schedule p50 {statistics.median(edits) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    run()
