"""The register's pages: what each role sees and may do, errors back on the form, charts with
their data tables, and a fixed number of queries however long the register."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.common.services import SYSTEM
from openpmo.core.risk import read_network_yaml
from openpmo.risks import services
from openpmo.risks.models import Escalation, RaidAction, RaidItem, SimulationRun
from openpmo.risks.tests.factories import RaidActionFactory, RaidItemFactory

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def signed_in(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_register_shows_heat_map_appetite_flag_and_table(signed_in, role_user, programme_tree):
    programme = programme_tree.strand.pillar.programme
    services.risk_appetite_set(actor=SYSTEM, programme=programme, category="delivery", max_score=9)
    RaidItemFactory(
        work_package=programme_tree,
        title="Supplier capacity",
        inherent_probability=4,
        inherent_impact=5,
    )
    page = signed_in(role_user(Role.VIEWER)).get("/risks/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Heat map: open risks by residual probability and impact (1 risks)" in body
    assert "Supplier capacity" in body and "Outside appetite" in body
    assert "1 open item outside the programme's risk appetite" in body
    assert "Add a risk" not in body  # a viewer reads only


def test_register_queries_do_not_grow_with_items(signed_in, role_user, programme_tree):
    client = signed_in(role_user(Role.VIEWER))
    RaidItemFactory(work_package=programme_tree)
    client.get("/risks/")
    with CaptureQueriesContext(connection) as one:
        client.get("/risks/")
    for _ in range(8):
        RaidActionFactory(item=RaidItemFactory(work_package=programme_tree))
    with CaptureQueriesContext(connection) as many:
        client.get("/risks/")
    assert len(many) == len(one)


def test_sponsor_adds_a_risk_through_the_two_step_form(signed_in, programme_tree):
    client = signed_in(programme_tree.strand.pillar.sponsor)
    url = f"/risks/items/new/?kind=risk&level=work_package&work_package={programme_tree.pk}"
    assert client.get("/risks/items/new/").status_code == 200
    form = client.get(url)
    assert form.status_code == 200 and "Probability before the response" in form.content.decode()
    bad = client.post(url, {"title": "", "category": "delivery", "raised_on": "2023-01-01"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    assert not RaidItem.objects.exists()
    good = client.post(
        url,
        {
            "title": "Supplier capacity",
            "category": "delivery",
            "raised_on": "2023-01-01",
            "inherent_probability": "3",
            "inherent_impact": "4",
            "chance": "0.3",
            "delay_min": "2",
            "delay_likely": "4",
            "delay_max": "9",
        },
    )
    item = RaidItem.objects.get()
    assert good.status_code == 302 and good["Location"] == f"/risks/items/{item.pk}/"
    assert item.reference == "R-001" and item.is_quantified
    detail = client.get(good["Location"]).content.decode()
    assert "Quantified for simulation" in detail and "Escalate" in detail


def test_place_step_needs_the_row_of_its_level(signed_in, role_user, programme_tree):
    page = signed_in(role_user(Role.PMO)).get("/risks/items/new/?kind=risk&level=strand")
    assert page.status_code == 400 and "Choose the strand" in page.content.decode()


def test_pages_refuse_writes_to_roles_without_rights(signed_in, role_user, programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    action = RaidActionFactory(item=item)
    client = signed_in(role_user(Role.VIEWER))
    for url in (
        f"/risks/items/{item.pk}/edit/",
        f"/risks/items/{item.pk}/escalate/",
        f"/risks/items/{item.pk}/raise-issue/",
        f"/risks/items/{item.pk}/actions/new/",
        f"/risks/actions/{action.pk}/edit/",
        "/risks/matrix/edit/",
        "/risks/appetite/financial/",
        "/risks/simulations/new/",
        f"/risks/simulations/new/?work_package={programme_tree.pk}",
        f"/risks/items/new/?kind=risk&level=work_package&work_package={programme_tree.pk}",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x", "title": "x"}).status_code == 403, url
    item.refresh_from_db()
    assert item.level == "work_package" and item.version == 1 and not SimulationRun.objects.exists()


def test_escalate_page_records_the_reason(signed_in, programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    client = signed_in(programme_tree.strand.pillar.sponsor)
    empty = client.post(f"/risks/items/{item.pk}/escalate/", {"reason": "", "version": 1})
    assert empty.status_code == 400 and not Escalation.objects.exists()
    done = client.post(
        f"/risks/items/{item.pk}/escalate/", {"reason": "Whole strand", "version": 1}
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.level == "strand"
    assert "Whole strand" in client.get(f"/risks/items/{item.pk}/").content.decode()


def test_stale_edit_comes_back_with_the_conflict_and_changes_nothing(signed_in, programme_tree):
    item = RaidItemFactory(work_package=programme_tree)
    services.raid_item_update(actor=SYSTEM, item=item, title="Saved first")
    client = signed_in(programme_tree.strand.pillar.sponsor)
    page = client.post(
        f"/risks/items/{item.pk}/edit/",
        {
            "title": "Mine",
            "category": "delivery",
            "status": "open",
            "raised_on": "2023-01-01",
            "inherent_probability": "3",
            "inherent_impact": "4",
            "version": "1",
        },
    )
    assert page.status_code == 400 and "changed by someone else" in page.content.decode()
    item.refresh_from_db()
    assert item.title == "Saved first"


def test_raise_issue_page_links_the_issue_to_the_risk(signed_in, programme_tree):
    risk = RaidItemFactory(work_package=programme_tree)
    client = signed_in(programme_tree.strand.pillar.sponsor)
    response = client.post(
        f"/risks/items/{risk.pk}/raise-issue/",
        {"title": "It happened", "inherent_impact": "4", "version": "1"},
    )
    issue = RaidItem.objects.get(kind="issue")
    assert response.status_code == 302 and issue.raised_from == risk
    page = client.get(f"/risks/items/{issue.pk}/").content.decode()
    assert "Raised from" in page and risk.reference in page


def test_the_actions_owner_updates_it_from_the_page(signed_in, role_user, programme_tree):
    owner = role_user(Role.VIEWER)
    action = RaidActionFactory(item=RaidItemFactory(work_package=programme_tree), owner=owner)
    client = signed_in(owner)
    assert "Update<span" in client.get(f"/risks/items/{action.item_id}/").content.decode()
    response = client.post(
        f"/risks/actions/{action.pk}/edit/",
        {"description": action.description, "owner": owner.pk, "status": "done", "version": "1"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None
    assert RaidAction.objects.count() == 1


def test_pmo_edits_matrix_and_appetite(signed_in, role_user, programme_tree):
    client = signed_in(role_user(Role.PMO))
    assert client.get("/risks/matrix/").status_code == 200
    form = {f"probability_{n}": f"P{n}" for n in range(1, 6)} | {
        f"impact_{n}": f"I{n}" for n in range(1, 6)
    }
    form |= {
        "band_1_label": "Low",
        "band_1_up_to": "8",
        "band_1_colour": "green",
        "band_2_label": "High",
        "band_2_up_to": "20",
        "band_2_colour": "red",
    }
    bad = client.post("/risks/matrix/edit/", form)
    assert bad.status_code == 400 and "must end at 25" in bad.content.decode()
    form["band_2_up_to"] = "25"
    assert client.post("/risks/matrix/edit/", form).status_code == 302
    assert "P5" in client.get("/risks/matrix/").content.decode()
    assert (
        client.post(
            "/risks/appetite/compliance/", {"max_score": "6", "statement": "Averse"}
        ).status_code
        == 302
    )
    assert "Averse" in client.get("/risks/matrix/").content.decode()
    assert client.get("/risks/appetite/nonsense/").status_code == 404


def test_simulation_from_a_work_package_page_shows_charts_with_their_tables(
    settings, signed_in, programme_tree
):
    settings.TASKS = IMMEDIATE
    wp = programme_tree
    wp.forecast_start, wp.forecast_end = dt.date(2023, 4, 3), dt.date(2023, 9, 29)
    wp.save()
    RaidItemFactory(
        work_package=wp, chance=Decimal("0.4"), delay_min=1, delay_likely=3, delay_max=8
    )
    client = signed_in(wp.owner)
    assert (
        "Simulate this work package"
        in client.get(f"/risks/work-packages/{wp.pk}/").content.decode()
    )
    url = f"/risks/simulations/new/?work_package={wp.pk}"
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"iterations": "10", "spread": "0.8", "cost_spread": "0.9,1.3", "correlation": "0.3"}
    )
    assert bad.status_code == 400 and not SimulationRun.objects.exists()
    response = client.post(
        url,
        {
            "iterations": "1000",
            "seed": "7",
            "spread": "0.8,1.5",
            "cost_spread": "0.9,1.3",
            "correlation": "0.3",
        },
    )
    run = SimulationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/risks/simulations/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert run.status == "finished" and 'http-equiv="refresh"' not in page
    assert page.count("<svg") == 7 and page.count('role="img"') == 7
    for caption in (
        "Finish and cost",
        "S-curve of the finish",
        "Distribution of the cost",
        "Tornado of the finish",
        "Tasks by criticality",
    ):
        assert caption in page
    inputs = client.get(f"/risks/simulations/{run.pk}/inputs.yaml")
    network = read_network_yaml(inputs.content.decode())
    assert [t.id for t in network.tasks] == [wp.reference] and "--seed 7" in inputs.content.decode()


def test_a_queued_run_page_refreshes_and_shows_progress(signed_in, role_user, programme_tree):
    run = services.simulation_run_create(
        actor=SYSTEM,
        programme=programme_tree.strand.pillar.programme,
        work_package=programme_tree,
        iterations=500,
        seed=1,
    )
    SimulationRun.objects.filter(pk=run.pk).update(status="running", percent=40)
    page = signed_in(role_user(Role.VIEWER)).get(f"/risks/simulations/{run.pk}/").content.decode()
    assert (
        'http-equiv="refresh"' in page
        and "40% of the iterations done" in page
        and "<progress" in page
    )


def test_programme_simulation_list_dependencies_and_decisions_pages(
    settings, signed_in, role_user, programme_tree
):
    settings.TASKS = IMMEDIATE
    client = signed_in(role_user(Role.PMO))
    response = client.post(
        "/risks/simulations/new/",
        {"iterations": "500", "spread": "0.8,1.5", "cost_spread": "0.9,1.3", "correlation": "0.3"},
    )
    assert response.status_code == 302
    run = SimulationRun.objects.get()
    assert run.work_package is None and run.status == "finished"
    for url in (
        "/risks/simulations/",
        "/risks/dependencies/",
        "/risks/decisions/",
        "/risks/matrix/",
    ):
        assert client.get(url).status_code == 200, url


def test_register_filters_by_kind_and_shows_what_is_outside_appetite(
    signed_in, role_user, programme_tree
):
    programme = programme_tree.strand.pillar.programme
    services.risk_appetite_set(actor=SYSTEM, programme=programme, category="delivery", max_score=9)
    RaidItemFactory(
        work_package=programme_tree, title="Big risk", inherent_probability=4, inherent_impact=5
    )
    RaidItemFactory(
        work_package=programme_tree, title="Small risk", inherent_probability=1, inherent_impact=2
    )
    RaidItemFactory(
        work_package=programme_tree,
        title="An issue",
        kind="issue",
        reference="I-001",
        inherent_probability=5,
        inherent_impact=1,
    )
    client = signed_in(role_user(Role.VIEWER))
    issues = client.get("/risks/", {"kind": "issue"}).content.decode()
    assert "An issue" in issues and "Big risk" not in issues
    outside = client.get("/risks/", {"outside": "1"}).content.decode()
    assert "Big risk" in outside and "Small risk" not in outside and "An issue" not in outside


def test_a_pillar_risk_names_the_work_packages_it_delays(signed_in, programme_tree):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    elsewhere = WorkPackageFactory()  # another pillar: not offered
    client = signed_in(programme_tree.strand.pillar.sponsor)
    url = f"/risks/items/new/?kind=risk&level=pillar&pillar={programme_tree.strand.pillar_id}"
    form = client.get(url).content.decode()
    assert programme_tree.reference in form and elsewhere.reference not in form
    response = client.post(
        url,
        {
            "title": "Shared supplier fails",
            "category": "delivery",
            "raised_on": "2023-01-01",
            "inherent_probability": "2",
            "inherent_impact": "4",
            "chance": "0.2",
            "delay_min": "5",
            "delay_likely": "10",
            "delay_max": "20",
            "hit_packages": [str(programme_tree.pk)],
        },
    )
    assert response.status_code == 302
    item = RaidItem.objects.get()
    assert item.level == "pillar" and [h.work_package for h in item.hits.all()] == [programme_tree]
    refused = client.post(
        f"/risks/items/{item.pk}/edit/",
        {
            "title": "x",
            "category": "delivery",
            "status": "open",
            "raised_on": "2023-01-01",
            "inherent_probability": "2",
            "inherent_impact": "4",
            "hit_packages": [str(elsewhere.pk)],
            "version": "1",
        },
    )
    assert refused.status_code == 400
    assert [h.work_package for h in item.hits.all()] == [programme_tree]


def test_matrix_page_counts_the_same_risks_as_the_register(signed_in, role_user, programme_tree):
    programme = programme_tree.strand.pillar.programme
    for probability in (2, 3, 5):
        RaidItemFactory(work_package=programme_tree, inherent_probability=probability)
    RaidItemFactory(work_package=programme_tree, status="closed")  # not open: in neither
    client = signed_in(role_user(Role.VIEWER))
    register = client.get(f"/risks/?programme={programme.pk}").content.decode()
    matrix = client.get(f"/risks/matrix/?programme={programme.pk}").content.decode()
    assert "(3 risks)" in register
    assert "(3 risks)" in matrix

    # and the same cells, cell by cell
    def cells(html):
        found = re.findall(r'risks-heat__count">(.*?)</span>', html)
        return [re.sub(r"<[^>]+>", "", cell) for cell in found]

    assert cells(matrix) == cells(register)
    assert sorted(c for c in cells(matrix) if c != "–") == ["1", "1", "1"]
