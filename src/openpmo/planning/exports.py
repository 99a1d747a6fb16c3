"""A scenario as an Excel workbook: summary, selection, what is left out and why, comparison."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from openpmo.planning import selectors
from openpmo.planning.models import Scenario

MONEY_FORMAT = "£#,##0;[Red]-£#,##0"


def scenario_xlsx(scenario: Scenario) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    result = scenario.result
    rows: list[list[object]] = [
        ["Scenario", scenario.name],
        ["Programme", str(scenario.programme)],
        ["Objective", scenario.get_objective_display()],
        ["Status", scenario.get_status_display()],
        ["Value", result["value"]],
        ["Proven optimal", "yes" if result["optimal"] else f"within {result['gap']:.4%}"],
        [],
        ["Year", "Budget", "Selected cost", "Headroom"],
    ]
    for year, budget in scenario.inputs["budget"].items():
        rows.append(
            [
                year,
                Decimal(budget),
                Decimal(result["cost_by_year"][year]),
                Decimal(result["headroom_by_year"][year]),
            ]
        )
    _write(summary, rows)
    _write(
        workbook.create_sheet("Selected"),
        [["Work package", "Start"], *[[s["ref"], s["start"]] for s in result["selected"]]],
    )
    _write(
        workbook.create_sheet("Left out"),
        [["Work package", "Why"], *[[e["ref"], e["why"]] for e in result["excluded"]]],
    )
    columns = selectors.scenario_columns(scenario)
    years = list(scenario.inputs["budget"])
    comparison: list[list[object]] = [["", *[c["label"] for c in columns]]]
    for row in selectors.comparison_rows(columns, years):
        # Money stays Decimal (formatted in pounds); FTE, tonnes and counts are plain numbers.
        cells = [
            cell if row["money"] or not isinstance(cell, Decimal) else float(cell)
            for cell in row["cells"]
        ]
        comparison.append([row["label"], *cells])
    _write(workbook.create_sheet("Comparison"), comparison)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: object, rows: list[list[object]]) -> None:
    for row in rows:
        sheet.append(row)  # type: ignore[attr-defined]
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
