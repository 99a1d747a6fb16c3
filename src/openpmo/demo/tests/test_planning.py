"""The demo's business drivers, and a scenario planned on the ETP against its reserve."""

from __future__ import annotations

from decimal import Decimal

from openpmo.accounts.models import User
from openpmo.demo.tests.conftest import AS_OF
from openpmo.planning import selectors, services
from openpmo.planning.models import BusinessDriver, DriverRating


def test_the_demo_seeds_the_drivers_and_a_reserve_scenario_solves(demo):
    programme = demo
    names = list(selectors.drivers_of(programme).values_list("name", flat=True))
    assert names == [
        "A strong, inclusive, and sustainable economy",
        "Health wellbeing and independence for all ages",
        "Cashable savings",
        "Carbon reduction",
        "Risk reduction",
        "Statutory or must-do",
    ]
    assert sum(d.weight for d in BusinessDriver.objects.all()) == Decimal(1)
    assert DriverRating.objects.filter(rating="strong").exists()
    # Planning against the reserve: the whole of its headroom is the first year's budget.
    scenario = services.scenario_create(
        actor=User.objects.get(username="pmo"),
        programme=programme,
        name="Reserve plan",
        objective="score",
        today=AS_OF,
    )
    headroom = selectors.reserve_headroom(programme)
    assert headroom > 0
    assert scenario.inputs["cumulative"] is True
    first_year = min(scenario.inputs["budget"])
    assert Decimal(scenario.inputs["budget"][first_year]) == headroom
    spent = sum(Decimal(v) for v in scenario.result["cost_by_year"].values())
    assert 0 < spent <= headroom
