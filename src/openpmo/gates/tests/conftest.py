"""Fixtures of the gates tests: a programme with the default gates, a reserve, and helpers that
take a work package up to a forwarded request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from openpmo.accounts.roles import Role
from openpmo.common.services import SYSTEM
from openpmo.gates import services
from openpmo.gates.models import Gate

# The current financial year and the next two, so requests never ask for past years.
TODAY = dt.date.today()
THIS_YEAR = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
YEAR_1 = f"{THIS_YEAR}/{(THIS_YEAR + 1) % 100:02d}"
YEAR_2 = f"{THIS_YEAR + 1}/{(THIS_YEAR + 2) % 100:02d}"


@pytest.fixture
def gated(programme_tree):
    """The work package of ``programme_tree``, its programme given the default gates."""
    services.gates_create_defaults(actor=SYSTEM, programme=programme_tree.strand.pillar.programme)
    return programme_tree


@pytest.fixture
def reserve(gated):
    """A reserve holding £1,000,000 over this year and the next three."""
    from openpmo.finance.services import reserve_create

    return reserve_create(
        actor=SYSTEM,
        programme=gated.strand.pillar.programme,
        name="Technology and Digitisation Reserve",
        first_year=YEAR_1,
        last_year=f"{THIS_YEAR + 3}/{(THIS_YEAR + 4) % 100:02d}",
        opening_balance=Decimal("-1000000.00"),
    )


@pytest.fixture
def decision_maker(role_user):
    return role_user(Role.DECISION_MAKER, username="cabinet-member", job_title="Cabinet Member")


@pytest.fixture
def board_member(role_user):
    return role_user(Role.BOARD_MEMBER, username="board-member")


@pytest.fixture
def pmo(role_user):
    return role_user(Role.PMO, username="pmo-officer")


def gate_of(work_package, stage: str) -> Gate:
    return Gate.objects.get(programme=work_package.strand.pillar.programme, stage=stage)


def assessment(programme, reference: str = "ECIA-TEST-1"):
    return services.equality_assessment_create(
        actor=SYSTEM,
        programme=programme,
        reference=reference,
        title="Test assessment",
        assessed_on=dt.date(2023, 1, 10),
        characteristics=["age", "disability"],
        outcome="no_disproportionate_impact",
    )


def all_met(gate) -> dict[str, dict[str, object]]:
    return {str(item.pk): {"met": True, "evidence": "Seen"} for item in gate.checklist.all()}


def ready_case(work_package, *, requested=None, actor=SYSTEM):
    """A draft business case for the work package's next gate, ready to submit."""
    from openpmo.gates.selectors import next_gate_for

    gate = next_gate_for(work_package)
    programme = work_package.strand.pillar.programme
    eqia = programme.equality_assessments.first() or assessment(programme)
    return services.business_case_create(
        actor=actor,
        work_package=work_package,
        base_year=YEAR_1,
        requested_funding=requested if requested is not None else {YEAR_1: "150000.00"},
        checklist_answers=all_met(gate),
        equality_assessment=eqia,
    )


def forwarded_request(work_package, *, requested=None):
    """Submit and forward a request at the work package's next gate."""
    case = ready_case(work_package, requested=requested)
    request = services.gate_request_submit(
        actor=SYSTEM, work_package=work_package, gate=case.gate, business_case=case
    )
    return services.gate_request_quality_assure(actor=SYSTEM, gate_request=request, forward=True)


S151 = {
    "s151_officer": "Executive Director, Corporate Services",
    "s151_consulted_on": TODAY,
    "forward_plan_reference": "FP/999/01/24",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users' passwords need no real key stretching (a second saved per user)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
