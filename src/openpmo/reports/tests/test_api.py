"""The reports API: the same rules as the pages; clear refusals that change nothing."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.audit.models import AuditRecord
from openpmo.reports.models import Report


def _as(user) -> APIClient:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_unauthenticated_is_401(submitted):
    api = APIClient()
    assert api.get("/api/reports/").status_code == 401
    assert api.post(f"/api/reports/{submitted.pk}/approve/").status_code == 401
    assert api.get("/api/reports/board-pack/", {"period": "2024-03"}).status_code == 401
    assert Report.objects.get(pk=submitted.pk).status == "submitted"


def test_list_and_detail_give_status_period_and_snapshot(people, submitted):
    api = _as(people["viewer"])
    listed = api.get("/api/reports/", {"period": "2024-03", "kind": "pillar_highlight"}).json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["period"], row["status"], row["kind"]) == (
        "2024-03",
        "submitted",
        "pillar_highlight",
    )
    assert "snapshot" not in row
    detail = api.get(f"/api/reports/{submitted.pk}/").json()
    assert detail["snapshot"]["period"] == "2024-03"
    assert detail["snapshot_sha256"] == submitted.snapshot_sha256
    assert api.get("/api/reports/", {"period": "March"}).status_code == 400


def test_submit_approve_and_return_through_the_api(people, pillar_report):
    sponsor, pmo = _as(people["sponsor"]), _as(people["pmo"])
    submitted = sponsor.post(f"/api/reports/{pillar_report.pk}/submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    returned = pmo.post(
        f"/api/reports/{pillar_report.pk}/return/", {"comments": "Say more"}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["return_comments"] == "Say more"
    sponsor.post(f"/api/reports/{pillar_report.pk}/submit/", {}, format="json")
    version = Report.objects.get(pk=pillar_report.pk).version
    approved = pmo.post(
        f"/api/reports/{pillar_report.pk}/approve/", {"version": version}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert AuditRecord.objects.filter(action__startswith="report.").count() == 5


@pytest.mark.parametrize(
    ("who", "path", "body", "status"),
    [
        ("viewer", "approve", {}, 403),
        ("board", "approve", {}, 403),
        ("sponsor", "approve", {}, 403),  # submitted it themselves
        ("pmo", "return", {}, 400),  # no comments
        ("pmo", "approve", {"version": 1}, 409),  # stale version
        ("manager", "submit", {}, 403),
    ],
)
def test_refusals_are_clear_and_change_nothing(people, submitted, who, path, body, status):
    before = Report.objects.get(pk=submitted.pk)
    audit_before = AuditRecord.objects.count()
    response = _as(people[who]).post(f"/api/reports/{submitted.pk}/{path}/", body, format="json")
    assert response.status_code == status, response.json()
    after = Report.objects.get(pk=submitted.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert AuditRecord.objects.count() == audit_before


def test_an_approved_report_is_409_on_any_further_transition(people, approved):
    for path, body in [("submit", {}), ("approve", {}), ("return", {"comments": "x"})]:
        response = _as(people["pmo2"]).post(
            f"/api/reports/{approved.pk}/{path}/", body, format="json"
        )
        assert response.status_code == 409
    assert Report.objects.get(pk=approved.pk).snapshot == approved.snapshot


def test_board_pack_formats_and_bad_input(people, programme_tree):
    api = _as(people["viewer"])
    live = api.get("/api/reports/board-pack/", {"period": "2024-03"})
    assert live.status_code == 200 and live["X-Report-Status"] == "live"
    assert live["Content-Type"].startswith("text/html") and b"OFFICIAL" in live.content
    xlsx = api.get("/api/reports/board-pack/", {"period": "2024-03", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api.get("/api/reports/board-pack/", {"period": "nope"}).status_code == 400
    bad = api.get("/api/reports/board-pack/", {"period": "2024-03", "format": "doc"})
    assert bad.status_code == 400
    assert not Report.objects.exists()  # a preview saves nothing


def test_draft_edit_and_refresh_through_the_api(people, programme_tree):
    pillar = programme_tree.strand.pillar
    sponsor = _as(people["sponsor"])
    made = sponsor.post(
        "/api/reports/",
        {"kind": "pillar_highlight", "period": "2024-03", "pillar": pillar.pk},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["status"], body["period"], body["overall_rag"]) == ("draft", "2024-03", "green")
    edited = sponsor.patch(
        f"/api/reports/{body['id']}/",
        {"next_period": "Build", "version": body["version"]},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["next_period"] == "Build"
    stale = sponsor.patch(
        f"/api/reports/{body['id']}/",
        {"next_period": "Old", "version": body["version"]},
        format="json",
    )
    assert stale.status_code == 409
    refreshed = sponsor.post(f"/api/reports/{body['id']}/refresh/", {}, format="json")
    assert refreshed.status_code == 200
    assert Report.objects.get().next_period == "Build"
    # another pillar's sponsor may not start one here, and bad input is named
    refused = _as(people["other_sponsor"]).post(
        "/api/reports/",
        {"kind": "pillar_highlight", "period": "2024-04", "pillar": pillar.pk},
        format="json",
    )
    assert refused.status_code == 403
    bad = sponsor.post("/api/reports/", {"kind": "memo", "period": "April"}, format="json")
    assert bad.status_code == 400 and {"kind", "period"} <= set(bad.json())
    assert Report.objects.count() == 1


def test_an_approved_report_cannot_be_edited_through_the_api(people, approved):
    response = _as(people["pmo"]).patch(
        f"/api/reports/{approved.pk}/", {"next_period": "Rewritten"}, format="json"
    )
    assert response.status_code == 409
    assert Report.objects.get(pk=approved.pk).next_period == approved.next_period
