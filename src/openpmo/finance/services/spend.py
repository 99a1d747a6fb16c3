"""A work package's money: monthly spend (typed or imported) and forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    require,
    save_validated,
)
from openpmo.core.errors import InputError
from openpmo.finance.models import (
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.finance.services._common import _actor_or_none, _financial_year
from openpmo.portfolio.models import WorkPackage


def _month(value: object, field: str = "month") -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value).strip()
    for form in ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%d/%m/%Y", "%b %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(text, form).date().replace(day=1)
        except ValueError:
            continue
    raise ValidationError({field: f"{text!r} is not a month; write it like 2023-04."})


def _money(value: object, field: str = "amount") -> Decimal:
    from openpmo.core.money import parse_money

    try:
        amount = parse_money(value if not isinstance(value, float) else str(value))
    except InputError:
        raise ValidationError({field: f"{value!r} is not an amount of money."}) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "Enter the amount in pounds and pence (two places)."})
    if abs(amount) >= Decimal("1e12"):
        raise ValidationError({field: "The amount is too large."})
    return amount


def _spend_upsert(
    *,
    actor: Any,
    work_package: WorkPackage,
    month: dt.date,
    spend_type: str,
    amount: Decimal,
    entered_as: str,
    is_illustrative: bool = False,
) -> WorkPackageSpend:
    row = (
        WorkPackageSpend.objects.select_for_update()
        .filter(work_package=work_package, month=month, spend_type=spend_type)
        .first()
    )
    before = snapshot(row) if row is not None else None
    unchanged = row is not None and row.amount == amount
    if unchanged:
        return row  # the same figure again: nothing to save or audit
    if row is None:
        row = WorkPackageSpend(work_package=work_package, month=month, spend_type=spend_type)
    row.amount = amount.quantize(Decimal("0.01"))
    row.entered_as = entered_as
    row.recorded_by = _actor_or_none(actor)
    row.is_illustrative = is_illustrative
    save_validated(row)
    audit_record(
        actor=actor,
        action="spend.recorded" if entered_as == "entered" else "spend.imported",
        obj=row,
        before=before,
        after=snapshot(row),
    )
    return row


@transaction.atomic
def spend_record(
    *,
    actor: Any,
    work_package: WorkPackage,
    month: object,
    spend_type: str,
    amount: object,
    is_illustrative: bool = False,
) -> WorkPackageSpend:
    """The actual spend of a work package in a month (replacing what was there). Finance only."""
    require(actor, "finance.add_workpackagespend", work_package)
    return _spend_upsert(
        actor=actor,
        work_package=work_package,
        month=_month(month),
        spend_type=spend_type,
        amount=_money(amount),
        entered_as="entered",
        is_illustrative=is_illustrative,
    )


SPEND_COLUMNS = {
    "work_package": ("work package", "work_package", "reference", "project", "project code"),
    "month": ("month", "period", "date", "posting date"),
    "spend_type": ("type", "spend type", "spend_type", "capital/revenue", "cap/rev"),
    "amount": ("amount", "value", "actual", "net amount", "amount £"),
}


def spend_import(*, actor: Any, rows: list[list[str]], source: str = "file") -> int:
    """Import a finance-system export: a header row, then one row per posting.

    Columns (any order, names as most finance systems export them): work package reference,
    month, capital or revenue, amount. Postings of the same work package, month and type are
    added together and replace that month's actual. Every row is checked first; on any error
    nothing is saved and ``ValidationError`` lists each bad row.
    """
    require(actor, "finance.add_workpackagespend", None)
    rows = [row for row in rows if any(str(cell).strip() for cell in row)]
    if len(rows) < 2:
        raise ValidationError(f"{source} needs a header row and at least one row of spend.")
    header = [str(cell).strip().lower() for cell in rows[0]]
    columns: dict[str, int] = {}
    for name, aliases in SPEND_COLUMNS.items():
        for index, title in enumerate(header):
            if title in aliases:
                columns[name] = index
                break
        else:
            raise ValidationError(
                f"{source} row 1: no column for {name.replace('_', ' ')} "
                f"(expected one of: {', '.join(aliases)})."
            )
    references = {
        wp.reference.lower(): wp
        for wp in WorkPackage.objects.all().only("id", "reference", "strand_id", "owner_id")
    }
    errors: list[str] = []
    totals: dict[tuple[int, dt.date, str], Decimal] = {}
    packages: dict[int, WorkPackage] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [str(cell).strip() for cell in row] + [""] * len(header)
        problems = []
        reference = cells[columns["work_package"]]
        wp = references.get(reference.lower())
        if wp is None:
            problems.append(f"no work package with reference {reference!r}")
        values: dict[str, Any] = {}
        for name, convert in (("month", _month), ("amount", _money)):
            try:
                values[name] = convert(cells[columns[name]])
            except ValidationError as error:
                problems.extend(
                    error.message_dict[name] if hasattr(error, "error_dict") else error.messages
                )
        spend_type = cells[columns["spend_type"]].lower()
        spend_type = {"cap": "capital", "rev": "revenue"}.get(spend_type, spend_type)
        if spend_type not in ("capital", "revenue"):
            problems.append(f"{cells[columns['spend_type']]!r} is neither capital nor revenue")
        if problems:
            errors.append(f"Row {number}: " + "; ".join(problems) + ".")
            continue
        assert wp is not None
        key = (wp.pk, values["month"], spend_type)
        totals[key] = totals.get(key, Decimal(0)) + values["amount"]
        packages[wp.pk] = wp
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for (wp_id, month, spend_type), amount in sorted(totals.items(), key=str):
            _spend_upsert(
                actor=actor,
                work_package=packages[wp_id],
                month=month,
                spend_type=spend_type,
                amount=amount,
                entered_as="imported",
            )
    return len(totals)


@transaction.atomic
def forecast_record(
    *,
    actor: Any,
    work_package: WorkPackage,
    year: object,
    spend_type: str,
    amount: object,
    is_illustrative: bool = False,
) -> WorkPackageForecast:
    """Spend still expected in a financial year (replacing the previous forecast for it)."""
    require(actor, "finance.change_workpackageforecast", work_package)
    financial_year = str(_financial_year(year))
    value = _money(amount)
    row = (
        WorkPackageForecast.objects.select_for_update()
        .filter(work_package=work_package, year=financial_year, spend_type=spend_type)
        .first()
    )
    before = snapshot(row) if row is not None else None
    unchanged = row is not None and row.amount == value
    if unchanged:
        return row
    if row is None:
        row = WorkPackageForecast(
            work_package=work_package, year=financial_year, spend_type=spend_type
        )
    row.amount = value.quantize(Decimal("0.01"))
    row.recorded_by = _actor_or_none(actor)
    row.is_illustrative = is_illustrative
    save_validated(row)
    audit_record(
        actor=actor, action="forecast.recorded", obj=row, before=before, after=snapshot(row)
    )
    return row
