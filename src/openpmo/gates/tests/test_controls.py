"""The gates' controls (issue 11 items 13 and 14, issue 17 item 3): a stage moves by the
decider's own decision; money leaves the reserve only by a recorded decision of the Cabinet
Member for Finance, and the ledger names them. Each refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.common.authority import DecisionAuthority
from openpmo.gates import services
from openpmo.gates.models import FundingRelease
from openpmo.gates.tests.conftest import S151, TODAY, YEAR_1, forwarded_request
from openpmo.gates.tests.helpers import state
from openpmo.portfolio.services import work_package_stage_move


def _authority(user, role: str) -> DecisionAuthority:
    return DecisionAuthority(
        decided_by=user, role=role, decision_id=1, decision="Approved", decided_on=TODAY
    )


def test_a_stage_moves_only_by_the_deciders_own_decision(gated, reserve, decision_maker, pmo):
    before = state(gated)
    # The work package's manager, naming themselves, holds no delegated authority,
    with pytest.raises(PermissionDenied, match="no delegated authority"):
        work_package_stage_move(
            actor=gated.owner,
            work_package=gated,
            stage="closure",
            authority=_authority(gated.owner, "Work package manager"),
        )
    # and the PMO cannot move it by naming the Cabinet Member's authority.
    with pytest.raises(PermissionDenied, match="own decision"):
        work_package_stage_move(
            actor=pmo,
            work_package=gated,
            stage="closure",
            authority=_authority(decision_maker, Role.DECISION_MAKER.value),
        )
    assert state(gated) == before


def test_a_gate_approval_moves_the_stage_in_the_deciders_name(gated, reserve, board_member):
    from openpmo.audit.models import AuditRecord

    request = forwarded_request(gated)
    decision = services.decision_record(
        actor=board_member, gate_request=request, outcome="approved"
    )
    gated.refresh_from_db()
    assert gated.stage == "soc"
    moved = AuditRecord.objects.get(action="work_package.stage_moved")
    assert moved.actor == board_member
    assert moved.after == {
        "stage": "soc",
        "decision": decision.pk,
        "decided_by": board_member.pk,
        "role": "Board member",
    }


def test_a_gate_decision_that_releases_money_needs_its_forward_plan_reference(
    gated, reserve, decision_maker
):
    """§7.1: every drawdown is a key decision on the Forward Plan, through a gate or not."""
    request = forwarded_request(gated, requested={YEAR_1: "80000.00"})
    before = state(gated)
    balance = reserve.balance
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=decision_maker,
            gate_request=request,
            outcome="approved",
            released={YEAR_1: "80000.00"},
            **(S151 | {"forward_plan_reference": "  "}),
        )
    assert "Forward Plan reference" in error.value.message_dict["forward_plan_reference"][0]
    assert state(gated) == before
    reserve.refresh_from_db()
    assert reserve.balance == balance
    # An approval that releases nothing needs none; one that releases money, with it, draws it.
    decision = services.decision_record(
        actor=decision_maker,
        gate_request=request,
        outcome="approved",
        released={YEAR_1: "80000.00"},
        **(S151 | {"forward_plan_reference": "FP/321/11/26"}),
    )
    assert decision.forward_plan_reference == "FP/321/11/26"
    reserve.refresh_from_db()
    assert reserve.balance == balance + Decimal("80000.00")  # the ledger signs a drawdown +


def test_a_standalone_drawdown_needs_the_cabinet_member_and_its_particulars(
    gated, reserve, decision_maker, board_member, role_user
):
    programme = gated.strand.pillar.programme
    decision = {
        "programme": programme,
        "subject": "Core team",
        "released": {YEAR_1: "500000.00"},
        "decided_on": TODAY,
        **S151,
        "forward_plan_reference": "FP/001/01/24",
    }
    before = state(gated)
    # Finance, the PMO and the board hold no authority to draw money,
    for actor in (role_user(Role.FINANCE), role_user(Role.PMO), board_member):
        with pytest.raises(PermissionDenied):
            services.funding_decision_record(actor=actor, **decision)
    # and the Cabinet Member's decision needs its Forward Plan reference and S151 sign-off.
    for missing, field in (
        ({"forward_plan_reference": ""}, "forward_plan_reference"),
        ({"s151_officer": ""}, "s151_consulted_on"),
    ):
        with pytest.raises(ValidationError) as error:
            services.funding_decision_record(actor=decision_maker, **(decision | missing))
        assert field in error.value.message_dict
    assert state(gated) == before
    # With them, the money is drawn in the decider's name, linked from the decision's release.
    made = services.funding_decision_record(actor=decision_maker, **decision)
    release = FundingRelease.objects.select_related("reserve_entry").get(decision=made)
    entry = release.reserve_entry
    assert entry.amount == Decimal("500000.00")
    assert (entry.authorised_by, entry.authority_role, entry.recorded_by) == (
        decision_maker,
        "Decision maker",
        decision_maker,
    )
    assert "FP/001/01/24" in entry.authority and str(made.pk) in entry.authority


def test_the_cabinet_member_records_a_funding_decision_on_its_page(
    client, gated, reserve, decision_maker, role_user
):
    url = "/gates/decisions/funding/new/"
    data = {
        "subject": "Core programme team",
        "released": f"{YEAR_1}: 45000",
        "decided_on": TODAY.isoformat(),
        "forward_plan_reference": "FP/002/02/24",
        "s151_officer": "Executive Director, Corporate Services",
        "s151_consulted_on": TODAY.isoformat(),
    }
    before = state(gated)
    # Finance has no page to draw money on,
    client.force_login(role_user(Role.FINANCE))
    assert client.post(url, data).status_code == 403
    # and the Cabinet Member's decision without its Forward Plan reference comes back,
    client.force_login(decision_maker)
    response = client.post(url, data | {"forward_plan_reference": ""})
    assert response.status_code == 400 and "Forward Plan reference" in response.content.decode()
    assert state(gated) == before
    # with it, the decision is recorded and the money drawn in the Cabinet Member's name.
    assert client.post(url, data).status_code == 302
    reserve.refresh_from_db()
    assert reserve.balance == Decimal("-955000.00")
    entry = FundingRelease.objects.get().reserve_entry
    assert entry.authorised_by == decision_maker and "FP/002/02/24" in entry.authority
