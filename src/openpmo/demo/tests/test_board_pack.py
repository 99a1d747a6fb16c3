"""On the ETP demo data: a month's investment board pack as a page, a PDF and a workbook, whose
figures are the live figures when it was approved and stay so when the live data changes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from openpmo.accounts.models import User
from openpmo.finance.selectors import programme_money
from openpmo.portfolio import services as portfolio
from openpmo.portfolio.models import WorkPackage
from openpmo.reports import services
from openpmo.reports.models import Report
from openpmo.reports.services import report_pdf_render
from openpmo.reports.snapshots import build_snapshot, section_of

MARCH = dt.date(2024, 9, 1)  # last month, as at the demo's 15 October 2024


def _fact(snapshot: dict, section: str, label: str):
    return next(f["value"] for f in section_of(snapshot, section)["facts"] if f["label"] == label)


def _squash(text: str) -> str:
    return "".join(text.split())


def _sheet_value(book, sheet: str, label: str):
    for row in book[sheet].iter_rows():
        if row[0].value == label:
            return row[1]
    raise AssertionError(f"{label} not on {sheet}")


def test_the_board_pack_is_frozen_at_approval_and_prints_as_page_pdf_and_workbook(demo, tmp_path):
    assert Report.objects.filter(status="approved", is_illustrative=True).count() >= 20
    programme = demo

    # Given last month's board pack, drafted and submitted by the PMO Manager
    assert not Report.objects.filter(kind="board_pack", period=MARCH).exists()
    pmo, chair = User.objects.get(username="pmo"), User.objects.get(username="board-chair")
    pack = services.report_create(
        actor=pmo, kind="board_pack", programme=programme, period=MARCH, narrative="For the board."
    )
    services.report_submit(actor=pmo, report=pack)
    # when the board's chair approves it (the PMO Manager, who submitted it, may not)
    pack = services.report_approve(actor=chair, report=pack)
    live = build_snapshot(kind="board_pack", programme=programme, period=MARCH)
    # then every module has its section (all of them exist in the demo)
    assert [s["key"] for s in pack.snapshot["sections"] if not s["available"]] == []
    assert {t["key"] for t in section_of(pack.snapshot, "finance")["tables"]} == {
        "money",
        "by_year",
        "beyond_released",
        "no_forecast",
    }
    # (each package flagged as spending beyond its releases shows by how much)
    beyond = next(
        t for t in section_of(pack.snapshot, "finance")["tables"] if t["key"] == "beyond_released"
    )
    for _name, released, spent, over in beyond["rows"]:
        assert Decimal(over) == Decimal(spent) - Decimal(released) > 0
    assert pack.snapshot["as_at_label"] == "30 September 2024"
    # and every section's figures are the live figures at that moment
    assert pack.snapshot["sections"] == live["sections"]
    money = programme_money(programme).total
    assert _fact(pack.snapshot, "finance", "Budget") == str(money.budget.quantize(Decimal("0.01")))
    assert _fact(pack.snapshot, "finance", "Spent to date") == str(
        money.actual.quantize(Decimal("0.01"))
    )
    pillars = section_of(pack.snapshot, "pillar_summaries")
    assert _fact(pack.snapshot, "pillar_summaries", "Approved highlight reports") == 4
    assert {r[2] for r in pillars["tables"][0]["rows"]} == {
        "Approved (frozen)",
        "Submitted for approval",
        "Draft",
    }
    budget = Decimal(_fact(pack.snapshot, "finance", "Budget"))
    # a pillar's report carries each work package's next gate (from the gates module)
    pillar_report = Report.objects.filter(kind="pillar_highlight", period=MARCH).first()
    decisions = section_of(pillar_report.snapshot, "decisions")
    assert "next_gates" in {t["key"] for t in decisions["tables"]}

    # When the live data changes afterwards
    wp = WorkPackage.objects.get(reference="ETP-DATA-001")
    portfolio.work_package_update(
        actor=pmo, work_package=wp, budget_envelope=wp.budget_envelope + 1_000_000, rag_status="red"
    )
    assert programme_money(programme).total.budget == budget + 1_000_000

    api = APIClient()
    api.force_authenticate(User.objects.get(username="viewer"))
    url = "/api/reports/board-pack/"
    # then the page still prints the approved figures, with its marking and charts beside tables
    page = api.get(url, {"period": "2024-09", "format": "html"})
    assert page.status_code == 200 and page["X-Report-Status"] == "approved"
    html = page.content.decode()
    assert f"£{budget:,.0f}" in html and f"£{budget + 1_000_000:,.0f}" not in html
    assert "OFFICIAL" in html and programme.name in html
    # RAG trend, benefits curve, reserve balance by year, and capacity against demand (the demo
    # has a resource pool and demand)
    assert html.count("<svg") == 4
    assert html.count('class="openpmo-chart-with-table"') == 4
    assert "In-house demand and capacity by month" in html
    risks = section_of(pack.snapshot, "risks")
    if risks["available"]:  # the RAID register's top items, when the risks module has them
        assert risks["tables"][0]["rows"][0][0] in html
    else:
        assert risks["note"] in html

    # the workbook: one sheet per section, real numbers with number formats
    workbook = api.get(url, {"period": "2024-09", "format": "xlsx"})
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[:4] == ["Report", "Programme summary", "RAG trend", "Pillar summaries"]
    assert "Finance" in book.sheetnames and "Reserve position and drawdowns" in book.sheetnames
    cell = _sheet_value(book, "Finance", "Budget")
    assert cell.value == budget and cell.number_format.startswith('"£"#,##0.00')
    assert _sheet_value(book, "Report", "Status").value == "Approved (frozen)"
    assert _sheet_value(book, "Report", "Fingerprint (SHA-256)").value == pack.snapshot_sha256

    # the PDF: several A4 pages, text extractable, page numbers, programme name and marking
    # prepared by the background worker: the pack's address renders none in the request
    assert api.get(url, {"period": "2024-09", "format": "pdf"}).status_code == 409
    asked = api.post("/api/reports/pdfs/", {"report": pack.pk}, format="json")
    assert asked.status_code == 202, asked.content
    report_pdf_render(asked.json()["id"])  # what the worker does with the queued task
    status = api.get(asked.json()["url"]).json()
    assert status["status"] == "ready" and status["fingerprint"] == pack.snapshot_sha256
    pdf = api.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # once rendered, the approved pack's address serves the same stored bytes
    assert api.get(url, {"period": "2024-09", "format": "pdf"}).content == pdf.content
    reader = PdfReader(io.BytesIO(pdf.content))
    pages = len(reader.pages)
    assert pages >= 5
    # (compared without spaces: text extraction may split a kerned word, "T echnology")
    first, last = (_squash(reader.pages[i].extract_text()) for i in (0, -1))
    assert "OFFICIAL" in first and _squash(programme.name) in first
    assert f"Page1of{pages}" in first and f"Page{pages}of{pages}" in last
    text = _squash("".join(p.extract_text() for p in reader.pages))
    assert f"£{budget:,.0f}" in text and "Benefitscurve" in text

    # LibreOffice opens the workbook too, when it is installed
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        source = tmp_path / "pack.xlsx"
        source.write_bytes(workbook.content)
        subprocess.run(  # noqa: S603 (fixed arguments, our own file)
            [soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert (tmp_path / "pack.csv").read_text().startswith("Marking,OFFICIAL")

    # and the stored snapshot is byte for byte what was approved
    assert Report.objects.get(pk=pack.pk).snapshot == pack.snapshot
    # and the live preview of the same month has not moved either: its figures are as at the
    # end of March 2024, before the change
    again = build_snapshot(kind="board_pack", programme=programme, period=MARCH)
    assert Decimal(_fact(again, "finance", "Budget")) == budget
