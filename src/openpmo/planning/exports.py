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
    comparison.append(["Work packages", *[c["count"] for c in columns]])
    comparison.append(["Value", *[float(c["value"]) for c in columns]])
    for year in years:
        comparison.append([f"Cost {year}", *[c["cost"][year] for c in columns]])
    for year in years:
        comparison.append([f"Headroom {year}", *[c["headroom"][year] for c in columns]])
    comparison.append(["NPSV (3.5%)", *[c["npsv"] for c in columns]])
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
