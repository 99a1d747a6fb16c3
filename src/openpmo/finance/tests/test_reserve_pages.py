"""The reserve ledger and reconciliation pages, as Finance and a Decision maker use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM
from openpmo.finance import services
from openpmo.finance.models import ReserveEntry
from openpmo.finance.tests.factories import decision_authority


def _state(reserve):
    reserve.refresh_from_db()
    return reserve.balance, ReserveEntry.objects.count(), AuditRecord.objects.count()


def test_the_ledger_prints_table_2_and_finds_its_error(finance_client, etp):
    plan, reserve = etp
    html = finance_client.get(reserve.get_absolute_url()).content.decode()
    # Balances in brackets in £'000, as the report prints them
    assert "(8,749)" in html and "(35,000)" in html and "28,414" in html
    # the 2021/22 balance printed as (11,640) that re-adds to (10,640): an error of £1m;
    row = html.split("2021/22</td>")[1].split("</tr>")[0]
    assert "(11,640)" in row and "(10,640)" in row and "Error" in row
    # §6.1.5's £2.279m against the £2.304m drawn: also an error;
    assert "as quoted in §6.1.5" in html
    # and the core team's drawdowns name the decision and the Cabinet Member that authorised them.
    assert "Authorised by" in html and "FP/527/10/22" in html and "(Decision maker)" in html


def test_reconciliation_page_lists_the_ledger_errors(finance_client, etp):
    html = finance_client.get("/finance/reconcile/").content.decode()
    assert html.count("govuk-tag--red") == 2
    assert "Current Planned Balance to support the ETP" in html


def test_an_uploaded_table_1_shows_rounding_only_and_saves_nothing(finance_client, etp):
    _, reserve = etp
    before = _state(reserve)
    path = Path(settings.BASE_DIR) / "examples" / "etp" / "table1.csv"
    upload = SimpleUploadedFile("table1.csv", path.read_bytes(), content_type="text/csv")
    response = finance_client.post("/finance/reconcile/", {"upload": upload})
    html = response.content.decode()
    assert response.status_code == 200
    tables = html.split("The table's totals")[1]
    assert "Rounding" in tables and "govuk-tag--red" not in tables
    assert _state(reserve) == before


def test_a_typed_table_with_an_error_is_listed(finance_client, db):
    text = "Line,2023/24,2024/25,Total\nA,10,20,30\nB,5,5,13\nTotal,15,25,43\n"
    html = finance_client.post("/finance/reconcile/", {"text": text}).content.decode()
    # B's total 13 against 10: more than a rounding unit of 1 for each of its 2 terms
    found = html.split("The table's totals")[1]
    assert found.count("govuk-tag--red") == 2 and "(3)" not in found and ">3<" in found


def test_a_malformed_table_names_its_row_and_column(finance_client, db):
    text = "Line,2023/24,Total\nA,ten,10\nTotal,10,10\n"
    response = finance_client.post("/finance/reconcile/", {"text": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "row 2, column &#x27;2023/24&#x27;" in html


def test_a_file_that_is_not_a_table_is_refused(finance_client, db):
    upload = SimpleUploadedFile("notes.xlsx", b"not a workbook")
    response = finance_client.post("/finance/reconcile/", {"upload": upload})
    assert response.status_code == 400
    assert "not an .xlsx workbook" in response.content.decode()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.DECISION_MAKER])
@pytest.mark.parametrize("kind", ["drawdown", "withdrawal"])
def test_money_out_on_the_ledger_form_is_refused_without_a_decision(
    client, role_user, etp, programme_tree, role, kind
):
    # Given the ledger form, when Finance (or even the Cabinet Member) takes £500,000 out there
    _, reserve = etp
    client.force_login(role_user(role))
    before = _state(reserve)
    response = client.post(
        f"/finance/reserves/{reserve.pk}/entries/new/",
        {
            "kind": kind,
            "year": "2024/25",
            "amount": "500000",
            "reason": "Urgent",
            "work_package": programme_tree.pk,
        },
    )
    # then it comes back to the form saying a decision draws money (§7.1), and nothing moved
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "Cabinet Member for Finance" in html
    assert _state(reserve) == before


def test_finance_records_a_return_of_unspent_funds_audited(finance_client, etp):
    _, reserve = etp
    response = finance_client.post(
        f"/finance/reserves/{reserve.pk}/entries/new/",
        {"kind": "return", "year": "2024/25", "amount": "1000", "reason": "Unspent"},
    )
    assert response.status_code == 302
    entry = ReserveEntry.objects.get(kind="return")
    assert AuditRecord.objects.for_object(entry).get().action == "reserve.return"


@pytest.mark.parametrize("role", [Role.PMO, Role.VIEWER, Role.BOARD_MEMBER, Role.PILLAR_SPONSOR])
def test_others_cannot_record_entries(client, role_user, etp, role):
    _, reserve = etp
    client.force_login(role_user(role))
    before = _state(reserve)
    url = f"/finance/reserves/{reserve.pk}/entries/new/"
    assert client.get(url).status_code == 403
    data = {"kind": "contribution", "year": "2023/24", "amount": "1", "reason": "x"}
    assert client.post(url, data).status_code == 403
    assert _state(reserve) == before
    assert "Record an entry" not in client.get(reserve.get_absolute_url()).content.decode()


def test_the_ledger_page_does_a_fixed_number_of_queries(
    finance_client, role_user, etp, programme_tree
):
    _, reserve = etp
    url = reserve.get_absolute_url()
    finance = role_user(Role.FINANCE)
    authority = decision_authority(role_user(Role.DECISION_MAKER))
    services.reserve_drawdown_record(
        actor=SYSTEM,
        authority=authority,
        reserve=reserve,
        year="2024/25",
        amount="10",
        work_package=programme_tree,
        reason="Stage",
    )
    finance_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert finance_client.get(url).status_code == 200
    for _ in range(5):
        services.reserve_contribution_record(
            actor=finance, reserve=reserve, year="2024/25", amount="1000", reason="More"
        )
        services.reserve_drawdown_record(
            actor=SYSTEM,
            authority=authority,
            reserve=reserve,
            year="2024/25",
            amount="10",
            work_package=programme_tree,
            reason="Stage",
        )
    with CaptureQueriesContext(connection) as many:
        assert finance_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_landing_page_links_to_everything(finance_client, etp):
    plan, reserve = etp
    html = finance_client.get("/finance/").content.decode()
    for href in (
        plan.get_absolute_url(),
        reserve.get_absolute_url(),
        "/finance/reconcile/",
        "/finance/appraisals/",
        "/finance/work-packages/",
    ):
        assert f'href="{href}"' in html
    assert 'href="/finance/"' in html  # in the site menu


def test_a_locked_database_is_a_refusal_on_the_page_and_the_api_never_a_500(
    finance_client, role_user, etp
):
    from unittest import mock

    from django.db import OperationalError
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    _, reserve = etp
    before = _state(reserve)
    data = {"kind": "drawdown", "year": "2023/24", "amount": "10", "reason": "x"}
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=role_user(Role.FINANCE))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with mock.patch(
        "openpmo.finance.services.reserve.lock_for_update",
        side_effect=OperationalError("database is locked"),
    ):
        page = finance_client.post(f"/finance/reserves/{reserve.pk}/entries/new/", data)
        response = api.post(f"/api/reserves/{reserve.pk}/entries/", data, format="json")
    assert page.status_code == 503 and "busy" in page.content.decode()
    assert response.status_code == 503 and "busy" in response.json()["detail"]
    assert _state(reserve) == before


def test_a_zip_bomb_uploaded_for_reconciliation_is_refused_with_a_message(
    client, role_user, xlsx_bomb
):
    client.force_login(role_user(Role.VIEWER))
    upload = SimpleUploadedFile("table.xlsx", xlsx_bomb)
    response = client.post("/finance/reconcile/", {"upload": upload})
    assert response.status_code == 400
    assert "packed" in response.content.decode()
