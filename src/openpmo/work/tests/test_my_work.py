"""My work lists what waits for each person, links to where to act, and never offers a person
their own submission to approve."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from openpmo.accounts.roles import Role
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile
from openpmo.gates import services as gate_services
from openpmo.gates.tests.conftest import ready_case
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.reports import services as report_services
from openpmo.reports.selectors import month_end
from openpmo.risks.tests.factories import RaidActionFactory as _RaidActionFactory
from openpmo.work.selectors import my_work

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def RaidActionFactory(**fields):  # noqa: N802 - reads as the factory it wraps
    return _RaidActionFactory(item__work_package=WorkPackageFactory(), **fields)


def _gates(items):
    return [(i.category, i.url) for i in items if i.key.startswith("gate_request:")]


def _submitted_by_sponsor(work_package):
    sponsor = work_package.strand.pillar.sponsor
    case = ready_case(work_package, actor=sponsor)
    return gate_services.gate_request_submit(
        actor=sponsor, work_package=work_package, gate=case.gate, business_case=case
    )


def test_pmo_is_asked_to_quality_assure_a_request_the_submitter_is_not(gated, pmo):
    # Given a gate request the pillar's sponsor submitted
    request = _submitted_by_sponsor(gated)

    # When the PMO and the sponsor open My work
    pmo_items = my_work(pmo)
    sponsor_items = my_work(gated.strand.pillar.sponsor)

    # Then the PMO is asked to quality-assure it, with a link to the quality assurance page
    assert _gates(pmo_items) == [
        ("Quality-assure", reverse("gates:request-quality-assure", args=[request.pk]))
    ]
    # And the sponsor, who submitted it, is not
    assert not [i for i in sponsor_items if i.key == f"gate_request:{request.pk}"]


def test_a_pmo_officer_who_submitted_a_request_is_not_offered_it(gated, role_user):
    # Given a PMO officer who submitted the request themselves, and a second PMO officer
    submitter = role_user(Role.PMO, username="pmo-submitter")
    other = role_user(Role.PMO, username="pmo-other")
    case = ready_case(gated, actor=submitter)
    gate_services.gate_request_submit(
        actor=submitter, work_package=gated, gate=case.gate, business_case=case
    )

    # Then only the other officer sees it to quality-assure
    assert _gates(my_work(submitter)) == []
    assert [c for c, _ in _gates(my_work(other))] == ["Quality-assure"]


def test_a_forwarded_request_waits_for_the_holder_of_delegated_authority(gated, pmo, authority):
    # Given a request the PMO has forwarded
    request = _submitted_by_sponsor(gated)
    gate_services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)

    # Then the decision maker is asked to decide it; the PMO's queue is empty again
    assert _gates(my_work(authority)) == [
        ("Decide", reverse("gates:request-decide", args=[request.pk]))
    ]
    assert _gates(my_work(pmo)) == []


def test_actions_overdue_or_due_within_14_days_are_listed_and_others_are_not(role_user):
    # Given four RAID actions of one owner and one of someone else
    owner = role_user(Role.WORK_PACKAGE_MANAGER)
    late = RaidActionFactory(owner=owner, due_on=TODAY - dt.timedelta(days=3))
    soon = RaidActionFactory(owner=owner, due_on=TODAY + dt.timedelta(days=14))
    RaidActionFactory(owner=owner, due_on=TODAY + dt.timedelta(days=15))
    RaidActionFactory(
        owner=owner, due_on=TODAY - dt.timedelta(days=1), status="done", completed_on=TODAY
    )
    RaidActionFactory(owner=role_user(Role.PMO), due_on=TODAY)

    # When the owner opens My work
    items = my_work(owner, today=TODAY)

    # Then the overdue one comes first, marked overdue, then the one due in 14 days
    assert [i.key for i in items] == [f"raid_action:{late.pk}", f"raid_action:{soon.pk}"]
    assert [i.overdue for i in items] == [True, False]
    assert items[0].url == reverse("risks:action-edit", args=[late.pk])


def test_a_missing_benefit_actual_is_due_from_its_owner(programme_tree, role_user):
    # Given a benefit planned for the last three months with only one actual recorded
    owner = role_user(Role.WORK_PACKAGE_MANAGER)
    benefit = BenefitFactory(owner=owner, pillar=programme_tree.strand.pillar)
    first = TODAY.replace(day=1)
    months = [(first - dt.timedelta(days=31 * n)).replace(day=1) for n in (3, 2, 1)]
    give_profile(benefit, {f"{m:%Y-%m}": "100" for m in months})
    give_actuals(benefit, {f"{months[0]:%Y-%m}": "90"})

    # When the owner opens My work
    items = my_work(owner, today=TODAY)

    # Then the two months without actuals are listed (the older one overdue), linking to entry
    keys = [i.key for i in items]
    assert keys == [f"benefit_actual:{benefit.pk}:{m:%Y-%m}" for m in months[1:]]
    assert items[0].overdue
    assert items[0].url == reverse("benefits:actual-record", args=[benefit.pk])


def test_last_months_highlight_report_is_to_write_then_to_approve_by_someone_else(
    programme_tree, role_user
):
    # Given the 5th of a month: last month's reports fall due on the 10th
    today = TODAY.replace(day=5)
    period = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    pmo = role_user(Role.PMO, username="pmo-reports")
    sponsor = programme_tree.strand.pillar.sponsor

    # Then the sponsor is asked to write the pillar's highlight report
    writing = [i for i in my_work(sponsor, today=today) if i.category == "Write"]
    assert [i.title.startswith("Highlight report") for i in writing] == [True]
    assert writing[0].due == month_end(period) + dt.timedelta(days=10)

    # When the sponsor writes and submits it
    report = report_services.report_create(
        actor=sponsor,
        kind="pillar_highlight",
        programme=programme_tree.strand.pillar.programme,
        period=period,
        pillar=programme_tree.strand.pillar,
        overall_rag="green",
        progress_this_period="Done",
        next_period="More",
    )
    report_services.report_submit(actor=sponsor, report=report)

    # Then the PMO is asked to approve it and the sponsor (its submitter) is not
    assert "Approve" in [i.category for i in my_work(pmo, today=today)]
    assert "Approve" not in [i.category for i in my_work(sponsor, today=today)]
    assert "Write" not in [i.category for i in my_work(sponsor, today=today)]


def test_the_page_the_api_and_the_header_count_show_the_same_work(client, role_user):
    # Given an owner with one overdue action
    owner = role_user(Role.WORK_PACKAGE_MANAGER)
    action = RaidActionFactory(
        owner=owner, due_on=TODAY - dt.timedelta(days=2), description="Send the DPIA to legal"
    )
    client.force_login(owner)

    # When they open My work and its API
    page = client.get("/my-work/")
    api = client.get("/api/my-work/").json()

    # Then both list the action, linking to where it is done, and the header shows 1
    assert page.status_code == 200
    html = page.content.decode()
    assert "Send the DPIA to legal" in html
    assert reverse("risks:action-edit", args=[action.pk]) in html
    assert 'aria-label="1 items"' in html
    assert api["count"] == 1 and api["overdue"] == 1
    assert api["results"][0]["url"] == reverse("risks:action-edit", args=[action.pk])


def test_the_dashboard_panel_renders_the_items_it_is_given(role_user, rf):
    from django.template.loader import render_to_string

    owner = role_user(Role.WORK_PACKAGE_MANAGER)
    RaidActionFactory(owner=owner, due_on=TODAY, description="Book the workshop")
    html = render_to_string("work/_panel.html", {"items": my_work(owner)})
    assert "Book the workshop" in html and "All my work" in html
