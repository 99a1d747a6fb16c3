"""Exports of the register, the profiles and the tracker: real numbers and dates with number
formats (not text), so a finance officer can add them up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from openpmo.benefits import selectors
from openpmo.benefits.excel._common import (
    DATE_FORMAT,
    MONTH_FORMAT,
    PERCENT_FORMAT,
    POUNDS_FORMAT,
    REGISTER_COLUMNS,
    _header,
    _save,
    _value_format,
    _widths,
)
from openpmo.benefits.models import BenefitProfile, ProfileMonth
from openpmo.core.benefits import Month
from openpmo.portfolio.models import Programme


def register_workbook(programme: Programme) -> bytes:
    """The register, one benefit a row, in the columns the import reads."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Benefits"
    _header(sheet, [heading for heading, _name in REGISTER_COLUMNS] + ["Illustrative"])
    for benefit in selectors.benefit_list(programme=programme).order_by("reference"):
        row = [
            benefit.reference,
            benefit.title,
            benefit.description,
            benefit.get_category_display(),
            benefit.measure,
            benefit.unit,
            benefit.baseline_value,
            benefit.baseline_date,
            benefit.target_value,
            benefit.target_date,
            benefit.owner.username,
            benefit.steady_state_owner.username if benefit.steady_state_owner else None,
            benefit.pillar.name,
            ", ".join(sorted(wp.reference for wp in benefit.work_packages.all())),
            benefit.strategic_objective.title if benefit.strategic_objective else None,
            benefit.get_confidence_display(),
            benefit.evidence_required,
            benefit.carbon_scope or None,
            benefit.carbon_method or None,
            "yes" if benefit.is_illustrative else "no",
        ]
        sheet.append(row)
        line = sheet.max_row
        for column in (7, 9):
            sheet.cell(line, column).number_format = _value_format(benefit.unit)
        for column in (8, 10):
            sheet.cell(line, column).number_format = DATE_FORMAT
    _widths(sheet, {1: 16, 2: 40, 3: 50, 5: 30, 13: 28, 14: 30, 15: 36, 17: 40, 19: 40})
    return _save(workbook)


def profiles_workbook(programme: Programme) -> bytes:
    """Every version of every profile, a row each, months across (current and original)."""
    profiles = list(
        BenefitProfile.objects.filter(benefit__pillar__programme=programme)
        .select_related("benefit", "created_by")
        .order_by("benefit__reference", "number")
    )
    values: dict[int, dict[Month, Decimal]] = {}
    for profile_id, day, value in ProfileMonth.objects.filter(
        profile__benefit__pillar__programme=programme
    ).values_list("profile_id", "month", "value"):
        values.setdefault(profile_id, {})[Month.of(day)] = value
    months = sorted({m for series in values.values() for m in series})
    span = list(Month.span(months[0], months[-1])) if months else []
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Profiles"
    fixed = ["Reference", "Title", "Unit", "Version", "Current", "Method", "Reason", "Total"]
    _header(sheet, fixed + [m.first_day for m in span])
    for index in range(len(span)):
        sheet.cell(1, len(fixed) + 1 + index).number_format = MONTH_FORMAT
    for profile in profiles:
        series = values.get(profile.pk, {})
        sheet.append(
            [
                profile.benefit.reference,
                profile.benefit.title,
                profile.benefit.unit,
                profile.number,
                "current"
                if profile.is_current
                else ("original" if profile.number == 1 else "superseded"),
                profile.get_method_display(),
                profile.reason,
                sum(series.values(), Decimal(0)),
                *[series.get(m) for m in span],
            ]
        )
        line = sheet.max_row
        number_format = _value_format(profile.benefit.unit)
        for column in range(len(fixed), len(fixed) + len(span) + 1):
            sheet.cell(line, column).number_format = number_format
    _widths(sheet, {1: 16, 2: 36, 6: 24, 7: 30}, default=12)
    return _save(workbook)


def _tracker_benefits_sheet(sheet: Any, view: selectors.Tracker) -> None:
    """One row per benefit: its position in the month, its RAG and any shortfall explanation."""
    _header(
        sheet,
        [
            "Reference",
            "Title",
            "Pillar",
            "Work packages",
            "Category",
            "Unit",
            "Planned in month",
            "Actual in month",
            "In-month actual",
            "Planned cumulative",
            "Actual cumulative",
            "Variance (net)",
            "Variance %",
            "RAG",
            "Missing months",
            "Late months",
            "Shortfall explanation",
        ],
    )
    for line in view.benefits:
        p = line.position
        sheet.append(
            [
                line.benefit.reference,
                line.benefit.title,
                line.benefit.pillar.name,
                ", ".join(line.work_packages),
                line.benefit.get_category_display(),
                p.unit,
                p.planned_in_month,
                p.actual_in_month,
                line.in_month_state,
                p.planned_cumulative,
                p.actual_cumulative,
                p.variance,
                None if p.variance_percent is None else p.variance_percent / 100,
                p.rag.value.title() if p.rag else "",
                ", ".join(str(m) for m in p.missing_months),
                ", ".join(str(m) for m in p.late_months),
                line.explanation.explanation
                if line.explanation
                else ("required" if line.needs_explanation else ""),
            ]
        )
        row = sheet.max_row
        for column in (7, 8, 10, 11, 12):
            sheet.cell(row, column).number_format = _value_format(p.unit)
        sheet.cell(row, 13).number_format = PERCENT_FORMAT
    _widths(sheet, {1: 16, 2: 36, 3: 26, 4: 24, 15: 30, 16: 30, 17: 50})


