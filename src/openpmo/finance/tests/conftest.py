from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from openpmo.accounts.roles import Role
from openpmo.demo.timeline import Timeline


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users made by the factories get a cheap password hash: these tests are not about it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class _Report:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


@dataclass
class _Context:
    programme: object
    work_packages: dict = field(default_factory=dict)
    report: _Report = field(default_factory=_Report)
    # As at 15 October 2024 the reserve needs no year past Table 2's (it runs to 2025/26).
    timeline: Timeline = field(default_factory=lambda: Timeline(dt.date(2024, 10, 15)))


@pytest.fixture
def etp_plan(programme_tree):
    """The ETP's team cost plan (Table 1), loaded as the demo loads it."""
    from openpmo.demo import finance as demo

    context = _Context(programme=programme_tree.strand.pillar.programme)
    plan = demo._team_plan(context, context.programme)
    plan.refresh_from_db()
    return plan


def _core_team_drawdowns(reserve):
    """Table 2's core team drawdowns, as the decision FP/527/10/22 draws them (the gates demo
    records that decision; here a Cabinet Member's authority stands for it)."""
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.common.services import SYSTEM
    from openpmo.finance import services
    from openpmo.finance.tests.factories import decision_authority

    authority = decision_authority(
        UserFactory(roles=[Role.DECISION_MAKER]), forward_plan_reference="FP/527/10/22"
    )
    for year, thousands in (("2022/23", 369), ("2023/24", 762), ("2024/25", 777), ("2025/26", 396)):
        services.reserve_drawdown_record(
            actor=SYSTEM,
            reserve=reserve,
            year=year,
            amount=thousands * 1000,
            authority=authority,
            reason="Drawdown to fund the ETP Core Team (FP/527/10/22)",
        )


@pytest.fixture
def etp(programme_tree):
    """The ETP's team plan (Table 1) and reserve (Table 2) loaded as the demo loads them, with
    the core team's drawdowns its decision makes."""
    from openpmo.demo import finance as demo
    from openpmo.finance.models import Reserve

    context = _Context(programme=programme_tree.strand.pillar.programme)
    plan = demo._team_plan(context, context.programme)
    demo._reserve(context, context.programme)
    reserve = Reserve.objects.get(name=demo.RESERVE)
    _core_team_drawdowns(reserve)
    demo.record_printed_table(context, context.programme)
    plan.refresh_from_db()
    return plan, reserve


@pytest.fixture
def finance_client(client, role_user):
    client.force_login(role_user(Role.FINANCE, username="finance-officer"))
    return client
