"""A report (or a live board pack preview) as a printable page, a PDF and an Excel workbook.

Everything is drawn from the snapshot and the report's own stored fields, never from live data,
so an approved report prints the same figures for ever.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from openpmo.common import spreadsheets
from openpmo.reports.choices import HIGHLIGHT_KINDS, ReportStatus
from openpmo.reports.models import Report
from openpmo.reports.templatetags.reports import RAG_LABELS

# -- what a copy says about the report ------------------------------------------------------------


def report_meta(report: Report | None, snapshot: dict[str, Any]) -> dict[str, Any]:
    """The fields around the figures: status, who approved, when the figures were taken."""
    taken = parse_datetime(snapshot.get("taken_at", "")) if snapshot.get("taken_at") else None
    if report is None:
        return {
            "kind": snapshot.get("kind"),
            "status_label": "Live preview – not a governed report (nobody has drafted it yet)",
            "taken_at": taken or timezone.now(),
            "live": True,
            "frozen": False,
            "is_highlight": False,
            "sha256": "",
        }
    return {
        "kind": report.kind,
        "status": report.status,
        "status_label": report.get_status_display(),
        "approved_at": report.approved_at,
        "decided_by": report.decided_by_name if report.approved_at else "",
        "taken_at": taken or report.snapshot_taken_at,
        "frozen": report.status == ReportStatus.APPROVED,
        "live": False,
        "sha256": report.snapshot_sha256,
        "illustrative": report.is_illustrative,
        "is_highlight": report.kind in HIGHLIGHT_KINDS,
        "overall_rag": report.overall_rag,
        "delivery_confidence": report.delivery_confidence,
        "confidence_reason": report.confidence_reason,
        "progress_this_period": report.progress_this_period,
        "next_period": report.next_period,
        "decisions_needed": report.decisions_needed,
        "narrative": report.narrative,
        "return_comments": report.return_comments,
    }


def print_html(snapshot: dict[str, Any], meta: dict[str, Any]) -> str:
    return render_to_string("reports/print.html", {"snapshot": snapshot, "meta": meta})


def pdf_bytes(snapshot: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """The print page through WeasyPrint: A4, page numbers, programme name, OFFICIAL marking."""
    from weasyprint import HTML

    return HTML(string=print_html(snapshot, meta)).write_pdf()


# -- Excel ---------------------------------------------------------------------------------------

FORMATS = {
    "money": '"£"#,##0.00;[Red]-"£"#,##0.00',
    "number": "#,##0.00",
    "int": "#,##0",
    "percent": "0.0%",
    "date": "d mmm yyyy",
    "month": "mmm yyyy",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def excel_value(value: Any, kind: str) -> Any:
    """A snapshot cell as Excel holds it: numbers as numbers, dates as dates, RAG as words."""
    if value is None or value == "":
        return None
    if kind in ("money", "number", "percent"):
        return Decimal(str(value))
    if kind == "int":
        return int(value)
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind == "month":
        return dt.date.fromisoformat(f"{value}-01")
    if kind == "rag":
        return RAG_LABELS.get(str(value), str(value))
    return str(value)


def _sheet_title(text: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", text)[:31].strip() or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _summary_rows(snapshot: dict[str, Any], meta: dict[str, Any]) -> list[tuple[str, Any]]:
    """The report's details, then its highlight fields or narrative, as (label, value)."""
    rows: list[tuple[str, Any]] = [
        ("Marking", "OFFICIAL"),
        ("Programme", snapshot["programme"]["name"]),
        ("Report", snapshot["title"]),
        ("Kind", snapshot["kind_label"]),
        ("Period", excel_value(snapshot["period"], "month")),
        ("Status", meta.get("status_label", "")),
        (
            "Approved",
            meta.get("approved_at").replace(tzinfo=None) if meta.get("approved_at") else None,
        ),
        ("Approved by", meta.get("decided_by", "")),
        ("Figures as at", snapshot.get("as_at_label") or snapshot.get("taken_at", "")),
        ("Figures taken", snapshot.get("taken_at", "")),
        ("Fingerprint (SHA-256)", meta.get("sha256", "")),
    ]
    if snapshot.get("pillar"):
        rows.insert(2, ("Pillar", snapshot["pillar"]["name"]))
    if snapshot.get("work_package"):
        wp = snapshot["work_package"]
        rows.insert(2, ("Work package", f"{wp['reference']} {wp['name']}"))
    if meta.get("is_highlight"):
        rows += [
            ("Overall RAG status", RAG_LABELS.get(meta.get("overall_rag") or "", "Not set")),
            (
                "Delivery confidence",
                (meta.get("delivery_confidence") or "").replace("_", "/").title(),
            ),
            ("Why", meta.get("confidence_reason", "")),
            ("Progress this period", meta.get("progress_this_period", "")),
            ("Planned for next period", meta.get("next_period", "")),
            ("Decisions needed", meta.get("decisions_needed", "")),
        ]
    elif meta.get("narrative"):
        rows.append(("Narrative", meta["narrative"]))
    return rows


