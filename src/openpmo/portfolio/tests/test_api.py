"""The register's REST API: the same rules as the pages, and clear errors that change nothing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.tests.factories import WorkPackageFactory


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_token_is_issued_for_a_correct_password_only(api, role_user):
    user = role_user(Role.PMO, username="alice")
    ok = api.post(
        "/api/auth/token/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert ok.status_code == 200
    assert ok.json()["token"] == Token.objects.get(user=user).key
    bad = api.post("/api/auth/token/", {"username": "alice", "password": "wrong"})
    assert bad.status_code == 400
    assert "non_field_errors" in bad.json()


def test_unauthenticated_requests_get_401(api, programme_tree):
    response = api.get("/api/work-packages/")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    response = api.get("/api/work-packages/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401


def test_list_is_paginated_and_filters_by_pillar(api, role_user, programme_tree):
    WorkPackageFactory.create_batch(3)
    body = (
        _as(api, role_user(Role.VIEWER))
        .get("/api/work-packages/", {"pillar": programme_tree.strand.pillar_id})
        .json()
    )
    assert body["count"] == 1
    assert body["results"][0]["reference"] == programme_tree.reference
    assert body["results"][0]["pillar"] == programme_tree.strand.pillar_id
    assert _as(api, role_user(Role.VIEWER)).get("/api/work-packages/").json()["count"] == 4


def test_create_through_the_api_is_audited(api, role_user, programme_tree):
    pmo = role_user(Role.PMO)
    response = _as(api, pmo).post(
        "/api/work-packages/",
        {
            "reference": "API-1",
            "name": "Made by API",
            "strand": programme_tree.strand_id,
            "budget_envelope": "1200.50",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["budget_envelope"] == "1200.50"
    created = WorkPackage.objects.get(reference="API-1")
    assert AuditRecord.objects.for_object(created).get().actor == pmo


def test_validation_errors_are_400_with_field_messages_and_save_nothing(
    api, role_user, programme_tree
):
    response = _as(api, role_user(Role.PMO)).post(
        "/api/work-packages/",
        {
            "reference": programme_tree.reference,
            "name": "",
            "strand": programme_tree.strand_id,
            "stage": "not-a-stage",
            "budget_envelope": "lots",
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert {"reference", "name", "stage", "budget_envelope"} <= set(errors)
    assert WorkPackage.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_model_rules_reach_the_api_as_400(api, role_user, programme_tree):
    response = _as(api, role_user(Role.PMO)).patch(
        f"/api/work-packages/{programme_tree.pk}/",
        {
            "baseline_start": "2025-01-01",
            "baseline_end": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "baseline_end" in str(response.json()) or "__all__" in response.json()
    programme_tree.refresh_from_db()
    assert str(programme_tree.baseline_start) == "2023-04-01"


def test_forbidden_is_403_and_saves_nothing(api, role_user, programme_tree):
    finance = _as(api, role_user(Role.FINANCE))
    response = finance.patch(
        f"/api/work-packages/{programme_tree.pk}/", {"rag_status": "red"}, format="json"
    )
    assert response.status_code == 403
    response = finance.post(
        "/api/work-packages/",
        {"reference": "F-1", "name": "Finance's own", "strand": programme_tree.strand_id},
        format="json",
    )
    assert response.status_code == 403
    programme_tree.refresh_from_db()
    assert programme_tree.rag_status == "green"
    assert WorkPackage.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_stale_version_is_409(api, role_user, programme_tree):
    client = _as(api, role_user(Role.PMO))
    first = client.patch(
        f"/api/work-packages/{programme_tree.pk}/", {"name": "A", "version": 1}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(
        f"/api/work-packages/{programme_tree.pk}/", {"name": "B", "version": 1}, format="json"
    )
    assert second.status_code == 409
    programme_tree.refresh_from_db()
    assert programme_tree.name == "A"


def test_pillars_strands_and_programmes_are_listed(api, role_user, programme_tree):
    client = _as(api, role_user(Role.VIEWER))
    assert client.get("/api/programmes/").json()["count"] == 1
    assert (
        client.get("/api/pillars/").json()["results"][0]["name"]
        == programme_tree.strand.pillar.name
    )
    assert (
        client.get("/api/strands/", {"pillar": programme_tree.strand.pillar_id}).json()["count"]
        == 1
    )


def test_schema_is_valid_openapi(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/work-packages/" in text
