"""The benefits API: the register with profiles and actuals, recording actuals, the tracker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits.models import BenefitActual, BenefitProfile
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile
from openpmo.portfolio.tests.factories import PillarFactory


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def benefit(programme_tree):
    benefit = BenefitFactory(
        reference="BEN-A1",
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(benefit, {"2024-04": "100", "2024-05": "100"})
    give_actuals(benefit, {"2024-04": "80"})
    return benefit


def test_the_register_comes_with_profiles_and_actuals(api, role_user, benefit):
    body = _as(api, role_user(Role.VIEWER)).get("/api/benefits/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["reference"] == "BEN-A1"
    assert item["profile"]["version"] == 1
    assert item["profile"]["months"] == [
        {"month": "2024-04", "value": "100.00"},
        {"month": "2024-05", "value": "100.00"},
    ]
    assert [(a["month"], a["value"]) for a in item["actuals"]] == [("2024-04", "80.00")]


def test_unauthenticated_requests_get_401(api, benefit):
    assert api.get("/api/benefits/").status_code == 401
    assert api.get("/api/benefits/tracker/").status_code == 401
    response = api.post(f"/api/benefits/{benefit.pk}/actuals/", {"month": "2024-05"})
    assert response.status_code == 401


def test_the_owner_posts_an_actual_with_an_attachment(api, benefit):
    response = _as(api, benefit.owner).post(
        f"/api/benefits/{benefit.pk}/actuals/",
        {
            "month": "2024-05",
            "value": "95.50",
            "evidence": "Invoice 7",
            "attachment": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["month"], body["value"], body["version"]) == ("2024-05", "95.50", 1)
    assert body["attachment"].endswith(f"/benefits/actuals/{body['id']}/evidence/")
    actual = BenefitActual.objects.get(pk=body["id"])
    assert AuditRecord.objects.for_object(actual).get().actor == benefit.owner


def test_bad_actuals_are_400_forbidden_403_stale_409_and_none_saves(api, role_user, benefit):
    owner = _as(api, benefit.owner)
    response = owner.post(
        f"/api/benefits/{benefit.pk}/actuals/",
        {"month": "May", "value": "-1", "evidence": ""},
        format="json",
    )
    assert response.status_code == 400
    assert {"month", "value", "evidence"} <= set(response.json())
    response = owner.post(
        f"/api/benefits/{benefit.pk}/actuals/",
        {"month": "2024-13", "value": "1", "evidence": "x"},
        format="json",
    )
    assert response.status_code == 400 and "month" in response.json()
    viewer = _as(APIClient(), role_user(Role.VIEWER))
    response = viewer.post(
        f"/api/benefits/{benefit.pk}/actuals/",
        {"month": "2024-05", "value": "1", "evidence": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert BenefitActual.objects.count() == 1 and not AuditRecord.objects.exists()
    silent = {"month": "2024-04", "value": "81", "evidence": "fix", "version": 1}
    response = owner.post(f"/api/benefits/{benefit.pk}/actuals/", silent, format="json")
    assert (
        response.status_code == 400
        and "already recorded" in response.json()["correction_reason"][0]
    )
    assert BenefitActual.objects.get().value == Decimal(80) and not AuditRecord.objects.exists()
    correction = silent | {"correction_reason": "Meter re-read"}
    assert (
        owner.post(f"/api/benefits/{benefit.pk}/actuals/", correction, format="json").status_code
        == 201
    )
    response = owner.post(
        f"/api/benefits/{benefit.pk}/actuals/", {**correction, "value": "82"}, format="json"
    )
    assert response.status_code == 409
    assert BenefitActual.objects.get(month="2024-04-01").value == Decimal(81)


def test_the_sponsor_rebaselines_a_profile_through_the_api(api, role_user, benefit):
    sponsor = _as(api, benefit.pillar.sponsor)
    response = sponsor.post(
        f"/api/benefits/{benefit.pk}/profile/",
        {"shape": "s-curve", "total": "1000.00", "first": "2024-04", "last": "2024-09"},
        format="json",
    )
    assert response.status_code == 400 and "reason" in response.json()
    response = sponsor.post(
        f"/api/benefits/{benefit.pk}/profile/",
        {
            "shape": "s-curve",
            "total": "1000.00",
            "first": "2024-04",
            "last": "2024-09",
            "reason": "Bigger scope",
        },
        format="json",
    )
    assert response.status_code == 201
    assert sum(Decimal(m["value"]) for m in response.json()["months"]) == Decimal(1000)
    response = _as(APIClient(), benefit.owner).post(
        f"/api/benefits/{benefit.pk}/profile/",
        {"months": {"2024-04": "1"}, "reason": "mine"},
        format="json",
    )
    assert response.status_code == 403
    assert BenefitProfile.objects.filter(benefit=benefit).count() == 2


def test_the_tracker_endpoint_gives_positions_and_totals(api, role_user, benefit):
    other_pillar = PillarFactory(programme=benefit.pillar.programme, name="Other", order=9)
    other = BenefitFactory(pillar=other_pillar, reference="BEN-B1", category="dis-benefit")
    give_profile(other, {"2024-04": "30"})
    give_actuals(other, {"2024-04": "30", "2024-05": "0"})
    client = _as(api, role_user(Role.BOARD_MEMBER))
    body = client.get("/api/benefits/tracker/", {"as_of": "2024-05"}).json()
    assert body["as_of"] == "2024-05"
    mine = next(b for b in body["benefits"] if b["reference"] == "BEN-A1")
    assert mine["actual_in_month"] is None and mine["in_month_actual"] == "missing"
    assert (mine["planned_cumulative"], mine["actual_cumulative"], mine["variance"]) == (
        "200.00",
        "80.00",
        "-120.00",
    )
    assert mine["variance_percent"] == "-60.0" and mine["rag"] == "red"
    assert mine["missing_months"] == ["2024-05"]
    (programme,) = body["programme_totals"]
    # 200 planned less 30 of planned harm; 80 realised less 30 of harm
    assert (programme["planned_cumulative"], programme["actual_cumulative"]) == ("170.00", "50.00")
    assert {p["name"] for p in body["pillars"]} == {benefit.pillar.name, "Other"}
    only = client.get(
        "/api/benefits/tracker/", {"as_of": "2024-05", "pillar": other_pillar.pk}
    ).json()
    assert [b["reference"] for b in only["benefits"]] == ["BEN-B1"]
    assert [p["name"] for p in only["pillars"]] == ["Other"]
    assert only["programme_totals"] == body["programme_totals"]
    assert client.get("/api/benefits/tracker/", {"as_of": "May"}).status_code == 400
    assert client.get("/api/benefits/tracker/", {"pillar": 999999}).status_code == 404


def test_creating_a_benefit_through_the_api_is_audited(api, role_user, benefit, programme_tree):
    pmo = role_user(Role.PMO)
    response = _as(api, pmo).post(
        "/api/benefits/",
        {
            "reference": "BEN-API",
            "title": "From the API",
            "category": "non-financial",
            "measure": "Emissions",
            "unit": "tCO2e",
            "owner": programme_tree.owner.pk,
            "pillar": programme_tree.strand.pillar_id,
            "work_packages": [programme_tree.pk],
            "carbon_scope": "scope-2",
            "carbon_method": "Metered kWh",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["profile"] is None
    assert AuditRecord.objects.filter(action="benefit.created", actor=pmo).count() == 1
    response = _as(api, pmo).post(
        "/api/benefits/",
        {
            "reference": "BEN-API2",
            "title": "No scope",
            "category": "non-financial",
            "measure": "Emissions",
            "unit": "tCO2e",
            "owner": programme_tree.owner.pk,
            "pillar": programme_tree.strand.pillar_id,
        },
        format="json",
    )
    assert response.status_code == 400 and "carbon_scope" in response.json()
