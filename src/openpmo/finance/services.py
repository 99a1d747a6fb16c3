"""Every write to the programme's money. Views, the API, imports, the demo loader and other apps
(the gates app records drawdowns when it approves a gate) all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
``transaction.atomic`` block: a refusal (``PermissionDenied``, ``ValidationError``,
``ConflictError``) changes nothing. They work inside a caller's own transaction too (the block
becomes a savepoint), so a caller that fails later undoes them with the rest of its work.

The reserve ledger: every entry is added under a row lock on the reserve (``select_for_update``),
so two drawdowns racing for the last of the reserve are decided one after the other, and the
reserve's ``balance`` is always its opening balance plus the sum of its entries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import OperationalError, models, transaction
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.errors import InputError
from openpmo.core.finance import check_drawdown
from openpmo.core.money import FinancialYear
from openpmo.finance import core_adapters
from openpmo.finance.choices import SIGN, EntryKind, StatedFigureKind
from openpmo.finance.models import (
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
)
from openpmo.portfolio.models import Programme, WorkPackage

__all__ = [
    "reserve_contribution_record",
    "reserve_create",
    "reserve_drawdown_record",
    "reserve_entry_record",
    "reserve_return_record",
    "reserve_stated_figure_record",
    "reserve_withdrawal_record",
]


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@contextlib.contextmanager
def _busy_is_a_conflict() -> Iterator[None]:
    """SQLite's "database is locked" (another writer held it too long) as a clean refusal."""
    try:
        yield
    except OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise ConflictError(
                "The reserve ledger is busy with another change. Nothing was saved: try again."
            ) from error
        raise


def _financial_year(value: object, field: str = "year") -> FinancialYear:
    if isinstance(value, FinancialYear):
        return value
    try:
        return FinancialYear.parse(str(value))
    except InputError as error:
        raise ValidationError({field: error.message}) from None


