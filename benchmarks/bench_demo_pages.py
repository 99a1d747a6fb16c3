"""The demo at the seed's scale (200 work packages, 22 strands): how long it takes to load, and
the p95 time and query count of the main pages a signed-in person opens.

Each page is requested 20 times by the Django test client as a signed-in viewer; the p95 is the
19th of the 20 times. The baseline, measured in the same run, is the sign-in page: the
framework's own floor (middleware, session, a template), so the ratio says how many times that
floor a page costs. The query count shows no page reads row by row.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time

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
    "/reports/",
    "/reports/board-pack/",
]


def _setup(folder: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "openpmo.config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["OPENPMO_VAR_DIR"] = folder
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder)
        _run()


def _p95(client, path: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    return times[int(REQUESTS * 0.95) - 1], queries


def _run() -> None:
    import io

    from django.core.management import call_command
    from django.test import Client

    from openpmo.accounts.models import User
    from openpmo.portfolio.models import WorkPackage

    started = time.perf_counter()
    call_command("load_demo", "--as-of", "2024-10-15", stdout=io.StringIO())
    loaded = time.perf_counter() - started
    print(
        f"   demo loaded as at {dt.date(2024, 10, 15)}: {WorkPackage.objects.count()} work "
        f"packages in {loaded:.1f} s"
    )
    anonymous = Client()
    floor, _ = _p95(anonymous, "/accounts/login/")
    client = Client()
    client.force_login(User.objects.get(username="viewer"))
    for path in PAGES:
        p95, queries = _p95(client, path)
        ratio = p95 / floor if floor > 0 else float("inf")
        print(
            f"   {path:<52} p95 {p95 * 1000:8.1f} ms  {queries:4d} queries   sign-in page "
            f"{floor * 1000:6.1f} ms   ratio {ratio:6.1f}x"
        )
