from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from openpmo.finance.models import InflationRate, Reserve, TeamCostPlan, TeamRole
from openpmo.portfolio.tests.factories import ProgrammeFactory


class ReserveFactory(factory.django.DjangoModelFactory):
    """A reserve holding £100,000 (a balance of -100,000) over 2023/24 to 2025/26."""

    class Meta:
        model = Reserve

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Reserve {n}")
    first_year = "2023/24"
    last_year = "2025/26"
    opening_balance = Decimal("-100000.00")
    balance = factory.SelfAttribute("opening_balance")
    reporting_unit = Decimal("1")


class TeamCostPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamCostPlan

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    base_year = "2022/23"
    cap = Decimal("200000.00")

    @factory.post_generation
    def rates(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        for year, rate in (
            extracted or {"2023/24": "0.05", "2024/25": "0.02", "2025/26": "0.02"}
        ).items():
            InflationRate.objects.create(plan=self, year=year, rate=Decimal(rate))


class TeamRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamRole

    plan = factory.SubFactory(TeamCostPlanFactory)
    name = factory.Sequence(lambda n: f"Role {n}")
    fte = Decimal("1.00")
    annual_cost = Decimal("36500.00")
    start = dt.date(2022, 4, 1)
    end = dt.date(2023, 3, 31)


def decision_authority(decided_by, **fields):  # type: ignore[no-untyped-def]
    """The authority a gate decision hands the finance services: here a Cabinet Member's
    decision (the finance app never sees the gates app's decision itself)."""
    from openpmo.accounts.roles import Role
    from openpmo.common.authority import DecisionAuthority

    values = {
        "decided_by": decided_by,
        "role": Role.DECISION_MAKER.value,
        "decision_id": 1,
        "decision": "Approved: drawdown from the reserve",
        "decided_on": dt.date(2022, 11, 24),
        "forward_plan_reference": "FP/001/01/23",
    }
    values.update(fields)
    return DecisionAuthority(**values)
