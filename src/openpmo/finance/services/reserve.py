"""The reserve and its ledger: stated figures, drawdowns, returns, contributions and withdrawals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.accounts.roles import Role
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.authority import DecisionAuthority
from openpmo.common.db import MoneySum
from openpmo.common.services import (
    SYSTEM,
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.finance import check_drawdown
from openpmo.core.money import FinancialYear
from openpmo.finance import core_adapters
from openpmo.finance.choices import SIGN, EntryKind, StatedFigureKind
from openpmo.finance.models import (
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
)
from openpmo.finance.services._common import (
    _actor_or_none,
    _financial_year,
    _positive_amount,
)
from openpmo.portfolio.models import Programme, WorkPackage


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


MONEY_OUT_NEEDS_A_DECISION = (
    "Money is drawn from the reserve only by a decision of the Cabinet Member for Finance "
    "(§7.1): record it at Gates, as a gate decision or a funding decision with its Forward Plan "
    "reference and S151 sign-off. Finance records contributions and returns of unspent funds."
)


def _check_authority(
    actor: Any, kind: EntryKind, authority: DecisionAuthority | None, today: dt.date
) -> None:
    """Money taken out needs the decision that authorised it (§7.1), made by the Cabinet Member
    for Finance (the Decision maker role) and recorded by them (or by the system loading it).
    The system alone may load approved net withdrawals decided before the programme's records."""
    if SIGN[kind] < 0:
        if authority is not None:
            raise ValidationError({"kind": f"A {kind.label.lower()} needs no decision."})
        return
    if authority is None:
        if kind == EntryKind.WITHDRAWAL and actor is SYSTEM:
            return
        raise ValidationError({"kind": MONEY_OUT_NEEDS_A_DECISION})
    decider = authority.decided_by
    if authority.role != Role.DECISION_MAKER or not (
        getattr(decider, "is_active", False) and decider.has_role(Role.DECISION_MAKER)
    ):
        raise PermissionDenied(
            f"Every drawdown from the reserve is approved by the Cabinet Member for Finance "
            f"(§7.1, the {Role.DECISION_MAKER} role); {decider} decided as {authority.role}."
        )
    if actor is not SYSTEM and getattr(actor, "pk", None) != decider.pk:
        raise PermissionDenied(
            f"Only {decider}, who took the decision, can draw the money it released."
        )
    if authority.decided_on > today:
        raise ValidationError({"kind": "The decision is dated in the future."})


def _check_balance_fits(reserve: Reserve, change: Decimal) -> None:
    """The balance column holds 12 digits of pounds; an entry that would take the running balance
    beyond them is refused by name, rather than failing in the database."""
    field = Reserve._meta.get_field("balance")
    limit = Decimal(10) ** (field.max_digits - field.decimal_places)  # type: ignore[operator]
    if abs(reserve.balance + change) >= limit:
        raise ValidationError(
            {
                "amount": f"£{abs(change):,.2f} would take the reserve's balance beyond "
                f"£{limit - Decimal('0.01'):,.2f}, the most it can hold: check the amount."
            }
        )


def _record_entry(
    *,
    actor: Any,
    reserve: Reserve,
    kind: EntryKind,
    year: object,
    amount: object,
    reason: str,
    authority: DecisionAuthority | None = None,
    override_reason: str = "",
    is_illustrative: bool = False,
    work_package: WorkPackage | None = None,
) -> ReserveEntry:
    with transaction.atomic():
        locked = lock_for_update(Reserve, reserve.pk)
        require(actor, "finance.add_reserveentry", locked)
        _check_authority(actor, kind, authority, timezone.localdate())
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
        overridden = _check_past_zero(actor, locked, kind, financial_year, value, override_reason)
        if kind == EntryKind.RETURN and work_package is not None:
            _check_return_within_released(locked, work_package, value)
        _check_balance_fits(locked, SIGN[kind] * value)
        entry = ReserveEntry(
            reserve=locked,
            year=str(financial_year),
            kind=kind,
            amount=value,
            ledger_amount=SIGN[kind] * value,
            reason=reason.strip(),
            work_package=work_package,
            override_reason=override_reason.strip() if overridden else "",
            recorded_by=_actor_or_none(actor),
            recorded_at=timezone.now(),
            is_illustrative=is_illustrative,
        )
        if authority is not None:
            entry.authorised_by = authority.decided_by
            entry.authority_role = authority.role
            entry.authority = str(authority)[:300]
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