def _tracker_curve_sheet(curve: Any, view: selectors.Tracker) -> None:
    """The data of the cumulative chart (actuals only to the month shown)."""
    _header(curve, ["Month", "Planned cumulative (£, net)", "Actual cumulative (£, net)"])
    for point in view.curve:
        curve.append(
            [
                point.month.first_day,
                point.planned_cumulative,
                point.actual_cumulative if point.month <= view.as_of else None,
            ]
        )
        row = curve.max_row
        curve.cell(row, 1).number_format = MONTH_FORMAT
        curve.cell(row, 2).number_format = POUNDS_FORMAT
        curve.cell(row, 3).number_format = POUNDS_FORMAT
    _widths(curve, {1: 12}, default=26)


def _tracker_savings_sheet(savings: Any, view: selectors.Tracker) -> None:
    """Cashable savings by financial year against the MTFS line."""
    _header(
        savings,
        [
            "Financial year",
            "MTFS savings line",
            "Cashable planned",
            "Cashable realised",
            "Realised less MTFS",
            "Year complete",
        ],
    )
    for year in view.savings:
        savings.append(
            [
                str(year.year),
                year.mtfs,
                year.planned,
                year.realised,
                year.against_mtfs,
                "yes" if year.complete else "no",
            ]
        )
        for column in range(2, 6):
            savings.cell(savings.max_row, column).number_format = POUNDS_FORMAT
    _widths(savings, {}, default=20)


def _tracker_about_sheet(about: Any, view: selectors.Tracker) -> None:
    """What the tracker is of, its thresholds and its totals to date."""
    about.append(["Programme", str(view.programme)])
    about.append(["As of", view.as_of.first_day])
    about.cell(2, 2).number_format = MONTH_FORMAT
    about.append(["Green from", float(view.thresholds.green)])
    about.append(["Amber from", float(view.thresholds.amber)])
    about.cell(3, 2).number_format = PERCENT_FORMAT
    about.cell(4, 2).number_format = PERCENT_FORMAT
    about.append(["Cashable realised to date", view.cashable_realised])
    about.cell(5, 2).number_format = POUNDS_FORMAT
    about.append(
        ["Money drawn from the reserve", view.drawn if view.drawn is not None else "not recorded"]
    )
    about.append(["ROI to date", float(view.roi) if view.roi is not None else "not available"])
    about.append(
        [
            "Notes",
            "Dis-benefits count against every total. A missing actual is left blank, not zero.",
        ]
    )
    _widths(about, {1: 30, 2: 60})


def tracker_workbook(view: selectors.Tracker) -> bytes:
    """The tracker for one month: by benefit, work package, pillar and programme; the data of the
    chart; and cashable savings against the MTFS line."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Benefits"
    _tracker_benefits_sheet(sheet, view)
    for title, groups in (
        ("Work packages", view.by_work_package),
        ("Pillars", view.by_pillar),
        ("Programme", view.programme_totals),
    ):
        _group_sheet(workbook.create_sheet(title), groups, view.as_of)
    _tracker_curve_sheet(workbook.create_sheet("Chart data"), view)
    _tracker_savings_sheet(workbook.create_sheet("MTFS savings"), view)
    _tracker_about_sheet(workbook.create_sheet("About"), view)
    return _save(workbook)


def _group_sheet(sheet: Any, groups: list[selectors.GroupLine], as_of: Month) -> None:
    _header(
        sheet,
        [
            "Group",
            "Unit",
            "Planned in month",
            "Actual in month",
            "Planned cumulative",
            "Actual cumulative",
            "Variance",
            "Variance %",
            "RAG",
            "Missing actuals",
            "Late actuals",
        ],
    )
    for group in groups:
        r = group.roll_up
        sheet.append(
            [
                group.label,
                r.unit,
                r.planned_in_month,
                r.actual_in_month,
                r.planned_cumulative,
                r.actual_cumulative,
                r.variance,
                None if r.variance_percent is None else r.variance_percent / 100,
                r.rag.value.title() if r.rag else "",
                r.missing,
                r.late,
            ]
        )
        row = sheet.max_row
        for column in range(3, 8):
            sheet.cell(row, column).number_format = _value_format(r.unit)
        sheet.cell(row, 8).number_format = PERCENT_FORMAT
    _widths(sheet, {1: 36})
