"""The main pages read in a fixed number of queries, whatever the programme's size: the same at
20 and at 200 work packages (the demo's scale), and under a fixed bound.

Each page is counted "cold" (the cache emptied first), so kept figures do not hide a page that
reads row by row; the programme's stored schedule is current, as the background worker leaves it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile
from openpmo.common.services import SYSTEM
from openpmo.delivery import stored_schedules
from openpmo.gates import services as gates
from openpmo.gates.tests.conftest import forwarded_request
from openpmo.portfolio.tests.factories import StrandFactory, WorkPackageFactory
from openpmo.risks.tests.factories import RaidItemFactory

# The most queries a main page may make with nothing kept in the cache (the dashboard, the
# heaviest, works out every module's headline figures and the header's "My work" count).
BOUND = 60
PAGES = [
    "/",
    "/work-packages/",
    "/work-packages/?sort=budget&order=desc&page=2",
    "/pillars/",
    "/gates/",
    "/finance/",
    "/benefits/",
    "/risks/",
    "/delivery/",
    "/reports/",
    "/my-work/",
    "/api/work-packages/",
    "/api/decisions/",
]


def _grow(programme_tree, strands, start: int, stop: int) -> None:
    """Work packages ``start``..``stop`` with a risk each; every 5th a benefit with its profile
    and actuals; every 10th a request waiting at its gate."""
    owner = programme_tree.owner
    for i in range(start, stop):
        wp = WorkPackageFactory(
            strand=strands[i % len(strands)],
            owner=owner,
            reference=f"Q-{i:03d}",
            budget_envelope=Decimal("100000.00") + i,
            baseline_start=dt.date(2024, 1, 1) + dt.timedelta(days=3 * i),
            baseline_end=dt.date(2024, 9, 1) + dt.timedelta(days=3 * i),
        )
        RaidItemFactory(work_package=wp, owner=owner)
        if i % 5 == 0:
            benefit = BenefitFactory(pillar=wp.strand.pillar, owner=owner, work_packages=[wp])
            give_profile(benefit, {"2024-04": "1000", "2024-05": "1000"})
            give_actuals(benefit, {"2024-04": "900"})
        if i % 10 == 0:
            forwarded_request(wp)


def _cold_counts(client) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(captured.captured_queries)
    return counts


@pytest.mark.slow
def test_main_pages_do_the_same_queries_at_20_and_at_200_work_packages(
    client, role_user, programme_tree
):
    programme = programme_tree.strand.pillar.programme
    gates.gates_create_defaults(actor=SYSTEM, programme=programme)
    pillar = programme_tree.strand.pillar
    strands = [programme_tree.strand, *(StrandFactory(pillar=pillar) for _ in range(3))]
    client.force_login(role_user(Role.PMO, username="pmo-counting"))

    _grow(programme_tree, strands, 1, 20)
    stored_schedules.refresh(programme)
    small = _cold_counts(client)
    _grow(programme_tree, strands, 20, 200)
    stored_schedules.refresh(programme)
    large = _cold_counts(client)

    print({path: (small[path], large[path]) for path in PAGES})
    grew = {path: (small[path], large[path]) for path in PAGES if large[path] > small[path]}
    assert not grew, f"queries grew with the work packages (20 -> 200): {grew}"
    over = {path: count for path, count in large.items() if count > BOUND}
    assert not over, f"more than {BOUND} queries: {over}"
