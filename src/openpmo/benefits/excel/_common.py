"""What the benefits workbooks share: the columns (one list for export and import, so an
exported register can be edited and imported back), number formats and sheet helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from openpmo.benefits.choices import Unit
from openpmo.common import spreadsheets

MAX_ROWS = 20_000
VALUE_FORMAT = "#,##0.00"
POUNDS_FORMAT = "£#,##0.00;[Red]-£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "mmm yyyy"
PERCENT_FORMAT = "0.0%"

# The register's columns: (heading, model field). The export and the import use the same ones,
# so an exported register can be edited and imported back.
REGISTER_COLUMNS = [
    ("Reference", "reference"),
    ("Title", "title"),
    ("Description", "description"),
    ("Category", "category"),
    ("Measure", "measure"),
    ("Unit", "unit"),
    ("Baseline value", "baseline_value"),
    ("Baseline date", "baseline_date"),
    ("Target", "target_value"),
    ("Target date", "target_date"),
    ("Owner", "owner"),
    ("Steady-state owner", "steady_state_owner"),
    ("Pillar", "pillar"),
    ("Work packages", "work_packages"),
    ("Strategic objective", "strategic_objective"),
    ("Confidence", "confidence"),
    ("Evidence required", "evidence_required"),
    ("Carbon scope", "carbon_scope"),
    ("Carbon method", "carbon_method"),
]
# Headings an import cannot do without (the others may be left out).
_REQUIRED = {
    "Reference",
    "Title",
    "Category",
    "Measure",
    "Unit",
    "Owner",
    "Pillar",
    "Month",
    "Value",
    "Evidence",
}
ACTUAL_COLUMNS = [
    ("Reference", "reference"),
    ("Month", "month"),
    ("Value", "value"),
    ("Evidence", "evidence"),
    ("Correction reason", "correction_reason"),
]


def _save(workbook: Workbook) -> bytes:
    return spreadsheets.xlsx_bytes(workbook)  # user text that looks like a formula stays text


def _header(sheet: Any, headings: Iterable[str]) -> None:
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"


def _widths(sheet: Any, widths: dict[int, int], default: int = 14) -> None:
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, default)


def _value_format(unit: str) -> str:
    return POUNDS_FORMAT if unit == Unit.POUNDS else VALUE_FORMAT
