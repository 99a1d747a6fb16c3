"""The gates API: the whole cycle, and 400/401/403/409 that change nothing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.gates.models import Decision, GateRequest
from openpmo.gates.tests.conftest import (
    S151,
    TODAY,
    YEAR_1,
    all_met,
    assessment,
    forwarded_request,
    gate_of,
    ready_case,
)
from openpmo.gates.tests.helpers import state


def _as(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_whole_cycle_through_the_api(gated, reserve, pmo, decision_maker):
    sponsor = _as(gated.strand.pillar.sponsor)
    programme = gated.strand.pillar.programme
    eqia = _as(pmo).post(
        "/api/equality-impact-assessments/",
        {
            "programme": programme.pk,
            "reference": "ECIA-API-1",
            "title": "API assessment",
            "assessed_on": "2023-01-10",
            "characteristics": ["age", "disability", "race"],
            "outcome": "no_disproportionate_impact",
        },
        format="json",
    )
    assert eqia.status_code == 201, eqia.json()
    gate = gate_of(gated, "discovery")
    case = sponsor.post(
        f"/api/work-packages/{gated.pk}/business-cases/",
        {
            "title": "Discovery for the data hub",
            "base_year": YEAR_1,
            "requested_funding": {YEAR_1: "80000.00"},
            "checklist_answers": all_met(gate),
            "equality_assessment": eqia.json()["id"],
        },
        format="json",
    )
    assert case.status_code == 201, case.json()
    body = case.json()
    assert [o["name"] for o in body["options"]] == ["Do nothing"] and body["gate"] == gate.pk
    option = sponsor.post(
        f"/api/business-cases/{body['id']}/options/",
        {"name": "Discovery sprint", "costs": {"Team": {YEAR_1: "80000"}}, "is_recommended": True},
        format="json",
    )
    assert option.status_code == 201, option.json()
    submitted = sponsor.post(
        f"/api/work-packages/{gated.pk}/gate-requests/",
        {"gate": gate.pk, "business_case": body["id"], "requested": {YEAR_1: "80000.00"}},
        format="json",
    )
    assert submitted.status_code == 201, submitted.json()
    request_id = submitted.json()["id"]
    forwarded = _as(pmo).post(
        f"/api/gate-requests/{request_id}/quality-assurance/",
        {"action": "forward"},
        format="json",
    )
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    decided = _as(decision_maker).post(
        f"/api/gate-requests/{request_id}/decision/",
        {
            "outcome": "approved",
            "released": {YEAR_1: "80000.00"},
            "forward_plan_ref": "FP/100/01/24",
            "s151_officer": S151["s151_officer"],
            "s151_consulted_on": str(TODAY),
        },
        format="json",
    )
    assert decided.status_code == 201, decided.json()
    decision = decided.json()
    assert decision["forward_plan_reference"] == "FP/100/01/24"
    assert decision["released"][0]["year"] == YEAR_1 and decision["released"][0]["reserve_entry"]
    assert (decision["stage_before"], decision["stage_after"]) == ("discovery", "soc")
    log = _as(pmo).get("/api/decisions/").json()
    assert log["count"] == 1 and log["results"][0]["id"] == decision["id"]
    history = _as(pmo).get(f"/api/work-packages/{gated.pk}/gate-requests/").json()
    assert history[0]["decisions"][0]["outcome"] == "approved"


def test_a_request_missing_things_is_400_naming_them(gated):
    case = ready_case(gated)
    client = _as(gated.strand.pillar.sponsor)
    before = state(gated)
    response = client.post(f"/api/work-packages/{gated.pk}/gate-requests/", {}, format="json")
    assert response.status_code == 400 and {"gate", "business_case"} <= set(response.json())
    skipped = client.post(
        f"/api/work-packages/{gated.pk}/gate-requests/",
        {"gate": gate_of(gated, "fbc").pk, "business_case": case.pk},
        format="json",
    )
    assert skipped.status_code == 400 and "gate" in skipped.json()
    mandatory = case.gate.checklist.filter(mandatory=True).first()
    unmet = client.post(
        f"/api/work-packages/{gated.pk}/gate-requests/",
        {
            "gate": case.gate.pk,
            "business_case": case.pk,
            "checklist_answers": {str(mandatory.pk): {"met": False}},
        },
        format="json",
    )
    assert unmet.status_code == 400
    assert mandatory.text in str(unmet.json()["checklist_answers"])
    assert state(gated) == before


def test_requests_need_a_signed_in_drafter(gated, role_user):
    case = ready_case(gated)
    body = {"gate": case.gate.pk, "business_case": case.pk}
    anonymous = APIClient().post(
        f"/api/work-packages/{gated.pk}/gate-requests/", body, format="json"
    )
    assert anonymous.status_code == 401
    viewer = _as(role_user(Role.VIEWER)).post(
        f"/api/work-packages/{gated.pk}/gate-requests/", body, format="json"
    )
    assert viewer.status_code == 403
    assert not GateRequest.objects.exists()


def test_decision_refusals_are_403_and_409_and_change_nothing(
    gated, reserve, board_member, decision_maker
):
    request = forwarded_request(gated, requested={YEAR_1: "150000.00"})
    url = f"/api/gate-requests/{request.pk}/decision/"
    money = {
        "outcome": "approved",
        "released": {YEAR_1: "150000.00"},
        "forward_plan_ref": "FP/150/01/24",
        "s151_officer": "S151",
        "s151_consulted_on": str(TODAY),
    }
    before = state(gated)
    assert _as(board_member).post(url, money, format="json").status_code == 403
    bad = _as(decision_maker).post(url, {**money, "released": {YEAR_1: "1e9"}}, format="json")
    assert bad.status_code == 400 and "released" in bad.json()
    assert state(gated) == before
    assert _as(decision_maker).post(url, money, format="json").status_code == 201
    after = state(gated)
    again = _as(decision_maker).post(url, money, format="json")
    assert again.status_code == 409 and "already been decided" in again.json()["detail"]
    assert state(gated) == after


def test_a_decision_the_reserve_cannot_cover_is_409(gated, reserve, decision_maker):
    request = forwarded_request(gated, requested={YEAR_1: "2000000.00"})
    before = state(gated)
    response = _as(decision_maker).post(
        f"/api/gate-requests/{request.pk}/decision/",
        {
            "outcome": "approved",
            "released": {YEAR_1: "2000000.00"},
            "forward_plan_ref": "FP/151/01/24",
            "s151_officer": "S151",
            "s151_consulted_on": str(TODAY),
        },
        format="json",
    )
    assert response.status_code == 409 and "past zero" in response.json()["detail"]
    assert state(gated) == before


def test_conditions_and_corrections_through_the_api(gated, reserve, board_member):
    request = forwarded_request(gated)
    decided = _as(board_member).post(
        f"/api/gate-requests/{request.pk}/decision/",
        {
            "outcome": "approved_with_conditions",
            "conditions": [
                {
                    "description": "Name a benefit owner",
                    "owner": gated.owner.pk,
                    "due_on": str(TODAY),
                }
            ],
        },
        format="json",
    )
    assert decided.status_code == 201, decided.json()
    action = decided.json()["actions"][0]
    assert action["owner"] == gated.owner.pk and action["status"] == "open"
    done = _as(gated.owner).post(
        f"/api/condition-actions/{action['id']}/complete/", {}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    corrected = _as(board_member).post(
        f"/api/decisions/{decided.json()['id']}/correction/",
        {"correction_reason": "Reference missed", "forward_plan_reference": "FP/9/01/24"},
        format="json",
    )
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["corrects"] == decided.json()["id"]
    assert Decision.objects.count() == 2
    original = _as(board_member).get(f"/api/decisions/{decided.json()['id']}/").json()
    assert original["corrected_by"] == corrected.json()["id"]


@pytest.mark.parametrize("url", ["/api/gates/", "/api/gate-requests/", "/api/decisions/"])
def test_lists_are_open_to_every_signed_in_user(gated, role_user, url):
    assessment(gated.strand.pillar.programme)
    assert _as(role_user(Role.VIEWER)).get(url).status_code == 200


def test_a_busy_database_is_503_try_again_not_500(gated, reserve, decision_maker):
    from unittest import mock

    from django.db import OperationalError

    request = forwarded_request(gated)
    before = state(gated)
    with mock.patch(
        "openpmo.gates.services.decisions._decision_record",
        side_effect=OperationalError("database is locked"),
    ):
        response = _as(decision_maker).post(
            f"/api/gate-requests/{request.pk}/decision/", {"outcome": "approved"}, format="json"
        )
    assert response.status_code == 503 and "busy" in response.json()["detail"]
    assert response["Retry-After"]
    assert state(gated) == before
