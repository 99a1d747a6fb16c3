"""The delivery API: the same rules as the pages, and errors that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.delivery.models import Interdependency, ScheduleLink, ScheduleTask
from openpmo.delivery.tests.factories import DAY, chain
from openpmo.delivery.tests.test_exchange import HOSTILE, small_project


def _as(user):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_unauthenticated_requests_get_401(programme_tree):
    api = APIClient()
    assert api.get(f"/api/work-packages/{programme_tree.pk}/schedule/").status_code == 401
    assert api.get("/api/interdependencies/").status_code == 401


def test_the_schedule_comes_with_computed_dates(role_user, programme_tree):
    chain(programme_tree, 5, 0, names=["Build", "Go live"])
    body = _as(role_user(Role.VIEWER)).get(f"/api/work-packages/{programme_tree.pk}/schedule/")
    assert body.status_code == 200
    data = body.json()
    assert data["minutes_per_day"] == 450 and data["start"] == "2024-04-08"
    build, live = data["tasks"]
    assert (build["name"], build["duration_days"], build["critical"]) == ("Build", "5.00", True)
    assert build["early_start"].startswith("2024-04-08T09:00")
    assert live["early_finish"].startswith("2024-04-12T17:30")
    assert data["links"] == [
        {
            "id": ScheduleLink.objects.get().pk,
            "predecessor_uid": 1,
            "successor_uid": 2,
            "type": "FS",
            "lag_minutes": 0,
            "lag_percent": None,
            "lag_elapsed": False,
        }
    ]


def test_import_and_export_round_trip_through_the_api(role_user, programme_tree):
    api = _as(programme_tree.owner)
    url = f"/api/work-packages/{programme_tree.pk}/schedule/"
    upload = SimpleUploadedFile("plan.xml", small_project(), content_type="application/xml")
    imported = api.post(url + "import/", {"file": upload}, format="multipart")
    assert imported.status_code == 200, imported.json()
    first = imported.json()
    exported = api.get(url + "export/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/xml"
    again = api.post(
        url + "import/",
        {"file": SimpleUploadedFile("again.xml", exported.content), "version": first["version"]},
        format="multipart",
    )
    assert again.status_code == 200
    keep = ("uid", "name", "kind", "duration_minutes", "early_start", "early_finish", "late_finish")
    assert [{k: t[k] for k in keep} for t in again.json()["tasks"]] == [
        {k: t[k] for k in keep} for t in first["tasks"]
    ]
    assert [{k: v for k, v in link.items() if k != "id"} for link in again.json()["links"]] == [
        {k: v for k, v in link.items() if k != "id"} for link in first["links"]
    ]


@pytest.mark.parametrize("case", ["billion laughs", "external entity", "link to an unknown task"])
def test_a_hostile_import_is_400_and_saves_nothing(case, role_user, programme_tree):
    chain(programme_tree, 2)
    response = _as(role_user(Role.PMO)).post(
        f"/api/work-packages/{programme_tree.pk}/schedule/import/",
        {"file": SimpleUploadedFile("bad.xml", HOSTILE[case][0])},
        format="multipart",
    )
    assert response.status_code == 400
    assert HOSTILE[case][1] in str(response.json())
    assert ScheduleTask.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_an_import_by_someone_else_is_403(role_user, programme_tree):
    response = _as(role_user(Role.FINANCE)).post(
        f"/api/work-packages/{programme_tree.pk}/schedule/import/",
        {"file": SimpleUploadedFile("plan.xml", small_project())},
        format="multipart",
    )
    assert response.status_code == 403
    assert not ScheduleTask.objects.exists()


def test_tasks_and_links_are_added_changed_and_removed(role_user, programme_tree):
    api = _as(role_user(Role.PMO))
    base = f"/api/work-packages/{programme_tree.pk}/schedule/"
    a = api.post(base + "tasks/", {"name": "Design", "duration_minutes": 3 * DAY}, format="json")
    b = api.post(base + "tasks/", {"name": "Build", "duration_minutes": 2 * DAY}, format="json")
    assert a.status_code == b.status_code == 201
    link = api.post(
        base + "links/",
        {"predecessor": a.json()["id"], "successor": b.json()["id"], "type": "FS"},
        format="json",
    )
    assert link.status_code == 201
    loop = api.post(
        base + "links/",
        {"predecessor": b.json()["id"], "successor": a.json()["id"], "type": "FS"},
        format="json",
    )
    assert loop.status_code == 400 and "cycle" in str(loop.json())
    stale = api.patch(
        f"/api/schedule-tasks/{a.json()['id']}/", {"name": "X", "version": 99}, format="json"
    )
    assert stale.status_code == 409
    renamed = api.patch(
        f"/api/schedule-tasks/{a.json()['id']}/", {"name": "Discovery", "version": 1}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    assert api.delete(f"/api/schedule-links/{link.json()['id']}/").status_code == 204
    assert api.delete(f"/api/schedule-tasks/{b.json()['id']}/").status_code == 204
    assert list(ScheduleTask.objects.values_list("name", flat=True)) == ["Discovery"]
    assert AuditRecord.objects.filter(action__startswith="schedule").count() == 7


def test_interdependencies_crud(role_user, two_packages):
    dependent, provider = two_packages
    sponsor = dependent.strand.pillar.sponsor
    chain(provider, 10)
    chain(dependent, 5)
    api = _as(sponsor)
    made = api.post(
        "/api/interdependencies/",
        {
            "type": "needs_output",
            "from_work_package": provider.pk,
            "to_work_package": dependent.pk,
            "need_by": "2024-05-01",
            "owner": sponsor.pk,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["reference"] == f"DEP-{pk:03d}"
    listed = _as(role_user(Role.VIEWER)).get(
        "/api/interdependencies/", {"work_package": provider.pk}
    )
    assert listed.json()["count"] == 1
    changed = api.patch(
        f"/api/interdependencies/{pk}/", {"status": "at_risk", "version": 1}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["status"] == "at_risk"
    assert (
        api.patch(
            f"/api/interdependencies/{pk}/", {"status": "met", "version": 1}, format="json"
        ).status_code
        == 409
    )
    refused = _as(role_user(Role.FINANCE)).patch(
        f"/api/interdependencies/{pk}/", {"status": "closed"}, format="json"
    )
    assert refused.status_code == 403
    loop = api.post(
        "/api/interdependencies/",
        {"from_work_package": dependent.pk, "to_work_package": provider.pk},
        format="json",
    )
    assert loop.status_code == 400
    assert Interdependency.objects.get().status == "at_risk"
    assert api.delete(f"/api/interdependencies/{pk}/").status_code == 204
    assert not Interdependency.objects.exists()
    assert list(
        AuditRecord.objects.filter(action__startswith="interdependency")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["interdependency.created", "interdependency.updated", "interdependency.deleted"]


def test_programme_schedule_and_slippage_impact(pmo, role_user, two_packages):
    from openpmo.delivery import services

    provider, dependent = two_packages
    chain(provider, 10)
    chain(dependent, 5)
    services.interdependency_create(
        actor=pmo, from_work_package=provider, to_work_package=dependent
    )
    api = _as(role_user(Role.VIEWER))
    programme = api.get("/api/programme-schedule/").json()
    assert programme["critical_path"] == [provider.reference, dependent.reference]
    impact = api.get("/api/slippage-impact/", {"work_package": provider.pk, "weeks": 1})
    assert impact.status_code == 200
    moved = impact.json()["moved"]
    assert [m["reference"] for m in moved] == [dependent.reference]
    assert moved[0]["working_days"] == "5.00"
    assert dt.date.fromisoformat(
        impact.json()["programme_finish_after"][:10]
    ) > dt.date.fromisoformat(impact.json()["programme_finish_before"][:10])
    exported = api.get("/api/programme-schedule/export/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/xml"
    assert f"{dependent.reference} {dependent.name}".encode() in exported.content
    bad = api.get("/api/slippage-impact/", {"work_package": provider.pk, "weeks": "lots"})
    assert bad.status_code == 400 and "weeks" in bad.json()
