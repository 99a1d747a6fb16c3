"""Imports of benefits and actuals: every row runs through the same services as the pages and
each wrong row is reported by sheet, row and field; if any row is wrong, nothing is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from openpmo import limits
from openpmo.accounts.models import User
from openpmo.benefits import services
from openpmo.benefits.choices import CarbonScope, Category, Confidence, Unit
from openpmo.benefits.excel._common import (
    _REQUIRED,
    ACTUAL_COLUMNS,
    MAX_ROWS,
    REGISTER_COLUMNS,
)
from openpmo.benefits.models import Benefit
from openpmo.benefits.profile_input import parse_month, parse_value
from openpmo.common.services import ConflictError
from openpmo.common.spreadsheets import cell_date, cell_text
from openpmo.core import xlsx
from openpmo.core.benefits import Month
from openpmo.core.errors import ParseError
from openpmo.portfolio.models import Pillar, Programme, StrategicPriority, WorkPackage


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


_text = cell_text


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
    return cell_date(value, _iso_date)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"“{text}” is not a date; write it like 2024-04-01") from None


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


@dataclass
class _BenefitTables:
    """What a benefit row's names and references are looked up in, all of one programme."""

    programme: Programme
    people: dict[str, Any]
    pillars: dict[str, Any]
    packages: dict[str, Any]
    objectives: dict[str, Any]
    existing: dict[str, Benefit]

    @classmethod
    def of(cls, programme: Programme) -> _BenefitTables:
        return cls(
            programme=programme,
            people={u.username.lower(): u for u in User.objects.filter(is_active=True)},
            pillars={p.name.lower(): p for p in Pillar.objects.filter(programme=programme)},
            packages={
                wp.reference.lower(): wp
                for wp in WorkPackage.objects.filter(
                    strand__pillar__programme=programme
                ).select_related("strand")
            },
            objectives={
                o.title.lower(): o for o in StrategicPriority.objects.filter(programme=programme)
            },
            existing={b.reference: b for b in Benefit.objects.filter(pillar__programme=programme)},
        )

    def lookup(self, table: dict[str, Any], value: Any, what: str, *, required: bool = True) -> Any:
        key = _text(value).lower()
        if not key:
            if required:
                raise ValidationError(f"Give the {what}.")
            return None
        if key not in table:
            raise ValidationError(f"No {what} “{_text(value)}” in {self.programme.short_name}.")
        return table[key]


def _benefit_parsers(row: dict[str, Any], tables: _BenefitTables) -> dict[str, Callable[[], Any]]:
    """How each column of a register row becomes a field of the benefit."""
    return {
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
        "owner": lambda: tables.lookup(tables.people, row.get("owner"), "person (username)"),
        "steady_state_owner": lambda: tables.lookup(
            tables.people, row.get("steady_state_owner"), "person (username)", required=False
        ),
        "pillar": lambda: tables.lookup(tables.pillars, row.get("pillar"), "pillar"),
        "work_packages": lambda: [
            tables.lookup(tables.packages, ref, "work package")
            for ref in _text(row.get("work_packages")).replace(";", ",").split(",")
            if ref.strip()
        ],
        "strategic_objective": lambda: tables.lookup(
            tables.objectives, row.get("strategic_objective"), "strategic objective", required=False
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


def _benefit_row_save(actor: Any, tables: _BenefitTables, row: dict[str, Any]) -> None:
    """Create the row's benefit, or update the one with its reference; every field's problem
    is refused together."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {}
    for name, parse in _benefit_parsers(row, tables).items():
        if name not in row and name not in {"reference"}:
            continue
        try:
            data[name] = parse()
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    current = tables.existing.get(data.get("reference", ""))
    if current is None:
        created = services.benefit_create(actor=actor, **data)
        tables.existing[created.reference] = created
    else:
        data.pop("reference")
        services.benefit_update(actor=actor, benefit=current, **data)


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
    tables = _BenefitTables.of(programme)

    def save_row(number: int, row: dict[str, Any]) -> None:
        _benefit_row_save(actor, tables, row)

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
