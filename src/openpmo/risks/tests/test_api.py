"""The RAID API: the same rules as the pages, and clear errors (400/401/403/409) that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.risks import services
from openpmo.risks.models import RaidAction, RaidItem, SimulationRun
from openpmo.risks.tests.factories import RaidActionFactory, RaidItemFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


def _body(wp, **extra):
    return {
        "title": "Supplier capacity",
        "category": "delivery",
        "level": "work_package",
        "work_package": wp.pk,
        "inherent_probability": 4,
        "inherent_impact": 4,
        **extra,
    }


def test_unauthenticated_requests_get_401(api, programme_tree):
    for url in ("/api/risks/", "/api/issues/", "/api/assumptions/", "/api/simulation-runs/"):
        assert api().get(url).status_code == 401


def test_each_endpoint_lists_its_own_kind_with_score_band_and_appetite(
    api, role_user, programme_tree
):
    programme = programme_tree.strand.pillar.programme
    services.risk_appetite_set(actor=SYSTEM, programme=programme, category="delivery", max_score=10)
    RaidItemFactory(work_package=programme_tree, reference="R-001")
    RaidItemFactory(
        work_package=programme_tree, reference="I-001", kind="issue", inherent_probability=5
    )
    client = api(role_user(Role.VIEWER))
    risks = client.get("/api/risks/").json()
    assert risks["count"] == 1
    row = risks["results"][0]
    assert (row["reference"], row["current_score"], row["band"], row["outside_appetite"]) == (
        "R-001",
        12,
        "High",
        True,
    )
    assert [r["reference"] for r in client.get("/api/issues/").json()["results"]] == ["I-001"]
    assert client.get("/api/assumptions/").json()["count"] == 0


def test_sponsor_creates_a_quantified_risk_and_it_is_audited(api, programme_tree):
    client = api(programme_tree.strand.pillar.sponsor)
    response = client.post(
        "/api/risks/",
        _body(
            programme_tree,
            chance="0.25",
            cost_min="1000.00",
            cost_likely="2000.00",
            cost_max="5000.00",
            hits=[{"work_package": programme_tree.pk}],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (
        data["reference"] == "R-001"
        and data["kind"] == "risk"
        and data["pillar"] == programme_tree.strand.pillar_id
    )
    assert data["hits"] == [{"work_package": programme_tree.pk, "task_uid": None, "task_name": ""}]
    assert AuditRecord.objects.filter(action="raid_item.created").count() == 1


def test_refusals_change_nothing(api, role_user, programme_tree):
    assert (
        api(role_user(Role.VIEWER))
        .post("/api/risks/", _body(programme_tree), format="json")
        .status_code
        == 403
    )
    bad = api(role_user(Role.PMO)).post(
        "/api/risks/", _body(programme_tree, inherent_impact=None), format="json"
    )
    assert bad.status_code == 400 and "inherent_impact" in bad.json()
    assert not RaidItem.objects.exists() and not AuditRecord.objects.exists()


def test_stale_update_is_a_409_and_level_moves_only_by_escalation(api, programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    client = api(programme_tree.strand.pillar.sponsor)
    ok = client.patch(f"/api/risks/{item.pk}/", {"title": "New", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/risks/{item.pk}/", {"title": "Newer", "version": 1}, format="json")
    assert stale.status_code == 409
    moved = client.patch(f"/api/risks/{item.pk}/", {"level": "programme"}, format="json")
    assert moved.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.level, item.version) == ("New", "work_package", 2)


def test_escalate_raise_issue_and_actions_through_the_api(api, role_user, programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    client = api(programme_tree.strand.pillar.sponsor)
    assert (
        client.post(f"/api/risks/{item.pk}/escalate/", {"reason": ""}, format="json").status_code
        == 400
    )
    escalated = client.post(
        f"/api/risks/{item.pk}/escalate/", {"reason": "Whole strand"}, format="json"
    )
    assert escalated.status_code == 200 and escalated.json()["level"] == "strand"
    owner = role_user(Role.VIEWER)
    action = client.post(
        f"/api/risks/{item.pk}/actions/",
        {"description": "Call the supplier", "owner": owner.pk, "due_on": "2023-02-01"},
        format="json",
    )
    assert action.status_code == 201
    done = api(owner).patch(
        f"/api/raid-actions/{action.json()['id']}/", {"status": "done"}, format="json"
    )
    assert done.status_code == 200 and done.json()["completed_on"] == dt.date.today().isoformat()
    stranger = api(role_user(Role.WORK_PACKAGE_MANAGER))
    assert (
        stranger.patch(
            f"/api/raid-actions/{action.json()['id']}/", {"status": "open"}, format="json"
        ).status_code
        == 403
    )
    assert RaidAction.objects.get().status == "done"
    issue = client.post(
        f"/api/risks/{item.pk}/raise-issue/", {"title": "It happened"}, format="json"
    )
    assert issue.status_code == 201 and issue.json()["raised_from"] == item.pk
    assert client.get(f"/api/risks/{item.pk}/").json()["status"] == "occurred"


def test_actions_can_be_read_by_everyone(api, role_user, programme_tree):
    RaidActionFactory(item=RaidItemFactory(work_package=programme_tree))
    assert api(role_user(Role.VIEWER)).get("/api/raid-actions/").json()["count"] == 1


def test_simulation_runs_start_list_and_detail(settings, api, role_user, programme_tree):
    settings.TASKS = IMMEDIATE
    programme_tree.forecast_start, programme_tree.forecast_end = (
        dt.date(2023, 4, 3),
        dt.date(2023, 6, 30),
    )
    programme_tree.save()
    refused = api(role_user(Role.VIEWER)).post(
        "/api/simulation-runs/", {"work_package": programme_tree.pk}, format="json"
    )
    assert refused.status_code == 403 and not SimulationRun.objects.exists()
    client = api(programme_tree.owner)
    started = client.post(
        "/api/simulation-runs/",
        {"work_package": programme_tree.pk, "iterations": 500, "seed": 11, "spread": [0.9, 1.2]},
        format="json",
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    assert (
        body["status"] == "finished"
        and body["seed"] == 11
        and body["inputs"]["spread"] == [0.9, 1.2]
    )
    assert set(body["result"]["finish_days"]) == {"mean", "p10", "p50", "p80", "p90"}
    listed = client.get("/api/simulation-runs/", {"work_package": programme_tree.pk}).json()
    assert listed["count"] == 1 and "result" not in listed["results"][0]
    assert client.get(f"/api/simulation-runs/{body['id']}/").json()["result"] == body["result"]
    bad = client.post(
        "/api/simulation-runs/",
        {"work_package": programme_tree.pk, "spread": [1.5, 2]},
        format="json",
    )
    assert bad.status_code == 400 and SimulationRun.objects.count() == 1
