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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
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
from openpmo.core.errors import InputError
from openpmo.core.finance import check_drawdown
from openpmo.core.money import FinancialYear
from openpmo.finance import core_adapters
from openpmo.finance.choices import SIGN, EntryKind, StatedFigureKind
from openpmo.finance.models import (
    Appraisal,
    AppraisalAmount,
    AppraisalDeflator,
    AppraisalLine,
    AppraisalOption,
    InflationRate,
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
    TeamCostPlan,
    TeamRole,
    WorkPackageForecast,
    WorkPackageSpend,
)
from openpmo.portfolio.models import Programme, WorkPackage

__all__ = [
    "appraisal_create",
    "forecast_record",
    "spend_import",
    "spend_record",
    "team_cost_plan_create",
    "team_plan_flex",
    "team_role_create",
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
    with _busy_is_a_conflict(), transaction.atomic():
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


# --- team cost model --------------------------------------------------------------------------


def _check_team_model(plan: TeamCostPlan, **kwargs: Any) -> None:
    """Let the engine refuse what it cannot cost (a year without inflation, a role before the
    base year); its message names the role and the field."""
    try:
        core_adapters.team_cost(plan, **kwargs)
    except InputError as error:
        raise core_adapters.as_django_error(error) from None


@transaction.atomic
def team_cost_plan_create(
    *,
    actor: Any,
    programme: Programme,
    inflation: dict[str, Decimal] | None = None,
    **data: Any,
) -> TeamCostPlan:
    """A team cost plan with its inflation rates by financial year (``{"2023/24": 0.05}``)."""
    require(actor, "finance.add_teamcostplan", programme)
    plan = TeamCostPlan(programme=programme)
    apply_fields(plan, data)
    save_validated(plan)
    for year, rate in (inflation or {}).items():
        save_validated(InflationRate(plan=plan, year=str(year), rate=Decimal(str(rate))))
    _check_team_model(plan)
    after = snapshot(plan)
    after["inflation"] = {str(y): str(r) for y, r in (inflation or {}).items()}
    audit_record(actor=actor, action="team_cost_plan.created", obj=plan, before=None, after=after)
    return plan


@transaction.atomic
def team_role_create(*, actor: Any, plan: TeamCostPlan, **data: Any) -> TeamRole:
    plan = lock_for_update(TeamCostPlan, plan.pk)
    require(actor, "finance.change_teamcostplan", plan)
    role = TeamRole(plan=plan)
    apply_fields(role, data)
    save_validated(role)
    _check_team_model(plan)
    plan.version += 1
    plan.save(update_fields=["version"])
    audit_record(
        actor=actor, action="team_role.created", obj=role, before=None, after=snapshot(role)
    )
    return role


FLEXIBLE_FIELDS = ("fte", "start", "end")


@transaction.atomic
def team_plan_flex(
    *,
    actor: Any,
    plan: TeamCostPlan,
    changes: dict[int, dict[str, Any]],
    expected_version: int | None = None,
) -> TeamCostPlan:
    """Flex the team (§6.1.2): new FTE and dates for some roles, saved together or not at all.

    ``changes`` maps role ids to ``{"fte": ..., "start": ..., "end": ...}``. Each changed role is
    audited with its before and after; ``expected_version`` refuses a save over someone else's.
    """
    locked = lock_for_update(TeamCostPlan, plan.pk, expected_version=expected_version)
    require(actor, "finance.change_teamcostplan", locked)
    roles = {role.pk: role for role in locked.roles.select_for_update()}
    unknown = set(changes) - set(roles)
    if unknown:
        raise ValidationError(f"Role {sorted(unknown)[0]} is not in {locked}.")
    changed: list[tuple[TeamRole, dict[str, Any]]] = []
    for role_id, fields in changes.items():
        role = roles[role_id]
        extra = set(fields) - set(FLEXIBLE_FIELDS)
        if extra:
            raise ValidationError(f"Only FTE and dates can be flexed, not {sorted(extra)[0]}.")
        before = snapshot(role)
        apply_fields(role, fields)
        try:
            role.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {f"{role.name}: {k}": v for k, v in error.message_dict.items()}
            ) from None
        role.fte = Decimal(role.fte).quantize(Decimal("0.01"))  # as the database holds it
        if snapshot(role) != before:
            changed.append((role, before))
    before_total = core_adapters.team_cost(locked).total
    _check_team_model(locked, roles=list(roles.values()))
    for role, before in changed:
        role.version += 1
        role.save()
        after = snapshot(role)
        audit_record(actor=actor, action="team_role.flexed", obj=role, before=before, after=after)
    if changed:
        plan_before = snapshot(locked)
        locked.version += 1
        locked.save(update_fields=["version"])
        plan_after = snapshot(locked)
        plan_before["total"] = str(before_total.quantize(Decimal("0.01")))
        plan_after["total"] = str(core_adapters.team_cost(locked).total.quantize(Decimal("0.01")))
        plan_after["flexed"] = sorted(role.name for role, _ in changed)
        audit_record(
            actor=actor,
            action="team_cost_plan.flexed",
            obj=locked,
            before=plan_before,
            after=plan_after,
        )
    plan.version = locked.version
    return locked


