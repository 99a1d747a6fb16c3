"""Separation of duties at the gates (issue 11 item 16): whoever submits a gate request or wrote
its business case cannot quality-assure or decide it, while the programme keeps duties separate
(on by default; only the PMO switches it off, audited). The services refuse, so the pages and
the API refuse alike; each refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.common.services import SYSTEM
from openpmo.gates import services
from openpmo.gates.choices import RequestStatus
from openpmo.gates.tests.conftest import ready_case
from openpmo.gates.tests.helpers import state
from openpmo.portfolio.services import programme_separation_of_duties_set


def _submitted_by(user, work_package):
    case = ready_case(work_package, actor=user, requested={})
    return services.gate_request_submit(
        actor=user, work_package=work_package, gate=case.gate, business_case=case
    )


def test_who_submits_a_request_cannot_quality_assure_it(client, gated, reserve, pmo, role_user):
    # Given a request the PMO officer submitted themselves
    request = _submitted_by(pmo, gated)
    before = state(gated)
    # when they quality-assure it by the service, the API or the page, each refuses,
    with pytest.raises(PermissionDenied, match="separation of duties"):
        services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=pmo)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        f"/api/gate-requests/{request.pk}/quality-assurance/", {"action": "forward"}, format="json"
    )
    assert response.status_code == 403 and "someone else" in response.json()["detail"]
    client.force_login(pmo)
    page = client.post(f"/gates/requests/{request.pk}/quality-assurance/", {"decision": "forward"})
    assert page.status_code == 403 and "separation of duties" in page.content.decode()
    # and nothing changed;
    assert state(gated) == before
    # another PMO officer forwards it.
    forwarded = services.gate_request_quality_assure(
        actor=role_user(Role.PMO), gate_request=request, forward=True
    )
    assert forwarded.status == RequestStatus.FORWARDED


def test_who_wrote_and_submitted_the_case_cannot_decide_it(gated, reserve, pmo, role_user):
    # Given a request by someone who is both the work package's PMO officer and a board member
    both = role_user(Role.PMO, Role.BOARD_MEMBER)
    request = _submitted_by(both, gated)
    services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)
    before = state(gated)
    with pytest.raises(PermissionDenied, match="someone else must decide"):
        services.decision_record(actor=both, gate_request=request, outcome="approved")
    assert state(gated) == before
    # another board member decides it.
    decision = services.decision_record(
        actor=role_user(Role.BOARD_MEMBER), gate_request=request, outcome="approved"
    )
    assert decision.stage_after == "soc"


def test_the_pmo_may_switch_it_off_for_a_programme_audited(gated, reserve, pmo):
    from openpmo.audit.models import AuditRecord

    programme = gated.strand.pillar.programme
    request = _submitted_by(pmo, gated)
    programme_separation_of_duties_set(
        actor=pmo, programme=programme, enabled=False, reason="One officer covers the PMO"
    )
    assert AuditRecord.objects.filter(
        action="programme.separation_of_duties_changed", actor=pmo
    ).exists()
    forwarded = services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)
    assert forwarded.status == RequestStatus.FORWARDED


def test_the_system_loading_history_is_not_a_submitter(gated, reserve, board_member):
    case = ready_case(gated)
    request = services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    services.gate_request_quality_assure(actor=SYSTEM, gate_request=request, forward=True)
    decision = services.decision_record(
        actor=board_member, gate_request=request, outcome="approved"
    )
    assert decision.decided_by == board_member
