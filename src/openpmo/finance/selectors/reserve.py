"""Reads of the reserve: its ledger as at a day, the printed Table 2 reconciliation, invariants."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet

from openpmo.audit.models import AuditRecord
from openpmo.common.db import MoneySum
from openpmo.core.finance import Discrepancy, LedgerResult, bracketed
from openpmo.core.money import FinancialYear, pounds
from openpmo.finance import core_adapters
from openpmo.finance.choices import LEDGER_LINES, EntryKind
from openpmo.finance.models import (
    Reserve,
    ReserveEntry,
    ReserveStatedFigure,
)
from openpmo.finance.selectors._common import ZERO, known_entries
from openpmo.finance.selectors.money import released_by_work_package
from openpmo.portfolio.models import WorkPackage


def reserve_list() -> QuerySet[Reserve]:
    return Reserve.objects.select_related("programme")


def reserve_get(pk: int) -> Reserve:
    return Reserve.objects.select_related("programme").prefetch_related("stated_figures").get(pk=pk)


def reserve_default() -> Reserve | None:
    return Reserve.objects.order_by("pk").first()


@dataclass
class LedgerRow:
    label: str
    cells: list[Decimal | None]
    total: Decimal | None = None
    kind: str = "line"  # line, balance


@dataclass
class PrintedTableCheck:
    """The decision's printed table (the stated figures, with the ledger's lines as they stood
    when the table was recorded) re-added as a document: its own arithmetic, which later
    entries in the ledger do not change."""

    recorded_at: dt.datetime | None
    discrepancies: list[Discrepancy]
    stated_residual: Decimal | None
    readded_residual: Decimal
    knock_on: str


@dataclass
class ReserveLedgerView:
    reserve: Reserve
    result: LedgerResult
    years: list[str]
    rows: list[LedgerRow]
    entries: list[ReserveEntry]
    discrepancies: list[Discrepancy] = field(default_factory=list)
    as_at: dt.date | None = None
    printed: PrintedTableCheck | None = None
    invariants: list[str] = field(default_factory=list)

    @property
    def unit_label(self) -> str:
        return "£'000" if self.reserve.reporting_unit == 1000 else "£"

    @property
    def held(self) -> Decimal:
        """Money held at ``as_at`` (today when none): the balance at the end of the financial
        year it falls in, from the entries known by then (a positive sum is money held)."""
        return -balance_at(self.result, self.as_at or dt.date.today())

    def chart(self) -> list[dict[str, Any]]:
        """Closing balance by year, as money held (the negative balance turned positive)."""
        held = [-year.closing for year in self.result.years]
        top = max([abs(h) for h in held] + [Decimal(1)])
        bars = []
        for index, (year, amount) in enumerate(zip(self.years, held, strict=True)):
            height = float(abs(amount) / top * 80)
            bars.append(
                {
                    "year": year,
                    "amount": amount,
                    "x": 50 + index * 90,
                    "y": 100 - height if amount >= 0 else 100,
                    "height": height,
                    "negative": amount < 0,
                }
            )
        return bars


def balance_at(result: LedgerResult, day: dt.date) -> Decimal:
    """The ledger's balance on ``day``: the closing balance of the financial year it falls in
    (the opening balance before the first year, the last closing balance after the last)."""
    year = FinancialYear.containing(day)
    for ledger_year in result.years:
        if ledger_year.year == year:
            return ledger_year.closing
    if result.years and year < result.years[0].year:
        return result.years[0].opening
    return result.years[-1].closing if result.years else result.ledger.opening_balance


def reserve_entries(
    reserve: Reserve, *, kinds: Iterable[str] | None = None, as_at: dt.date | None = None
) -> QuerySet[ReserveEntry]:
    entries = known_entries(reserve.entries.all(), as_at).select_related(
        "work_package", "recorded_by", "authorised_by"
    )
    if kinds is not None:
        entries = entries.filter(kind__in=list(kinds))
    return entries.order_by("year", "id")


def reserve_ledger_view(
    reserve: Reserve,
    *,
    entry_kinds: Iterable[str] | None = None,
    with_entries: bool = True,
    as_at: dt.date | None = None,
) -> ReserveLedgerView:
    """The ledger by year as it stood at the end of ``as_at`` (every entry when None), and
    (unless ``with_entries`` is false) its entries of ``entry_kinds`` (all kinds by default).

    Two checks are kept apart: the decision's printed table re-added as a document
    (``printed``; its discrepancies are ``discrepancies``), and the live ledger's invariants."""
    known = known_entries(reserve.entries.all(), as_at)
    result = core_adapters.reserve_result(reserve, reconcile=False, entries=known)
    printed = printed_table_check(reserve)
    years = [entry.year for entry in result.years]
    rows = [LedgerRow(reserve.opening_label, [y.opening for y in result.years], kind="balance")]
    for kind, name, _sign in LEDGER_LINES:
        rows.append(
            LedgerRow(name, [y.lines[name] for y in result.years], result.line_totals[name])
        )
        if kind == EntryKind.WITHDRAWAL:
            rows.append(
                LedgerRow(
                    reserve.subtotal_label,
                    [y.subtotals[reserve.subtotal_label] for y in result.years],
                    kind="balance",
                )
            )
    rows.append(
        LedgerRow(
            reserve.closing_label,
            [y.closing for y in result.years],
            result.years[-1].closing,
            kind="balance",
        )
    )
    entries = list(reserve_entries(reserve, kinds=entry_kinds, as_at=as_at)) if with_entries else []
    return ReserveLedgerView(
        reserve=reserve,
        result=result,
        years=[str(y) for y in years],
        rows=rows,
        entries=entries,
        discrepancies=printed.discrepancies if printed else [],
        as_at=as_at,
        printed=printed,
        invariants=ledger_invariants(reserve, result, known),
    )


