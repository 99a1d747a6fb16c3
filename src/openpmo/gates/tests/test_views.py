"""The gates pages, as officers use them: the whole cycle in the browser, refusals, query counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.gates import services
from openpmo.gates.models import BusinessCase, Decision, GateRequest
from openpmo.gates.tests.conftest import (
    S151,
    TODAY,
    YEAR_1,
    assessment,
    forwarded_request,
    gate_of,
)
from openpmo.gates.tests.helpers import state


def _login(client, user):
    client.force_login(user)
    return client


def test_the_whole_cycle_in_the_browser(client, gated, reserve, pmo, decision_maker):
    sponsor = gated.strand.pillar.sponsor
    programme = gated.strand.pillar.programme
    eqia = assessment(programme)
    _login(client, sponsor)
    # The sponsor starts a business case from the work package's gates page
    page = client.get(f"/gates/work-packages/{gated.pk}/")
    assert page.status_code == 200 and "Discovery" in page.content.decode()
    started = client.post(f"/gates/work-packages/{gated.pk}/business-cases/new/")
    case = BusinessCase.objects.get()
    assert started.status_code == 302 and started.url == f"/gates/business-cases/{case.pk}/edit/"
    gate = gate_of(gated, "discovery")
    form = {
        "version": case.version,
        "title": "Discovery of the data hub",
        "base_year": YEAR_1,
        "requested_funding": f"{YEAR_1}: 60,000",
        "equality_assessment": eqia.pk,
    }
    for item in gate.checklist.all():
        form[f"met_{item.pk}"] = "on"
        form[f"evidence_{item.pk}"] = "In the discovery report"
    saved = client.post(f"/gates/business-cases/{case.pk}/edit/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    option = client.post(
        f"/gates/business-cases/{case.pk}/options/new/",
        {"name": "Discovery sprint", "costs": f"Team | {YEAR_1} | 60000", "is_recommended": "on"},
    )
    assert option.status_code == 302
    detail = client.get(f"/gates/business-cases/{case.pk}/").content.decode()
    assert "Discovery sprint" in detail and "Green Book appraisal" in detail
    submitted = client.post(
        f"/gates/work-packages/{gated.pk}/request/", {"business_case": case.pk, "requested": ""}
    )
    request = GateRequest.objects.get()
    assert submitted.status_code == 302 and request.requested == {YEAR_1: "60000.00"}
    # The PMO forwards it
    _login(client, pmo)
    forwarded = client.post(
        f"/gates/requests/{request.pk}/quality-assurance/",
        {"decision": "forward", "comments": "", "version": request.version},
    )
    assert forwarded.status_code == 302
    # The Cabinet Member decides
    _login(client, decision_maker)
    page = client.get(f"/gates/requests/{request.pk}/")
    assert "Record the decision" in page.content.decode()
    decided = client.post(
        f"/gates/requests/{request.pk}/decide/",
        {
            "outcome": "approved",
            "released": f"{YEAR_1}: 60000",
            "decided_on": str(TODAY),
            "forward_plan_reference": "FP/200/01/24",
            "s151_officer": S151["s151_officer"],
            "s151_consulted_on": str(TODAY),
        },
    )
    assert decided.status_code == 302, decided.content.decode()[:3000]
    gated.refresh_from_db()
    assert gated.stage == "soc"
    decision = Decision.objects.get()
    log = client.get("/gates/decisions/").content.decode()
    assert "FP/200/01/24" in log and "£60,000" in log
    page = client.get(f"/gates/decisions/{decision.pk}/").content.decode()
    assert "(entry " in page and "Drawdown" in page and "Cabinet Member" in page


def test_a_form_refusal_shows_the_error_summary_and_saves_nothing(
    client, gated, reserve, board_member
):
    request = forwarded_request(gated)
    _login(client, board_member)
    before = state(gated)
    response = client.post(
        f"/gates/requests/{request.pk}/decide/",
        {"outcome": "approved_with_conditions", "decided_on": str(TODAY)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "at least one condition" in html
    assert state(gated) == before
    # Money beyond the board's authority is a 403 page
    response = client.post(
        f"/gates/requests/{request.pk}/decide/",
        {"outcome": "approved", "released": f"{YEAR_1}: 10", "decided_on": str(TODAY), **S151},
    )
    assert response.status_code == 403
    assert state(gated) == before


@pytest.mark.parametrize(
    "url",
    [
        "/gates/work-packages/{wp}/request/",
        "/gates/business-cases/{case}/edit/",
        "/gates/requests/{request}/decide/",
        "/gates/equality-assessments/new/",
    ],
)
def test_a_viewer_is_refused_every_form(client, gated, reserve, role_user, url):
    request = forwarded_request(gated)
    url = url.format(wp=gated.pk, case=request.business_case_id, request=request.pk)
    _login(client, role_user(Role.VIEWER))
    before = state(gated)
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "approved", "title": "x"}).status_code == 403
    assert state(gated) == before


def test_pmo_returns_a_request_with_comments_from_its_page(client, gated, pmo):
    from openpmo.gates.tests.conftest import ready_case

    case = ready_case(gated)
    request = services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    _login(client, pmo)
    missing = client.post(
        f"/gates/requests/{request.pk}/quality-assurance/", {"decision": "return", "comments": ""}
    )
    assert missing.status_code == 400 and "There is a problem" in missing.content.decode()
    returned = client.post(
        f"/gates/requests/{request.pk}/quality-assurance/",
        {"decision": "return", "comments": "Add the run costs"},
    )
    assert returned.status_code == 302
    request.refresh_from_db()
    assert request.status == "returned" and request.quality_comments == "Add the run costs"


def test_settings_page_lets_the_pmo_change_authority_and_checklists(client, gated, pmo, role_user):
    programme = gated.strand.pillar.programme
    _login(client, pmo)
    page = client.get(f"/gates/settings/?programme={programme.pk}").content.decode()
    assert "Decision maker" in page and "No limit" in page and "Discovery" in page
    client.post(
        f"/gates/settings/authority/?programme={programme.pk}",
        {"role": "Board member", "limit": "50000", "note": "Small drawdowns"},
    )
    assert programme.delegated_authorities.get(role="Board member").limit == 50000
    gate = gate_of(gated, "discovery")
    client.post(
        f"/gates/settings/gates/{gate.pk}/items/",
        {"text": "Data protection screening", "mandatory": "on"},
    )
    assert gate.checklist.filter(text="Data protection screening", mandatory=True).exists()
    item = gate.checklist.get(text="Data protection screening")
    client.post(f"/gates/settings/items/{item.pk}/toggle/")
    item.refresh_from_db()
    assert not item.mandatory
    assert AuditRecord.objects.filter(action="gate.checklist_item_updated").count() == 1
    _login(client, role_user(Role.BOARD_MEMBER))
    refused = client.post(
        f"/gates/settings/authority/?programme={programme.pk}",
        {"role": "Board member", "limit": "", "note": ""},
    )
    assert refused.status_code == 403
    assert programme.delegated_authorities.get(role="Board member").limit == 50000


def test_the_pipeline_shows_what_waits_where_for_how_much(client, gated, reserve, role_user):
    forwarded_request(gated, requested={YEAR_1: "123456.00"})
    _login(client, role_user(Role.VIEWER))
    response = client.get("/gates/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "£123,456" in html
    row = html.split('<th scope="row" class="govuk-table__header">Discovery</th>')[1]
    cells = [c.split("</td>")[0] for c in row.split('govuk-table__cell--numeric">')[1:5]]
    assert cells == ["0", "1", "0", "£123,456"]


@pytest.mark.parametrize(
    "url",
    [
        "/gates/",
        "/gates/decisions/",
        "/gates/actions/",
        "/gates/equality-assessments/",
        "/gates/work-packages/",
        "/api/decisions/",
        "/api/gate-requests/",
    ],
)
def test_lists_do_a_fixed_number_of_queries(client, gated, reserve, board_member, url):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    _login(client, board_member)

    def add_history():
        wp = WorkPackageFactory(strand=gated.strand, owner=gated.owner)
        request = forwarded_request(wp)
        services.decision_record(
            actor=board_member,
            gate_request=request,
            outcome="approved_with_conditions",
            conditions=[{"description": "c", "owner": gated.owner, "due_on": TODAY}],
        )
        forwarded_request(wp)
        assessment(gated.strand.pillar.programme, reference=f"E-{wp.pk}")

    add_history()
    client.get(url)
    cache.clear()  # the lists worked out afresh (they are kept under the latest audited write)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        add_history()
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_work_package_list_agrees_with_each_next_gate(client, gated, reserve, board_member):
    from openpmo.gates.selectors import gate_readiness, next_gate_for
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    other = WorkPackageFactory(strand=gated.strand, stage="obc")
    services.decision_record(
        actor=board_member, gate_request=forwarded_request(gated), outcome="approved"
    )
    forwarded_request(gated)
    rows = {row.work_package: row for row in gate_readiness(gated.strand.pillar.programme)}
    for wp in (gated, other):
        wp.refresh_from_db()
        assert rows[wp].next_gate == next_gate_for(wp)
    assert rows[gated].open_request is not None and rows[other].open_request is None
    _login(client, board_member)
    html = client.get("/gates/work-packages/").content.decode()
    assert "Strategic Outline Case" in html and "Outline Business Case" in html


def test_options_are_removed_from_a_draft_but_do_nothing_stays(client, gated):
    from openpmo.gates.tests.conftest import ready_case

    sponsor = gated.strand.pillar.sponsor
    case = ready_case(gated, actor=sponsor)
    extra = services.business_case_option_save(actor=sponsor, business_case=case, name="Buy")
    do_nothing = case.options.get(is_do_nothing=True)
    _login(client, sponsor)
    client.post(f"/gates/business-cases/{case.pk}/options/{extra.pk}/remove/")
    refused = client.post(
        f"/gates/business-cases/{case.pk}/options/{do_nothing.pk}/remove/", follow=True
    )
    assert "keeps its Do nothing option" in refused.content.decode()
    assert list(case.options.values_list("name", flat=True)) == ["Do nothing"]
