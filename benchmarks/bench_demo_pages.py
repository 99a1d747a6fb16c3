"""The demo at the seed's scale (200 work packages, 22 strands): the p95 time and query count of
the main pages a signed-in person opens, kept figures warm and everything built afresh.

Each page is requested 20 times by the Django test client as the demo's PMO officer; the p95 is
the 19th of the 20 times (wall, and CPU time of this process beside it: on a loaded machine CPU
time is the steadier figure; SQLite runs in this process, PostgreSQL does not). "Warm" is what
people get most of the time: rendered previews, the dashboard's headline and the header's counts
kept in the cache. "Afresh" empties the cache before every request: the cost when something
changed, and the page as it was before those figures were kept. The baseline, measured in the
same run, is the sign-in page: the framework's own floor, so the ratio says how many times that
floor a page costs. Query counts (warm / afresh) show no page reads row by row.

Runs on PostgreSQL when ``DATABASE_URL`` names one (a scratch database ``<name>_bench_pages``
is created and dropped there), otherwise on a scratch SQLite file.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

REQUESTS = 20
PAGES = [
    "/",
    "/work-packages/",
    "/work-packages/?sort=budget&order=desc&stage=delivery",
    "/pillars/",
    "/gates/",
    "/finance/",
    "/benefits/",
    "/risks/",
    "/delivery/",
    "/delivery/?page=3",
    "/reports/",
    "/reports/board-pack/",
    "/reports/board-pack/?rows=all",
    "/my-work/",
    "/api/work-packages/",
    "/api/decisions/",
]


def _setup() -> str | None:
    """Point Django at a scratch database; return the PostgreSQL one to drop afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    folder = tempfile.mkdtemp(prefix="openpmo-bench-pages-")
    os.environ["OPENPMO_VAR_DIR"] = folder
    scratch = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        scratch = f"{parts.path.lstrip('/') or 'postgres'}_bench_pages"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            connection.execute(f'CREATE DATABASE "{scratch}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{scratch}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpmo.config.settings"
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
        c.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def run() -> None:
    scratch = _setup()
    try:
        _run()
    finally:
        _drop(scratch)


def _p95(client, path: str, *, afresh: bool) -> tuple[float, float, int]:
    """(p95 wall, p95 CPU, queries of the last request)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the first view stores what later views keep
    walls, cpus = [], []
    queries = 0
    for _ in range(REQUESTS):
        if afresh:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured.captured_queries)
    walls.sort()
    cpus.sort()
    at = int(REQUESTS * 0.95) - 1
    return walls[at], cpus[at], queries


def _run() -> None:
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from openpmo.accounts.models import User
    from openpmo.delivery import stored_schedules
    from openpmo.portfolio.models import Programme, WorkPackage

    started = time.perf_counter()
    call_command("load_demo", "--as-of", "2024-10-15", stdout=io.StringIO())
    loaded = time.perf_counter() - started
    for programme in Programme.objects.all():
        stored_schedules.refresh(programme)  # as the background worker leaves it
    print(
        f"   {connection.vendor}: demo loaded as at {dt.date(2024, 10, 15)}: "
        f"{WorkPackage.objects.count()} work packages in {loaded:.1f} s; "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    anonymous = Client()
    floor, floor_cpu, _ = _p95(anonymous, "/accounts/login/", afresh=False)
    print(
        f"   baseline: sign-in page p95 {floor * 1000:.1f} ms (CPU {floor_cpu * 1000:.1f} ms)\n"
        f"   {'page':<46} {'warm p95':>9} {'CPU':>7} {'ratio':>6} {'afresh p95':>11} "
        f"{'CPU':>7} {'ratio':>6} {'queries':>9}"
    )
    client = Client()
    client.force_login(User.objects.get(username="pmo"))
    for path in PAGES:
        warm, warm_cpu, warm_q = _p95(client, path, afresh=False)
        cold, cold_cpu, cold_q = _p95(client, path, afresh=True)
        print(
            f"   {path:<46} {warm * 1000:6.1f} ms {warm_cpu * 1000:4.0f} ms {warm / floor:5.1f}x "
            f"{cold * 1000:8.1f} ms {cold_cpu * 1000:4.0f} ms {cold / floor:5.1f}x "
            f"{warm_q:4d} /{cold_q:3d}"
        )