def printed_table_check(reserve: Reserve) -> PrintedTableCheck | None:
    """The printed table as a document: its stated figures re-added from the ledger's lines as
    they stood when the figures were recorded (the audit trail dates them), so a drawdown made
    since does not make the table "not add up". None when no printed figure is recorded."""
    figures = list(reserve.stated_figures.values_list("pk", flat=True))
    if not figures:
        return None
    recorded = AuditRecord.objects.filter(
        content_type__app_label="finance",
        content_type__model="reservestatedfigure",
        object_id__in=[str(pk) for pk in figures],
    ).aggregate(last=Max("at"))["last"]
    entries = reserve.entries.all()
    if recorded is not None:
        entries = entries.filter(recorded_at__lte=recorded)
    result = core_adapters.reserve_result(reserve, entries=entries)
    stated = ReserveStatedFigure.objects.filter(
        reserve=reserve, figure="closing_balance", year=reserve.last_year
    ).first()
    readded = result.years[-1].closing if result.years else reserve.opening_balance
    return PrintedTableCheck(
        recorded_at=recorded,
        discrepancies=list(result.discrepancies),
        stated_residual=stated.amount if stated else None,
        readded_residual=readded,
        knock_on=_knock_on(reserve, result, stated.amount if stated else None),
    )


def _knock_on(reserve: Reserve, result: LedgerResult, stated_residual: Decimal | None) -> str:
    """The first arithmetic error in a printed balance, and what it does to the residual, in
    words a councillor reads ("" when the printed balances add up but for rounding)."""
    balances = {reserve.opening_label, reserve.subtotal_label, reserve.closing_label}
    error = next(
        (d for d in result.discrepancies if d.kind == "error" and d.line in balances), None
    )
    if error is None or stated_residual is None:
        return ""
    unit = reserve.reporting_unit or Decimal(1)
    readded = result.years[-1].closing
    held_stated, held_readded = -stated_residual, -readded
    gap = held_stated - held_readded
    millions = (abs(gap) / Decimal(1_000_000)).quantize(Decimal("0.1"))
    return (
        f"In {error.year} the table prints the “{error.line}” as "
        f"{bracketed(error.stated / unit)} but its own figures add up to "
        f"{bracketed(error.computed / unit)}. Each later year starts from the printed figure, so "
        f"the error is carried to the end: the report's residual balance of "
        f"{bracketed(stated_residual / unit)} re-adds to {bracketed(readded / unit)} "
        f"({'£000' if unit == 1000 else '£'}), about £{millions}m "
        f"{'less' if gap > 0 else 'more'} left in the reserve than the report says."
    )


def ledger_invariants(
    reserve: Reserve, result: LedgerResult, entries: QuerySet[ReserveEntry]
) -> list[str]:
    """What must hold of the live ledger, each broken rule in words (empty when all hold): the
    balance kept with the reserve is the opening balance plus every entry, no year ends past
    zero, and no work package has returned more than was released to it."""
    problems = []
    total = entries.aggregate(total=MoneySum("ledger_amount"))["total"] or ZERO
    if entries.count() == reserve.entries.count() and reserve.balance != (
        reserve.opening_balance + total
    ):
        problems.append(
            f"The balance kept with the reserve ({bracketed(reserve.balance)}) is not the opening "
            f"balance plus its entries ({bracketed(reserve.opening_balance + total)})."
        )
    for year in result.years:
        if year.closing > 0:
            problems.append(f"{year.year} ends {year.closing:,.2f} past zero.")
    for work_package, released in released_by_work_package(entries=entries).items():
        if released < 0:
            reference = WorkPackage.objects.filter(pk=work_package).values_list(
                "reference", flat=True
            )
            problems.append(
                f"{reference.first()} has returned {-released:,.2f} more than was released to it."
            )
    return problems


def ledger_as_json(view: ReserveLedgerView) -> dict[str, Any]:
    """The ledger for the API: years with opening, lines, drawdowns and closing."""
    drawdowns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in view.entries:
        if entry.kind == EntryKind.DRAWDOWN:
            drawdowns[entry.year].append(
                {
                    "id": entry.pk,
                    "amount": str(entry.amount),
                    "reason": entry.reason,
                    "authorised_by": entry.authorised_by_id,
                    "authority_role": entry.authority_role,
                    "authority": entry.authority,
                    "work_package": entry.work_package_id,
                    "override_reason": entry.override_reason,
                    "recorded_at": entry.recorded_at.isoformat(),
                }
            )
    subtotal = view.reserve.subtotal_label
    return {
        "reserve": {
            "id": view.reserve.pk,
            "name": view.reserve.name,
            "balance": str(view.reserve.balance),
            "balances_held_as_negatives": True,
        },
        "years": [
            year.to_dict()
            | {
                "balance_before_drawdowns": str(pounds(year.subtotals[subtotal])),
                "drawdowns": drawdowns.get(str(year.year), []),
                "closing_printed": bracketed(year.closing / view.reserve.reporting_unit),
            }
            for year in view.result.years
        ],
        "line_totals": view.result.to_dict()["line_totals"],
        "discrepancies": [discrepancy_json(d) for d in view.discrepancies],
    }


def discrepancy_json(d: Discrepancy) -> dict[str, str]:
    """The shape ``openpmo reserve --json`` and ``reconcile --json`` print (``to_dict``)."""
    return d.to_dict()
