"""Excel: export the register, the profiles and the tracker; import benefits and actuals.

Exports hold real numbers and dates with number formats (not text), so a finance officer can add
them up. Imports run every row through the same services as the pages and report each wrong row
by sheet, row and field; if any row is wrong, nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from openpmo import limits
from openpmo.accounts.models import User
from openpmo.benefits import selectors, services
from openpmo.benefits.choices import CarbonScope, Category, Confidence, Unit
from openpmo.benefits.models import Benefit, BenefitProfile, ProfileMonth
from openpmo.benefits.profile_input import parse_month, parse_value
from openpmo.common import spreadsheets
from openpmo.common.services import ConflictError
from openpmo.core import xlsx
from openpmo.core.benefits import Month
from openpmo.core.errors import ParseError
from openpmo.portfolio.models import Pillar, Programme, StrategicPriority, WorkPackage

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


# -- exports ----------------------------------------------------------------------------------


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


def tracker_workbook(view: selectors.Tracker) -> bytes:
    """The tracker for one month: by benefit, work package, pillar and programme; the data of the
    chart; and cashable savings against the MTFS line."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Benefits"
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
    for title, groups in (
        ("Work packages", view.by_work_package),
        ("Pillars", view.by_pillar),
        ("Programme", view.programme_totals),
    ):
        _group_sheet(workbook.create_sheet(title), groups, view.as_of)
    curve = workbook.create_sheet("Chart data")
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
    savings = workbook.create_sheet("MTFS savings")
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
    about = workbook.create_sheet("About")
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


# -- imports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(value: Any, choices: Any, what: str) -> str:
    """A choice by its stored value or its label, ignoring case."""
    text = _text(value).lower()
    for stored, label in choices:
        if text in (str(stored).lower(), str(label).lower()):
            return str(stored)
    if choices is Unit.choices:
        for stored, label in choices:
            if text and str(label).lower().startswith(text):
                return str(stored)
    names = ", ".join(str(label) for _s, label in choices)
    raise ValidationError(f"“{_text(value)}” is not a {what} (one of: {names})")


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise ValidationError(f"“{_text(value)}” is not a date; write it like 2024-04-01") from None


def _month(value: Any) -> Month:
    if isinstance(value, dt.datetime | dt.date):
        return Month.of(value if isinstance(value, dt.date) else value.date())
    return parse_month(_text(value))


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float | Decimal):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return parse_value(str(value.normalize() if value == value.to_integral() else value))
    return parse_value(value)


def _open(workbook_file: Any, wanted: str) -> tuple[Any | None, str | None]:
    data = (
        workbook_file.read() if hasattr(workbook_file, "read") else Path(workbook_file).read_bytes()
    )
    try:
        limits.check_size(limits.SPREADSHEET, getattr(workbook_file, "name", ""), len(data))
    except limits.UploadTooLarge as error:
        return None, str(error)
    try:
        book = xlsx.open_workbook(data, where="The file")
    except ParseError as error:
        return None, f"The file {error.message}."
    for sheet in book.worksheets:
        if sheet.title.strip().lower() == wanted.lower():
            return sheet, None
    return book.worksheets[0], None