def _summary_sheet(summary: Any, rows: list[tuple[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    for r, (label, value) in enumerate(rows, start=1):
        summary.cell(r, 1, label).font = bold
        target = summary.cell(r, 2, value)
        target.alignment = Alignment(wrap_text=True, vertical="top")
        if label == "Period":
            target.number_format = FORMATS["month"]
        if label == "Approved" and value is not None:
            target.number_format = "d mmm yyyy hh:mm"
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 100


def _section_sheet(sheet: Any, section: dict[str, Any]) -> None:
    """A section's title and note, then (when available) its facts and its tables, each with
    its chart beside it."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    sheet.cell(1, 1, section["title"]).font = Font(bold=True, size=14)
    row = 2
    if section.get("note"):
        sheet.cell(row, 1, section["note"])
        row += 1
    if not section.get("available"):
        return
    row += 1
    for f in section.get("facts", []):
        sheet.cell(row, 1, f["label"]).font = bold
        value_cell = sheet.cell(row, 2, excel_value(f["value"], f["type"]))
        if f["type"] in FORMATS:
            value_cell.number_format = FORMATS[f["type"]]
        row += 1
    charts_by_table = {c.get("table"): c for c in section.get("charts", [])}
    widths: dict[int, int] = {}
    for t in section.get("tables", []):
        row += 1
        sheet.cell(row, 1, t["caption"]).font = bold
        row += 1
        header_row = row
        row = _table_write(sheet, t, header_row, widths)
        chart = charts_by_table.get(t["key"])
        if chart and t["rows"]:
            _table_chart(sheet, chart, t, header_row, row)
        row += 1
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = max(width, 14)


def _table_write(sheet: Any, t: dict[str, Any], header_row: int, widths: dict[int, int]) -> int:
    """A table's header and rows from ``header_row``, widening ``widths`` to fit; the last row."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    row = header_row
    for c, col in enumerate(t["columns"], start=1):
        sheet.cell(row, c, col["label"]).font = bold
        widths[c] = max(widths.get(c, 10), min(len(col["label"]) + 2, 40))
    for values in t["rows"]:
        row += 1
        for c, (value, col) in enumerate(zip(values, t["columns"], strict=False), start=1):
            target = sheet.cell(row, c, excel_value(value, col["type"]))
            if col["type"] in FORMATS:
                target.number_format = FORMATS[col["type"]]
            if col["type"] == "text" and value:
                widths[c] = max(widths.get(c, 10), min(len(str(value)) + 2, 60))
    return row


def _table_chart(
    sheet: Any, chart: dict[str, Any], t: dict[str, Any], header_row: int, last: int
) -> None:
    """An Excel chart of the table (its data), to the right of it."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.utils import get_column_letter

    first = header_row + 1
    excel_chart = LineChart() if chart["kind"] == "line" else BarChart()
    if chart["kind"] == "stacked":
        excel_chart.grouping = "stacked"
        excel_chart.overlap = 100
    excel_chart.title = chart["title"]
    excel_chart.height, excel_chart.width = 8, 16
    for series_column in chart["series"]:
        data = Reference(sheet, min_col=series_column + 1, min_row=header_row, max_row=last)
        excel_chart.add_data(data, titles_from_data=True)
    excel_chart.set_categories(
        Reference(sheet, min_col=chart.get("x", 0) + 1, min_row=first, max_row=last)
    )
    anchor = f"{get_column_letter(len(t['columns']) + 2)}{header_row}"
    sheet.add_chart(excel_chart, anchor)


def xlsx_bytes(snapshot: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """One sheet for the report's details and narrative, then one sheet per section: its facts
    and tables with real numbers and number formats, and an Excel chart beside each charted
    table (the table is the chart's data)."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Report"
    used = {"report"}
    _summary_sheet(summary, _summary_rows(snapshot, meta))
    for section in snapshot.get("sections", []):
        _section_sheet(book.create_sheet(_sheet_title(section["title"], used)), section)
    return spreadsheets.xlsx_bytes(book)  # user text that looks like a formula stays text
