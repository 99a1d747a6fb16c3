"""Work package money: spend entered or imported (nothing saved on any error), released money,
forecast and variance, rolled up to strand, pillar and programme."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openpmo.accounts.roles import Role
from openpmo.accounts.tests.factories import UserFactory
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.core.money import FinancialYear
from openpmo.finance import selectors, services
from openpmo.finance.models import WorkPackageSpend
from openpmo.finance.tests.factories import ReserveFactory, decision_authority
from openpmo.portfolio.tests.factories import WorkPackageFactory


@pytest.fixture
def finance(role_user):
    return role_user(Role.FINANCE)


def _rows(text):
    return [line.split(",") for line in text.strip().splitlines()]


def test_an_export_is_imported_adding_postings_of_the_same_month(finance, programme_tree):
    ref = programme_tree.reference
    rows = _rows(
        f"Project code,Period,Cap/Rev,Net amount\n{ref},2023-04,capital,100.10\n"
        f"{ref},2023-04,capital,50\n{ref},2023-05,rev,(20)\n"
    )
    assert services.spend_import(actor=finance, rows=rows) == 2
    spend = {(s.month.month, s.spend_type): s.amount for s in WorkPackageSpend.objects.all()}
    assert spend == {(4, "capital"): Decimal("150.10"), (5, "revenue"): Decimal("-20.00")}
    assert AuditRecord.objects.filter(action="spend.imported").count() == 2
    # Importing the same export again replaces the months: nothing doubles, nothing re-audited.
    services.spend_import(actor=finance, rows=rows)
    assert WorkPackageSpend.objects.count() == 2
    assert AuditRecord.objects.filter(action="spend.imported").count() == 2


def test_an_export_with_any_bad_row_imports_nothing_and_names_each_row(finance, programme_tree):
    ref = programme_tree.reference
    rows = _rows(
        f"work package,month,type,amount\n{ref},2023-04,capital,10\nNOPE-1,2023-04,capital,10\n"
        f"{ref},April,capital,10\n{ref},2023-06,sundry,ten\n"
    )
    with pytest.raises(ValidationError) as error:
        services.spend_import(actor=finance, rows=rows)
    messages = error.value.messages
    assert messages[0].startswith("Row 3: no work package with reference 'NOPE-1'")
    assert messages[1].startswith("Row 4:") and "'April' is not a month" in messages[1]
    assert messages[2].startswith("Row 5:") and "sundry" in messages[2] and "'ten'" in messages[2]
    assert not WorkPackageSpend.objects.exists() and not AuditRecord.objects.exists()


def test_an_export_without_the_columns_is_refused(finance, db):
    with pytest.raises(ValidationError, match="no column for amount"):
        services.spend_import(
            actor=finance, rows=[["work package", "month", "type"], ["a", "b", "c"]]
        )


def test_the_import_page_lists_row_errors_and_saves_nothing(client, finance, programme_tree):
    client.force_login(finance)
    body = f"work package,month,type,amount\n{programme_tree.reference},2023-13,capital,1\n"
    upload = SimpleUploadedFile("export.csv", body.encode())
    response = client.post("/finance/spend/import/", {"upload": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 2:" in html and "nothing was imported" in html
    assert not WorkPackageSpend.objects.exists()


@pytest.mark.parametrize("role", [Role.PMO, Role.VIEWER, Role.WORK_PACKAGE_MANAGER])
def test_only_finance_records_actual_spend(role_user, programme_tree, role):
    with pytest.raises(PermissionDenied):
        services.spend_record(
            actor=role_user(role),
            work_package=programme_tree,
            month="2023-04",
            spend_type="capital",
            amount="1",
        )
    assert not WorkPackageSpend.objects.exists() and not AuditRecord.objects.exists()


def test_the_owner_forecasts_their_work_package_but_not_others(programme_tree):
    owner = programme_tree.owner
    services.forecast_record(
        actor=owner, work_package=programme_tree, year="2024/25", spend_type="revenue", amount="10"
    )
    with pytest.raises(PermissionDenied):
        services.forecast_record(
            actor=owner,
            work_package=WorkPackageFactory(),
            year="2024/25",
            spend_type="revenue",
            amount="10",
        )
    assert AuditRecord.objects.filter(action="forecast.recorded").count() == 1


def test_money_rolls_up_from_work_packages_to_the_programme(finance, programme_tree):
    # Given two work packages in one strand and a third in another pillar of the same programme
    wp1 = programme_tree
    wp2 = WorkPackageFactory(strand=wp1.strand, budget_envelope=Decimal("50000"))
    wp3 = WorkPackageFactory(
        strand__pillar__programme=wp1.strand.pillar.programme, budget_envelope=None
    )
    reserve = ReserveFactory(programme=wp1.strand.pillar.programme, opening_balance=Decimal("-1e6"))
    services.reserve_drawdown_record(
        actor=SYSTEM,
        authority=decision_authority(UserFactory(roles=[Role.DECISION_MAKER])),
        reserve=reserve,
        year="2023/24",
        amount="40000",
        work_package=wp1,
        reason="SOC",
    )
    services.reserve_return_record(
        actor=finance,
        reserve=reserve,
        year="2024/25",
        amount="5000",
        work_package=wp1,
        reason="Unspent",
    )
    services.spend_record(
        actor=finance, work_package=wp1, month="2024-03", spend_type="capital", amount="30000"
    )
    services.spend_record(
        actor=finance, work_package=wp1, month="2024-04", spend_type="revenue", amount="2000"
    )
    services.spend_record(
        actor=finance, work_package=wp2, month="2024-04", spend_type="capital", amount="60000"
    )
    services.forecast_record(
        actor=finance, work_package=wp3, year="2025/26", spend_type="revenue", amount="7000"
    )
    for finished in (wp1, wp2):  # nothing more to spend: a forecast of £0, not a missing one
        services.forecast_record(
            actor=finance, work_package=finished, year="2025/26", spend_type="revenue", amount="0"
        )
    view = selectors.programme_money(wp1.strand.pillar.programme)
    # then each work package, strand, pillar and the programme add up,
    assert selectors.work_package_released(wp1) == Decimal("35000")
    assert view.total.budget == Decimal("150000") and view.total.unbudgeted == 1
    assert view.total.released == Decimal("35000")
    assert view.total.actual == Decimal("92000") and view.total.forecast == Decimal("7000")
    assert view.total.variance == Decimal("51000")
    strand = next(s for p in view.pillars for s in p.children if s.obj == wp1.strand)
    assert strand.money.actual == Decimal("92000") and strand.money.variance == Decimal("58000")
    # and by financial year with capital and revenue apart (March 2024 is 2023/24).
    rows = {row["year"]: row for row in view.by_year.rows()}
    assert rows["2023/24"]["capital_actual"] == Decimal("30000")
    assert rows["2024/25"]["capital_actual"] == Decimal("60000")
    assert rows["2024/25"]["revenue_actual"] == Decimal("2000")
    assert rows["2025/26"]["revenue_forecast"] == Decimal("7000")


def test_the_money_pages_show_figures_and_do_fixed_queries(client, finance, programme_tree):
    client.force_login(finance)
    wp = programme_tree
    services.spend_record(
        actor=finance, work_package=wp, month="2024-03", spend_type="capital", amount="30000"
    )
    services.forecast_record(
        actor=finance, work_package=wp, year="2024/25", spend_type="capital", amount="0"
    )
    page = client.get(f"/finance/work-packages/{wp.pk}/").content.decode()
    assert "£30,000" in page and "£70,000" in page  # actual, and variance against £100,000
    client.get("/finance/work-packages/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/finance/work-packages/").status_code == 200
    for other in WorkPackageFactory.create_batch(6, strand=wp.strand):
        services.spend_record(
            actor=finance, work_package=other, month="2024-05", spend_type="revenue", amount="5"
        )
        services.forecast_record(
            actor=finance, work_package=other, year="2025/26", spend_type="capital", amount="5"
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/finance/work-packages/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_spend_entered_on_the_page_comes_back_on_error(client, finance, programme_tree):
    client.force_login(finance)
    url = f"/finance/work-packages/{programme_tree.pk}/"
    bad = client.post(
        url,
        {
            "form": "spend",
            "spend-month": "soon",
            "spend-spend_type": "capital",
            "spend-amount": "5",
        },
    )
    assert bad.status_code == 400 and "is not a month" in bad.content.decode()
    assert not WorkPackageSpend.objects.exists()
    ok = client.post(
        url,
        {
            "form": "spend",
            "spend-month": "2023-07",
            "spend-spend_type": "capital",
            "spend-amount": "5",
        },
    )
    assert ok.status_code == 302 and WorkPackageSpend.objects.get().amount == 5


def test_a_work_package_with_no_forecast_is_listed_and_left_out_of_the_variance(
    client, finance, programme_tree
):
    # Given two packages of £100,000 and £50,000: one forecasts £20,000 more on £30,000 spent,
    # the other has spent £10,000 and has no forecast at all
    wp1 = programme_tree
    wp2 = WorkPackageFactory(strand=wp1.strand, budget_envelope=Decimal("50000"))
    for wp, spent in ((wp1, "30000"), (wp2, "10000")):
        services.spend_record(
            actor=finance, work_package=wp, month="2024-03", spend_type="capital", amount=spent
        )
    services.forecast_record(
        actor=finance, work_package=wp1, year="2024/25", spend_type="capital", amount="20000"
    )
    view = selectors.programme_money(wp1.strand.pillar.programme)
    # then the variance is wp1's alone (£100,000 less £50,000), never £50,000 less £10,000 too,
    assert view.total.variance == Decimal("50000")
    assert view.total.forecast_at_completion == Decimal("50000")
    assert view.total.unforecast == 1
    # the package without a forecast is listed, with no forecast and no variance of its own,
    assert [node.obj for node in view.without_forecast] == [wp2]
    assert view.without_forecast[0].money.variance is None
    # and the money page says so.
    client.force_login(finance)
    page = client.get("/finance/work-packages/").content.decode()
    assert "No forecast" in page and wp2.reference in page
    assert "left out of the variance" in page
    wp_page = client.get(f"/finance/work-packages/{wp2.pk}/").content.decode()
    assert "No forecast" in wp_page


def test_money_held_today_is_the_balance_of_this_year_not_the_last_years_closing(
    client, finance, db
):
    # Given a reserve of £100,000 over this financial year and the next, with £20,000 paid in
    # this year and £500,000 planned for next year
    this_year = FinancialYear.containing(timezone.localdate())
    next_year = FinancialYear(this_year.start_year + 1)
    reserve = ReserveFactory(first_year=str(this_year), last_year=str(next_year))
    for year, amount in ((this_year, "20000"), (next_year, "500000")):
        services.reserve_contribution_record(
            actor=finance, reserve=reserve, year=str(year), amount=amount, reason="MTFS"
        )
    view = selectors.reserve_ledger_view(reserve, as_at=timezone.localdate())
    # then the money held today is this year's balance, £120,000, not next year's £620,000,
    assert view.held == Decimal("120000")
    assert -view.result.years[-1].closing == Decimal("620000")
    # and the finance page and the reserve's page show both, apart.
    client.force_login(finance)
    for url in ("/finance/", reserve.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f"Money held on {timezone.localdate():%-d %B %Y}" in page
        assert "£120,000" in page and "620,000" in page
