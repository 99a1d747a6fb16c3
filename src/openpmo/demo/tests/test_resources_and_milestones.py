"""The demo as at 15 October 2024 has a resource pool and demand (the capacity heat map has
something to show, over and under), and milestones achieved, achieved late, slipped and
upcoming, each achievement recorded by the demo's date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openpmo.delivery.milestones import milestone_counts
from openpmo.demo.tests.conftest import AS_OF
from openpmo.resources import selectors
from openpmo.resources.models import Demand, PackageSourcing, Person, ResourceRole


def test_milestones_are_achieved_late_slipped_and_upcoming_as_at_the_demo_date(demo):
    counts = milestone_counts(as_at=AS_OF, programme=demo)
    on_time = counts.achieved - counts.achieved_late
    assert on_time > 0 and counts.achieved_late > 0
    assert counts.slipped > 0 and counts.upcoming > 0
    # Achievements are history: none after the demo's date, none recorded after it.
    for row in counts.rows:
        task = row.task
        if task.achieved_on is not None:
            assert task.achieved_on <= AS_OF
            assert task.achieved_recorded_at <= timezone.make_aware(
                dt.datetime.combine(AS_OF, dt.time.max)
            )
            assert task.achieved_evidence.startswith("Illustrative")
    # A year earlier, fewer had been achieved (it reads the same history at another date).
    earlier = milestone_counts(as_at=AS_OF.replace(year=AS_OF.year - 1), programme=demo)
    assert earlier.achieved < counts.achieved


def test_the_capacity_heat_map_has_demand_and_people(demo, client, role_user):
    from openpmo.accounts.roles import Role

    assert ResourceRole.objects.filter(programme=demo).count() == 6
    assert Person.objects.filter(programme=demo).count() == 20
    assert PackageSourcing.objects.filter(work_package__strand__pillar__programme=demo).exists()
    grid = selectors.capacity_grid(demo)
    cells = list(grid.cells.values())
    assert sum(c.demand for c in cells) > 0
    assert any(c.over for c in cells) and any(c.demand and not c.over for c in cells)
    # Demand sits on the demo's timeline: some of it in the month of its date.
    assert Demand.objects.filter(month=AS_OF.replace(day=1)).exists()
    client.force_login(role_user(Role.VIEWER))
    page = client.get("/resources/").content.decode()
    assert "Developer" in page and "over" in page


def test_the_readme_says_what_the_pool_holds(demo):
    from pathlib import Path

    from django.conf import settings

    readme = " ".join((Path(settings.BASE_DIR) / "README.md").read_text().split())
    people = Person.objects.filter(programme=demo).count()
    roles = ResourceRole.objects.filter(programme=demo).count()
    assert f"a resource pool of {people} people in {roles} roles" in readme