def _rows(
    sheet: Any, columns: list[tuple[str, str]], result: ImportResult
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of ``sheet`` as {field: cell}, by the headings of its first row."""
    try:
        every_row = list(xlsx.read_rows(sheet, where=f"Sheet {sheet.title}"))
    except ParseError as error:
        result.errors.append(RowError(sheet.title, 0, "(file)", f"{error}."))
        return []
    rows = iter(every_row)
    headings = next(rows, None)
    if headings is None:
        result.errors.append(RowError(sheet.title, 1, "(headings)", "The sheet is empty."))
        return []
    by_heading = {heading.lower(): name for heading, name in columns}
    positions: dict[str, int] = {}
    for index, heading in enumerate(headings):
        name = by_heading.get(_text(heading).lower())
        if name:
            positions[name] = index
    missing = [
        heading for heading, name in columns if name not in positions and heading in _REQUIRED
    ]
    if missing:
        result.errors.append(
            RowError(sheet.title, 1, "(headings)", f"Missing column(s): {', '.join(missing)}.")
        )
        return []
    found = []
    for number, cells in enumerate(rows, start=2):
        if cells is None or all(c in (None, "") for c in cells):
            continue
        if len(found) >= MAX_ROWS:
            result.errors.append(
                RowError(
                    sheet.title, number, "(rows)", f"More than {MAX_ROWS:,} rows; split the file."
                )
            )
            break
        found.append(
            (
                number,
                {
                    name: cells[index] if index < len(cells) else None
                    for name, index in positions.items()
                },
            )
        )
    return found


def _run(
    sheet_name: str,
    rows: list[tuple[int, dict[str, Any]]],
    headings: dict[str, str],
    result: ImportResult,
    save_row: Callable[[int, dict[str, Any]], None],
) -> None:
    for number, row in rows:
        try:
            save_row(number, row)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    for message in messages:
                        result.errors.append(
                            RowError(
                                sheet_name,
                                number,
                                headings.get(name, name if name != "__all__" else "(row)"),
                                message,
                            )
                        )
            else:
                for message in error.messages:
                    result.errors.append(RowError(sheet_name, number, "(row)", message))
        except PermissionDenied as error:
            result.errors.append(
                RowError(sheet_name, number, "(row)", str(error) or "Not allowed.")
            )
        except ConflictError as error:
            result.errors.append(RowError(sheet_name, number, "(row)", str(error)))
        else:
            result.saved += 1


def import_benefits(*, actor: Any, programme: Programme, workbook: Any) -> ImportResult:
    """Create or update benefits from the "Benefits" sheet (matched by reference). Nothing is
    saved unless every row is right."""
    result = ImportResult()
    sheet, problem = _open(workbook, "Benefits")
    if sheet is None:
        result.errors.append(RowError("-", 0, "(file)", problem or "Unreadable file."))
        return result
    headings = {name: heading for heading, name in REGISTER_COLUMNS}
    rows = _rows(sheet, REGISTER_COLUMNS, result)
    people = {u.username.lower(): u for u in User.objects.filter(is_active=True)}
    pillars = {p.name.lower(): p for p in Pillar.objects.filter(programme=programme)}
    packages = {
        wp.reference.lower(): wp
        for wp in WorkPackage.objects.filter(strand__pillar__programme=programme).select_related(
            "strand"
        )
    }
    objectives = {o.title.lower(): o for o in StrategicPriority.objects.filter(programme=programme)}
    existing = {b.reference: b for b in Benefit.objects.filter(pillar__programme=programme)}

    def lookup(table: dict[str, Any], value: Any, what: str, *, required: bool = True) -> Any:
        key = _text(value).lower()
        if not key:
            if required:
                raise ValidationError(f"Give the {what}.")
            return None
        if key not in table:
            raise ValidationError(f"No {what} “{_text(value)}” in {programme.short_name}.")
        return table[key]

    def save_row(number: int, row: dict[str, Any]) -> None:
        errors: dict[str, list[str]] = {}
        data: dict[str, Any] = {}
        parsers: dict[str, Callable[[], Any]] = {
            "reference": lambda: _text(row.get("reference")),
            "title": lambda: _text(row.get("title")),
            "description": lambda: _text(row.get("description")),
            "category": lambda: _choice(row.get("category"), Category.choices, "category"),
            "measure": lambda: _text(row.get("measure")),
            "unit": lambda: _choice(row.get("unit"), Unit.choices, "unit"),
            "baseline_value": lambda: _number(row.get("baseline_value")),
            "baseline_date": lambda: _date(row.get("baseline_date")),
            "target_value": lambda: _number(row.get("target_value")),
            "target_date": lambda: _date(row.get("target_date")),
            "owner": lambda: lookup(people, row.get("owner"), "person (username)"),
            "steady_state_owner": lambda: lookup(
                people, row.get("steady_state_owner"), "person (username)", required=False
            ),
            "pillar": lambda: lookup(pillars, row.get("pillar"), "pillar"),
            "work_packages": lambda: [
                lookup(packages, ref, "work package")
                for ref in _text(row.get("work_packages")).replace(";", ",").split(",")
                if ref.strip()
            ],
            "strategic_objective": lambda: lookup(
                objectives, row.get("strategic_objective"), "strategic objective", required=False
            ),
            "confidence": lambda: _choice(
                row.get("confidence") or "medium", Confidence.choices, "confidence"
            ),
            "evidence_required": lambda: _text(row.get("evidence_required")),
            "carbon_scope": lambda: (
                _choice(row.get("carbon_scope"), CarbonScope.choices, "carbon scope")
                if _text(row.get("carbon_scope"))
                else ""
            ),
            "carbon_method": lambda: _text(row.get("carbon_method")),
        }
        for name, parse in parsers.items():
            if name not in row and name not in {"reference"}:
                continue
            try:
                data[name] = parse()
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        current = existing.get(data.get("reference", ""))
        if current is None:
            created = services.benefit_create(actor=actor, **data)
            existing[created.reference] = created
        else:
            data.pop("reference")
            services.benefit_update(actor=actor, benefit=current, **data)

    with transaction.atomic():
        _run(sheet.title, rows, headings, result, save_row)
        if result.errors:
            transaction.set_rollback(True)
            result.saved = 0
    return result


def import_actuals(*, actor: Any, programme: Programme, workbook: Any) -> ImportResult:
    """Record actuals from the "Actuals" sheet: reference, month, value, evidence (and, to
    correct a month already recorded, a correction reason). Nothing is saved unless every row
    is right."""
    result = ImportResult()
    sheet, problem = _open(workbook, "Actuals")
    if sheet is None:
        result.errors.append(RowError("-", 0, "(file)", problem or "Unreadable file."))
        return result
    headings = {name: heading for heading, name in ACTUAL_COLUMNS}
    rows = _rows(sheet, ACTUAL_COLUMNS, result)
    benefits = {
        b.reference.lower(): b
        for b in Benefit.objects.filter(pillar__programme=programme).select_related("pillar")
    }
    seen: dict[tuple[int, Month], int] = {}

    def save_row(number: int, row: dict[str, Any]) -> None:
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        reference = _text(row.get("reference"))
        if reference.lower() not in benefits:
            errors["reference"] = [f"No benefit “{reference}” in {programme.short_name}."]
        for name, parse in (
            ("month", lambda: _month(row.get("month"))),
            ("value", lambda: _number(row.get("value"))),
        ):
            try:
                values[name] = parse()
            except ValidationError as error:
                errors[name] = error.messages
        if "value" in values and values["value"] is None:
            errors["value"] = ["Give the actual value (0 if nothing was delivered)."]
        if errors:
            raise ValidationError(errors)
        benefit = benefits[reference.lower()]
        key = (benefit.pk, values["month"])
        if key in seen:
            raise ValidationError(
                {"month": [f"{values['month']} of {reference} is also on row {seen[key]}."]}
            )
        services.actual_record(
            actor=actor,
            benefit=benefit,
            month=values["month"],
            value=values["value"],
            evidence=_text(row.get("evidence")),
            correction_reason=_text(row.get("correction_reason")),
        )
        seen[key] = number

    with transaction.atomic():
        _run(sheet.title, rows, headings, result, save_row)
        if result.errors:
            transaction.set_rollback(True)
            result.saved = 0
    return result