def _check_past_zero(
    actor: Any,
    reserve: Reserve,
    kind: EntryKind,
    year: FinancialYear,
    value: Decimal,
    override_reason: str,
) -> bool:
    """Refuse money out that takes the balance past zero, unless a Decision maker overrides it
    with a reason; True when overridden."""
    if SIGN[kind] < 0:
        return False
    result = core_adapters.reserve_result(reserve, reconcile=False)
    check = check_drawdown(result, year=year, amount=value)
    if check.allowed:
        return False
    past = check.first_year_past_zero
    assert past is not None
    if not (override_reason or "").strip():
        raise ConflictError(
            f"This {kind.label.lower()} of £{value:,.2f} in {year} would take "
            f"the reserve past zero in {past}: it would be overdrawn by "
            f"£{check.closing_after[past]:,.2f}. Nothing was saved. Only a Decision "
            "maker may allow it, by recording the reason for the override."
        )
    require(
        actor,
        "finance.override_reserve",
        reserve,
        message="Only a Decision maker may let the reserve go past zero.",
    )
    return True


def _check_return_within_released(
    reserve: Reserve, work_package: WorkPackage, amount: Decimal
) -> None:
    """A return of unspent funds cannot give back more than was drawn for the work package."""
    entries = reserve.entries.filter(work_package=work_package)
    drawn = entries.filter(kind=EntryKind.DRAWDOWN).aggregate(s=MoneySum("amount"))["s"] or 0
    returned = entries.filter(kind=EntryKind.RETURN).aggregate(s=MoneySum("amount"))["s"] or 0
    if amount > drawn - returned:
        raise ValidationError(
            {
                "amount": f"Only £{drawn - returned:,.2f} drawn for {work_package} is still "
                f"unreturned; £{amount:,.2f} cannot be returned."
            }
        )


def reserve_drawdown_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    authority: DecisionAuthority | None,
    reason: str,
    override_reason: str = "",
    work_package: WorkPackage | None = None,
) -> ReserveEntry:
    """Draw ``amount`` (pounds, more than zero) from ``reserve`` in ``year`` (``"2023/24"``), as
    ``authority`` decided: the gates app's decision services pass who decided, in which role and
    by which decision, and the entry keeps it. Without a decision of the Cabinet Member for
    Finance (the Decision maker role), or recorded by anyone but that decider (or the system
    loading it), it is refused. The money counts as released to ``work_package`` when given.
    Refused with ``ConflictError`` when the drawdown would take the balance past zero in that
    year or any later one, unless the decider gives ``override_reason``. Safe to call inside
    the caller's own ``transaction.atomic`` block.
    """
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.DRAWDOWN,
        year=year,
        amount=amount,
        reason=reason,
        authority=authority,
        override_reason=override_reason,
        work_package=work_package,
    )


def reserve_return_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    reason: str,
    work_package: WorkPackage | None = None,
) -> ReserveEntry:
    """Return unspent funds to the reserve (§6.1.5), a Finance action; for a work package, no
    more than was drawn for it."""
    return _record_entry(
        actor=actor,
        reserve=reserve,
        kind=EntryKind.RETURN,
        year=year,
        amount=amount,
        reason=reason,
        work_package=work_package,
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
    )


def reserve_withdrawal_record(
    *,
    actor: Any,
    reserve: Reserve,
    year: object,
    amount: object,
    reason: str,
    authority: DecisionAuthority | None = None,
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
        authority=authority,
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
    work_package: WorkPackage | None = None,
    authority: DecisionAuthority | None = None,
    override_reason: str = "",
    is_illustrative: bool = False,
) -> ReserveEntry:
    """Any kind of entry (the ledger form and the API choose the kind); money taken out needs
    its decision's ``authority`` like a drawdown."""
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
        authority=authority,
        override_reason=override_reason if SIGN[entry_kind] > 0 else "",
        is_illustrative=is_illustrative,
        work_package=work_package,
    )