def _positive_amount(value: object, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{value!r} is not an amount of money."}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: "Enter an amount of more than £0."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "Enter the amount in pounds and pence (two places)."})
    return amount


def _work_package_of(source: models.Model | None) -> WorkPackage | None:
    """The work package money was released to: the source itself, or the source's own
    ``work_package`` (a gate decision that names one)."""
    if source is None:
        return None
    if isinstance(source, WorkPackage):
        return source
    linked = getattr(source, "work_package", None)
    return linked if isinstance(linked, WorkPackage) else None


# --- reserve ----------------------------------------------------------------------------------


@transaction.atomic
def reserve_create(*, actor: Any, programme: Programme, **data: Any) -> Reserve:
    require(actor, "finance.add_reserve", programme)
    reserve = Reserve(programme=programme)
    apply_fields(reserve, data)
    reserve.balance = reserve.opening_balance if reserve.opening_balance is not None else Decimal(0)
    save_validated(reserve)
    audit_record(
        actor=actor, action="reserve.created", obj=reserve, before=None, after=snapshot(reserve)
    )
    return reserve


@transaction.atomic
def reserve_stated_figure_record(
    *,
    actor: Any,
    reserve: Reserve,
    figure: str,
    amount: Decimal,
    year: str = "",
    line: str = "",
    source: str = "",
    rounding_unit: Decimal | None = None,
) -> ReserveStatedFigure:
    """Keep a figure as a report prints it, to be reconciled against the ledger."""
    require(actor, "finance.change_reserve", reserve)
    if figure in (StatedFigureKind.LINE_TOTAL, StatedFigureKind.QUOTED_TOTAL):
        if not line:
            raise ValidationError({"line": "Say which line this total is of."})
        year = ""
    else:
        if not year:
            raise ValidationError({"year": "Say which year this balance is of."})
        if _financial_year(year) not in reserve.years:
            raise ValidationError({"year": f"{year} is not one of the reserve's years."})
        line = ""
    stated = ReserveStatedFigure(
        reserve=reserve,
        figure=figure,
        year=year,
        line=line,
        amount=amount,
        source=source,
        rounding_unit=rounding_unit,
    )
    save_validated(stated)
    audit_record(
        actor=actor,
        action="reserve.stated_figure_recorded",
        obj=stated,
        before=None,
        after=snapshot(stated),
    )
    return stated


def _record_entry(
    *,
    actor: Any,
    reserve: Reserve,
    kind: EntryKind,
    year: object,
    amount: object,
    reason: str,
    source: models.Model | None,
    override_reason: str = "",
    is_illustrative: bool = False,
) -> ReserveEntry:
    with _busy_is_a_conflict(), transaction.atomic():
        locked = lock_for_update(Reserve, reserve.pk)
        require(actor, "finance.add_reserveentry", locked)
        financial_year = _financial_year(year)
        value = _positive_amount(amount)
        if financial_year not in locked.years:
            raise ValidationError(
                {
                    "year": f"{financial_year} is not one of the reserve's years "
                    f"({locked.first_year} to {locked.last_year})."
                }
            )
        if not (reason or "").strip():
            raise ValidationError({"reason": "Say what this entry is for."})
        override_reason = (override_reason or "").strip()
        overridden = False
        if SIGN[kind] > 0:  # money taken out: may it take the balance past zero?
            result = core_adapters.reserve_result(locked, reconcile=False)
            check = check_drawdown(result, year=financial_year, amount=value)
            if not check.allowed:
                past = check.first_year_past_zero
                assert past is not None
                if not override_reason:
                    raise ConflictError(
                        f"This {kind.label.lower()} of £{value:,.2f} in {financial_year} would take "
                        f"the reserve past zero in {past} (its closing balance would be "
                        f"£{check.closing_after[past]:,.2f}). Nothing was saved. Only a Decision "
                        "maker may allow it, by recording the reason for the override."
                    )
                require(
                    actor,
                    "finance.override_reserve",
                    locked,
                    message="Only a Decision maker may let the reserve go past zero.",
                )
                overridden = True
        if kind == EntryKind.RETURN and source is not None:
            _check_return_within_released(locked, source, value)
        entry = ReserveEntry(
            reserve=locked,
            year=str(financial_year),
            kind=kind,
            amount=value,
            ledger_amount=SIGN[kind] * value,
            reason=reason.strip(),
            work_package=_work_package_of(source),
            override_reason=override_reason if overridden else "",
            recorded_by=_actor_or_none(actor),
            recorded_at=timezone.now(),
            is_illustrative=is_illustrative,
        )
        if source is not None:
            if source.pk is None:
                raise ValidationError(
                    {"source": "The record that releases the money is not saved."}
                )
            entry.source_type = ContentType.objects.get_for_model(source)
            entry.source_id = source.pk
        entry.full_clean()
        entry.save()
        before = snapshot(locked)
        locked.balance += entry.ledger_amount
        locked.version += 1
        locked.save(update_fields=["balance", "version"])
        action = f"reserve.{kind.value}" + ("_overridden" if overridden else "")
        audit_record(actor=actor, action=action, obj=entry, before=None, after=snapshot(entry))
        audit_record(
            actor=actor,
            action="reserve.balance_changed",
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
    # The caller's copy shows the new balance too.
    reserve.balance, reserve.version = locked.balance, locked.version
    return entry


def _check_return_within_released(reserve: Reserve, source: models.Model, amount: Decimal) -> None:
    """A return of unspent funds cannot give back more than was drawn for the same source."""
    content_type = ContentType.objects.get_for_model(source)
    entries = reserve.entries.filter(source_type=content_type, source_id=source.pk)
    drawn = entries.filter(kind=EntryKind.DRAWDOWN).aggregate(s=models.Sum("amount"))["s"] or 0
    returned = entries.filter(kind=EntryKind.RETURN).aggregate(s=models.Sum("amount"))["s"] or 0
    if amount > drawn - returned:
        raise ValidationError(
            {
                "amount": f"Only £{drawn - returned:,.2f} drawn for {source} is still unreturned; "
                f"£{amount:,.2f} cannot be returned."
            }
        )


def reserve_drawdown_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    source: models.Model | None = None,
    reason: str,
    override_reason: str = "",
) -> ReserveEntry:
    """Draw ``amount`` (pounds, more than zero) from ``reserve`` in ``year`` (``"2023/24"``).

    ``source`` is what released the money (a gate decision, a work package, a team cost plan);
    the work package it names is kept with the entry. Refused with ``ConflictError`` when the
    drawdown would take the balance past zero in that year or any later one, unless the actor is
    a Decision maker and gives ``override_reason``. Finance and Decision makers only. Safe to
    call inside the caller's own ``transaction.atomic`` block.
    """
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.DRAWDOWN,
        year=year,
        amount=amount,
        reason=reason,
        source=source,
        override_reason=override_reason,
    )


def reserve_return_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    source: models.Model | None = None,
    reason: str,
) -> ReserveEntry:
    """Return unspent funds to the reserve (§6.1.5); with a ``source``, no more than was drawn."""
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.RETURN,
        year=year,
        amount=amount,
        reason=reason,
        source=source,
    )


def reserve_contribution_record(
    *, actor: Any, reserve: Reserve, year: object, amount: object, reason: str
) -> ReserveEntry:
    """A planned MTFS contribution paid into the reserve."""
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.CONTRIBUTION,
        year=year,
        amount=amount,
        reason=reason,
        source=None,
    )


def reserve_withdrawal_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    reason: str,
    source: models.Model | None = None,
    override_reason: str = "",
) -> ReserveEntry:
    """An approved net withdrawal (programmes already in progress); checked like a drawdown."""
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.WITHDRAWAL,
        year=year,
        amount=amount,
        reason=reason,
        source=source,
        override_reason=override_reason,
    )


def reserve_entry_record(
    *,
    actor: Any,
    reserve: Reserve,
    kind: str,
    year: object,
    amount: object,
    reason: str,
    source: models.Model | None = None,
    override_reason: str = "",
    is_illustrative: bool = False,
) -> ReserveEntry:
    """Any kind of entry (the ledger form and the API choose the kind)."""
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        raise ValidationError({"kind": f"{kind!r} is not a kind of reserve entry."}) from None
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=entry_kind,
        year=year,
        amount=amount,
        reason=reason,
        source=source,
        override_reason=override_reason if SIGN[entry_kind] > 0 else "",
        is_illustrative=is_illustrative,
    )


def _first_of_month(value: dt.date) -> dt.date:
    return value.replace(day=1)
