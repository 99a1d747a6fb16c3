"""The ETP demo as at 15 October 2024: the seed's scale, a story that lives on its date, the
report's figures as printed, people who can do the month, and pages that read at 200 rows."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.core.management import call_command

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits.models import BenefitActual
from openpmo.core.money import FinancialYear
from openpmo.delivery.models import ScheduleTask
from openpmo.demo import etp
from openpmo.demo.generate import work_packages as generated
from openpmo.demo.tests.conftest import AS_OF
from openpmo.demo.timeline import Timeline
from openpmo.finance import core_adapters
from openpmo.finance.models import Reserve, ReserveEntry
from openpmo.finance.selectors import programme_money
from openpmo.gates import services as gates
from openpmo.gates.models import BusinessCase, Decision, FundingRelease, GateRequest
from openpmo.gates.selectors import pipeline
from openpmo.portfolio.models import Pillar, Strand, WorkPackage
from openpmo.reports.models import Report
from openpmo.reports.selectors import reporting_calendar
from openpmo.resources.models import Demand, Person

MODELS = (
    User,
    WorkPackage,
    GateRequest,
    Decision,
    ReserveEntry,
    BenefitActual,
    Report,
    Demand,
    Person,
)


def _counts():
    achieved = ScheduleTask.objects.filter(achieved_on__isnull=False).count()
    counts = {model.__name__: model.objects.count() for model in (*MODELS, AuditRecord)}
    return {**counts, "achieved milestones": achieved}


def test_the_register_is_at_the_seeds_scale(demo):
    assert Pillar.objects.count() == 6
    assert Strand.objects.count() == 22
    assert Strand.objects.filter(is_illustrative=False).count() == 16  # the report names 16
    assert WorkPackage.objects.count() == 200
    assert not WorkPackage.objects.filter(is_illustrative=False).exists()
    stages = set(WorkPackage.objects.values_list("stage", flat=True))
    assert stages == {"discovery", "soc", "obc", "fbc", "delivery", "closure"}
    rags = set(WorkPackage.objects.values_list("rag_status", flat=True))
    assert {"green", "amber", "red"} <= rags
    # Generated from a fixed seed: the database holds exactly what the generator gives.
    specs = {s.reference: s for s in generated()}
    assert specs == {s.reference: s for s in generated()}
    assert set(WorkPackage.objects.values_list("reference", flat=True)) == set(specs)
    wp = WorkPackage.objects.get(reference="ETP-GIS-003")
    assert (wp.name, wp.owner.username) == (specs[wp.reference].name, specs[wp.reference].owner)


def test_the_people_fit_one_story(demo, demo_output):
    hannah = User.objects.get(username="wp-manager")
    daniel = User.objects.get(username="sponsor")
    pillars = set(hannah.owned_work_packages.values_list("strand__pillar__sponsor", flat=True))
    assert pillars == {daniel.pk} and hannah.owned_work_packages.count() >= 10
    signers = {u.username: u for u in User.objects.all() if u.has_usable_password()}
    pmo = [u for u in signers.values() if u.has_role(Role.PMO)]
    assert len(pmo) == 2  # one submits, the other approves
    for role in Role:
        assert any(u.has_role(role) for u in signers.values()), role
    assert signers["board-chair"].has_role(Role.BOARD_MEMBER)
    # make run prints each sign-in with a line on what to try
    for username in signers:
        assert re.search(
            rf"{username} .*\n\s+try: {re.escape(etp.TRY_FIRST[username])}", demo_output
        )


def test_the_story_sits_around_its_date(demo):
    t = Timeline(AS_OF)
    assert (demo.start_date, demo.end_date) == (dt.date(2023, 4, 1), dt.date(2026, 3, 31))
    # The reserve covers this year and the next, with money that can be released in each.
    reserve = Reserve.objects.get()
    result = core_adapters.reserve_result(reserve, reconcile=False)
    held = {y.year: -y.closing for y in result.years}
    assert held[t.this_year] > Decimal("1000000") and held[t.next_year] > Decimal("1000000")
    # Decided, returned, waiting and draft requests; none waiting more than two months.
    statuses = set(GateRequest.objects.values_list("status", flat=True))
    assert {"decided", "returned", "submitted", "forwarded"} <= statuses
    assert BusinessCase.objects.filter(status="draft").count() >= 2
    waiting = pipeline(demo, now=dt.datetime(2024, 10, 15, 12, tzinfo=dt.UTC))
    assert waiting.count >= 3
    assert all(0 <= r.waiting_days <= 60 for r in waiting.requests)
    # Benefit actuals run up to last month, not beyond.
    months = BenefitActual.objects.values_list("month", flat=True)
    assert max(months) == dt.date(2024, 9, 1)
    # Last month's reports: approved, one submitted, one draft; nothing overdue this month.
    last = reporting_calendar(demo, dt.date(2024, 9, 1), today=AS_OF)
    pillars = [i for i in last.items if i.kind == "pillar_highlight"]
    assert [i.status for i in pillars].count("approved") == 4
    assert {i.status for i in pillars} == {"approved", "submitted", "draft"}
    assert reporting_calendar(demo, dt.date(2024, 10, 1), today=AS_OF).overdue == 0


def test_the_reports_decision_stays_as_printed_and_every_drawdown_has_its_decision(demo):
    decision = Decision.objects.get(forward_plan_reference="FP/527/10/22")
    assert decision.decided_on == dt.date(2022, 11, 24) and not decision.is_illustrative
    assert decision.released_total == Decimal("2304000.00")
    printed = ReserveEntry.objects.filter(reason__icontains="core team", kind="drawdown")
    printed = printed.order_by("year")
    assert [e.amount for e in printed] == [Decimal(f"{k}000.00") for k in (369, 762, 777, 396)]
    # Table 2's arithmetic error is still found where the report makes it.
    errors = [
        (d.year, d.difference)
        for d in core_adapters.reserve_result(Reserve.objects.get()).discrepancies
        if d.kind == "error" and d.year == "2021/22"
    ]
    assert errors == [("2021/22", Decimal("-1000000"))]
    # Every drawdown, printed or illustrative, is linked to the decision that authorised it.
    drawdowns = ReserveEntry.objects.filter(kind="drawdown")
    linked = set(FundingRelease.objects.values_list("reserve_entry", flat=True))
    assert drawdowns.count() > 4 and set(drawdowns.values_list("pk", flat=True)) <= linked
    # and no work package has spent more than was released to it
    for node in programme_money(demo).pillars:
        for strand in node.children:
            for wp in strand.children:
                assert wp.money.actual <= wp.money.released, wp.name


def test_loading_again_adds_nothing(demo):
    before = _counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before
    assert "nothing to add" in out.getvalue() and "15 October 2024" in out.getvalue()


def test_the_cabinet_member_releases_money_today(demo):
    reserve = Reserve.objects.get()
    balance = reserve.balance
    request = GateRequest.objects.get(work_package__reference="ETP-DATA-001", status="forwarded")
    assert set(request.requested) == {"2024/25", "2025/26"}
    decision = gates.decision_record(
        actor=User.objects.get(username="decision-maker"),
        gate_request=request,
        outcome="approved",
        released=request.requested,
        forward_plan_reference="FP/123/10/24",
        s151_officer="Executive Director, Corporate Services",
        s151_consulted_on=dt.date(2024, 10, 10),
        decided_on=dt.date(2024, 10, 15),
    )
    reserve.refresh_from_db()
    assert reserve.balance == balance + Decimal("1550000.00")
    assert decision.stage_after == "delivery"


def test_the_dashboard_counts_agree_with_the_data(demo, client):
    client.force_login(User.objects.get(username="viewer"))
    html = client.get("/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "200 work packages" in text and "22 strands" in text and "6 pillars" in text
    money = programme_money(demo).total
    assert f"£{money.released:,.0f}" in text and f"£{money.actual:,.0f}" in text
    forwarded = GateRequest.objects.filter(status="forwarded").count()
    submitted = GateRequest.objects.filter(status="submitted").count()
    assert f"{submitted} with the PMO, {forwarded} for decision" in text
    for pillar in Pillar.objects.all():
        assert pillar.name in text


def test_the_register_sorts_filters_and_pages(demo, client):
    client.force_login(User.objects.get(username="viewer"))
    page = client.get("/work-packages/").content.decode()
    assert "Showing 1 to 50 of 200 work packages" in page and "Page 1 of 4" in page
    assert 'aria-sort="ascending"' in page
    top = client.get("/work-packages/?sort=budget&order=desc").content.decode()
    biggest = WorkPackage.objects.order_by("-budget_envelope", "reference").first()
    assert top.index(biggest.reference) < top.index("<tbody") + 400
    assert 'aria-sort="descending"' in top
    pillar = Pillar.objects.get(name="Platforms for Data")
    filtered = client.get(f"/work-packages/?pillar={pillar.pk}&stage=delivery").content.decode()
    count = WorkPackage.objects.filter(strand__pillar=pillar, stage="delivery").count()
    assert f"of {count} work package" in filtered and "Selected filters" in filtered
    last = client.get("/work-packages/?page=4").content.decode()
    assert "Showing 151 to 200 of 200" in last


def test_the_reserve_runs_on_past_table_2_whatever_the_date():
    from openpmo.demo.finance import last_year

    printed = FinancialYear.parse("2025/26")
    for day in (dt.date(2024, 10, 15), dt.date(2026, 12, 2), dt.date(2031, 2, 3)):
        t = Timeline(day)
        last = last_year(t, printed)
        assert last >= t.next_year and last >= FinancialYear.containing(t.end)
        assert t.start <= day <= t.end and (t.as_of - t.start).days > 500


def test_the_readme_counts_agree_with_the_data(demo):
    from pathlib import Path

    from django.conf import settings

    from openpmo.benefits.models import Benefit
    from openpmo.risks.models import RaidItem

    readme = " ".join((Path(settings.BASE_DIR) / "README.md").read_text().split())
    kinds = {k: RaidItem.objects.filter(kind=k).count() for k in ("risk", "issue", "assumption")}
    for claim in (
        f"{Strand.objects.count()} in all) and {WorkPackage.objects.count()} work packages",
        f"the {Strand.objects.filter(is_illustrative=False).count()} strands it names",
        f"{Benefit.objects.count()} benefits with actuals up to last month",
        f"{kinds['risk']} risks, {kinds['issue']} issues and {kinds['assumption']} assumptions",
    ):
        assert claim in readme, claim


def test_the_dashboard_shows_each_person_what_waits_for_them(demo, client):
    from openpmo.work import selectors as work_selectors

    # Given the demo's PMO officer, who has requests to quality-assure
    pmo = User.objects.get(username="pmo-officer")
    waiting = work_selectors.my_work(pmo)
    assert waiting, "the demo should leave the PMO something to do"
    # When they open the dashboard
    client.force_login(pmo)
    html = client.get("/").content.decode()
    # Then the panel lists their work, each item linking to where it is done
    assert "My work" in html
    assert waiting[0].url in html
