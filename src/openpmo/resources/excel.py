"""Excel import and export of the resource pool and of demand.

An import reads every row first and saves nothing if any row is wrong: the errors name the row
and the column. The saving itself goes through ``services`` (permission, validation, audit).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources import services
from openpmo.resources.choices import DemandSource, Employment
from openpmo.resources.models import Person, ResourceRole
from openpmo.resources.selectors import person_list

PEOPLE_COLUMNS = (
    "Name",
    "Role",
    "Employment",
    "FTE",
    "Available from",
    "Available to",
    "Day rate",
    "Skills",
)
DEMAND_COLUMNS = ("Work package", "Role", "Month", "FTE")
MAX_ROWS = 20_000


def _rows(file: BinaryIO, columns: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(
            f"This is not an Excel workbook (.xlsx) we can read: {error}"
        ) from None
    sheet = book.active
    if sheet is None:
        raise ValidationError("The workbook has no sheet.")
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ValidationError(f"Row 1: the columns {', '.join(missing)} are missing.")
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise ValidationError(f"More than {MAX_ROWS} rows: split the workbook.")
        record = dict(zip(header, values, strict=False))
        if all(record.get(name) in (None, "") for name in columns):
            continue
        found.append((number, record))
    return found


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{where}: {value!r} is not a date (write 2024-05-01).") from None


def _decimal(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{where}: {value!r} is not a number.") from None
    if number < 0:
        raise ValidationError(f"{where}: {number} is negative.")
    return number


def _collect(errors: list[str], function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except ValidationError as error:
        errors.extend(error.messages)
        return None


def import_people(*, actor: Any, programme: Programme, file: BinaryIO) -> list[Person]:
    """Add the people of the workbook (one per row); nothing is saved if any row is wrong."""
    roles = {
        role.name.casefold(): role for role in ResourceRole.objects.filter(programme=programme)
    }
    kinds = {label.casefold(): value for value, label in Employment.choices}
    errors: list[str] = []
    parsed = []
    for number, row in _rows(file, PEOPLE_COLUMNS):
        role = roles.get(str(row["Role"] or "").strip().casefold())
        if role is None:
            errors.append(f"Row {number}, Role: {row['Role']!r} is not a role of this programme.")
        kind = kinds.get(str(row["Employment"] or "").strip().casefold())
        if kind is None:
            errors.append(
                f"Row {number}, Employment: {row['Employment']!r} is not one of {', '.join(label for _, label in Employment.choices)}."
            )
        fte = _collect(errors, _decimal, row["FTE"], f"Row {number}, FTE")
        start = _collect(errors, _date, row["Available from"], f"Row {number}, Available from")
        end = (
            _collect(errors, _date, row["Available to"], f"Row {number}, Available to")
            if row.get("Available to")
            else None
        )
        rate = (
            _collect(errors, _decimal, row["Day rate"], f"Row {number}, Day rate")
            if row.get("Day rate") not in (None, "")
            else None
        )
        parsed.append(
            (
                number,
                {
                    "name": str(row["Name"] or "").strip(),
                    "role": role,
                    "employment": kind,
                    "fte": fte,
                    "available_from": start,
                    "available_to": end,
                    "day_rate": rate,
                    "skills": str(row.get("Skills") or ""),
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for number, data in parsed:
            try:
                saved.append(services.person_create(actor=actor, programme=programme, **data))
            except ValidationError as error:
                errors.extend(f"Row {number}: {message}" for message in error.messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return saved


def import_demand(*, actor: Any, programme: Programme, file: BinaryIO) -> int:
    """Replace the demand of every work package in the workbook; all or nothing."""
    roles = {
        role.name.casefold(): role for role in ResourceRole.objects.filter(programme=programme)
    }
    packages = {
        wp.reference.casefold(): wp
        for wp in WorkPackage.objects.filter(strand__pillar__programme=programme).select_related(
            "strand__pillar"
        )
    }
    errors: list[str] = []
    by_package: dict[WorkPackage, list[tuple[ResourceRole, dt.date, Decimal]]] = {}
    for number, row in _rows(file, DEMAND_COLUMNS):
        package = packages.get(str(row["Work package"] or "").strip().casefold())
        role = roles.get(str(row["Role"] or "").strip().casefold())
        if package is None:
            errors.append(
                f"Row {number}, Work package: {row['Work package']!r} is not in this programme."
            )
        if role is None:
            errors.append(f"Row {number}, Role: {row['Role']!r} is not a role of this programme.")
        month = _collect(errors, _date, row["Month"], f"Row {number}, Month")
        fte = _collect(errors, _decimal, row["FTE"], f"Row {number}, FTE")
        if package is not None and role is not None and month is not None and fte is not None:
            by_package.setdefault(package, []).append((role, month, fte))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for package, rows in by_package.items():
            services.demand_set(
                actor=actor,
                work_package=package,
                rows=rows,
                source=DemandSource.EXCEL,
                replace=True,
            )
    return sum(len(rows) for rows in by_package.values())


def export_people(programme: Programme) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "People"
    sheet.append(PEOPLE_COLUMNS)
    for person in person_list(programme):
        sheet.append(
            [
                person.name,
                person.role.name,
                person.get_employment_display(),
                person.fte,
                person.available_from,
                person.available_to,
                person.day_rate,
                person.skills,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