# --- Green Book appraisal ---------------------------------------------------------------------


@transaction.atomic
def appraisal_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    document: dict[str, Any],
    description: str = "",
    work_package: WorkPackage | None = None,
    is_illustrative: bool = False,
) -> Appraisal:
    """Store an appraisal from the YAML shape ``openpmo appraise`` reads (already parsed).

    The engine reads the document first (naming any bad field); optimism bias given as a project
    type is kept as the rate it comes to.
    """
    from openpmo.core.finance import appraisal_from_mapping

    require(actor, "finance.add_appraisal", programme)
    if not isinstance(document, dict):
        raise ValidationError({"document": "The appraisal must be a mapping (field: value)."})
    try:
        parsed = appraisal_from_mapping(document)
        if parsed.prices != "real":
            raise ValidationError(
                {"document": "Enter amounts in real base-year prices (prices: real)."}
            )
    except InputError as error:
        raise core_adapters.as_django_error(error, "document") from None
    appraisal = Appraisal(
        programme=programme,
        work_package=work_package,
        name=name,
        base_year=str(parsed.base_year),
        description=description,
        created_by=_actor_or_none(actor),
        is_illustrative=is_illustrative,
    )
    save_validated(appraisal)
    for year, index in (parsed.gdp_deflator or {}).items():
        AppraisalDeflator.objects.create(appraisal=appraisal, year=str(year), index=index)
    for order, option in enumerate(parsed.options):
        row = AppraisalOption.objects.create(appraisal=appraisal, name=option.name, order=order)
        for group, lines in (("cost", option.costs), ("benefit", option.benefits)):
            for line_name, amounts in lines.items():
                line = AppraisalLine.objects.create(
                    option=row,
                    group=group,
                    name=line_name,
                    optimism_bias=option.optimism_bias.get(line_name) if group == "cost" else None,
                )
                AppraisalAmount.objects.bulk_create(
                    AppraisalAmount(line=line, year=str(year), amount=_pence(amount, line_name))
                    for year, amount in amounts.items()
                )
    after = snapshot(appraisal)
    after["document"] = _jsonable(document)
    audit_record(actor=actor, action="appraisal.created", obj=appraisal, before=None, after=after)
    return appraisal


def _pence(amount: Decimal, where: str) -> Decimal:
    if amount != amount.quantize(Decimal("0.01")) or abs(amount) >= Decimal("1e12"):
        raise ValidationError(
            {"document": f"{where}: {amount} is not an amount in pounds and pence."}
        )
    return amount


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# --- work package money -----------------------------------------------------------------------


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
