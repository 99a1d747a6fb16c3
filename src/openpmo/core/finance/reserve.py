"""The earmarked reserve as a ledger by financial year (seed §3.3, §6.1.5-6.1.6, Table 2).

Each year opens with the previous year's closing balance; its lines (planned MTFS contributions,
approved net withdrawals, drawdowns, returns of unspent funds...) add up to the year's movement,
and ``closing = opening + movement`` is carried forward. Council reports hold a reserve's
balance as a negative figure (a credit) and print negatives in brackets: ``(8,749)``; contributions
are negative and withdrawals positive, so a drawdown that leaves a balance above zero has spent
money the reserve does not hold. :func:`check_drawdown` says whether a proposed drawdown would.

The figures a report prints (opening and closing balances, balances part-way through a year,
line totals, and the same totals quoted in its text) are reconciled against the ledger: each
stated balance is compared with the stated balance before it plus the lines in between, so an
error is reported once, where it is made, and not again in every year after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpmo.core.errors import ValidationError
from openpmo.core.finance import _inputs
from openpmo.core.finance.reconcile import Discrepancy, check_figure
from openpmo.core.money import FinancialYear, pounds

__all__ = [
    "DrawdownCheck",
    "LedgerLine",
    "LedgerResult",
    "LedgerYear",
    "QuotedTotal",
    "ReserveLedger",
    "StatedFigures",
    "Subtotal",
    "bracketed",
    "check_drawdown",
    "compute_ledger",
    "ledger_from_mapping",
    "load_reserve_yaml",
    "reconcile_ledger",
]

ZERO = Decimal(0)


def bracketed(amount: Decimal, *, places: int = 0) -> str:
    """``-8749`` -> ``"(8,749)"``, ``28413`` -> ``"28,413"``: the way reports print reserves."""
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}"
    return f"({text})" if rounded < 0 else text


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """A line of the ledger: its amount in each year (missing years are zero)."""

    name: str
    amounts: Mapping[FinancialYear, Decimal]


@dataclass(frozen=True, slots=True)
class Subtotal:
    """A balance a report prints part-way through a year: the running balance after ``after``."""

    name: str
    after: str


@dataclass(frozen=True, slots=True)
class QuotedTotal:
    """A line's total as quoted elsewhere (in the report's text), with its own rounding unit."""

    line: str
    amount: Decimal
    source: str
    rounding_unit: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class StatedFigures:
    """The figures as printed, to be checked against the ledger; any of them may be absent."""

    opening_balance: Mapping[FinancialYear, Decimal] = field(default_factory=dict)
    subtotals: Mapping[str, Mapping[FinancialYear, Decimal]] = field(default_factory=dict)
    closing_balance: Mapping[FinancialYear, Decimal] = field(default_factory=dict)
    totals: Mapping[str, Decimal] = field(default_factory=dict)
    quoted: tuple[QuotedTotal, ...] = ()


@dataclass(frozen=True, slots=True)
class ReserveLedger:
    """A reserve over ``years``: the first year's opening balance and the lines that move it."""

    years: tuple[FinancialYear, ...]
    opening_balance: Decimal
    lines: tuple[LedgerLine, ...]
    subtotals: tuple[Subtotal, ...] = ()
    stated: StatedFigures = field(default_factory=StatedFigures)
    title: str = "Reserve"
    units: str = "£"
    rounding_unit: Decimal = Decimal(1)
    balances_negative: bool = True
    opening_label: str = "Opening balance"
    closing_label: str = "Closing balance"

    def __post_init__(self) -> None:
        if not self.years:
            raise ValidationError("must list at least one year", where="years")
        if list(self.years) != FinancialYear.span(self.years[0], self.years[-1]):
            raise ValidationError("must be consecutive financial years, in order", where="years")
        known = set(self.years)
        names = [line.name for line in self.lines]
        if len(set(names)) != len(names):
            raise ValidationError("two lines have the same name", where="lines")
        for line in self.lines:
            for year in line.amounts:
                if year not in known:
                    raise ValidationError(
                        f"{year} is not one of the ledger's years", where=f"lines.{line.name}"
                    )
        for subtotal in self.subtotals:
            if subtotal.after not in names:
                raise ValidationError(
                    f"comes after {subtotal.after!r}, which is not a line",
                    where=f"subtotals.{subtotal.name}",
                )
        stated = self.stated
        for label, figures in (
            ("opening_balance", stated.opening_balance),
            ("closing_balance", stated.closing_balance),
            *((f"subtotals.{name}", values) for name, values in stated.subtotals.items()),
        ):
            for year in figures:
                if year not in known:
                    raise ValidationError(
                        f"{year} is not one of the ledger's years", where=f"stated.{label}"
                    )
        subtotal_names = {subtotal.name for subtotal in self.subtotals}
        for name in stated.subtotals:
            if name not in subtotal_names:
                raise ValidationError("is not a subtotal of the ledger", where=f"stated.{name}")
        for name in [*stated.totals, *(quote.line for quote in stated.quoted)]:
            if name not in names:
                raise ValidationError("is not a line of the ledger", where=f"stated.totals.{name}")


@dataclass(frozen=True, slots=True)
class LedgerYear:
    year: FinancialYear
    opening: Decimal
    lines: dict[str, Decimal]
    subtotals: dict[str, Decimal]
    movement: Decimal
    closing: Decimal

    def to_dict(self) -> dict[str, Any]:
        """The year as JSON-ready data: amounts as strings of pounds and pence rounded half up."""
        return {
            "year": str(self.year),
            "opening": str(pounds(self.opening)),
            "lines": {name: str(pounds(amount)) for name, amount in self.lines.items()},
            "subtotals": {name: str(pounds(amount)) for name, amount in self.subtotals.items()},
            "movement": str(pounds(self.movement)),
            "closing": str(pounds(self.closing)),
        }


@dataclass(frozen=True, slots=True)
class LedgerResult:
    ledger: ReserveLedger
    years: tuple[LedgerYear, ...]
    line_totals: dict[str, Decimal]
    discrepancies: tuple[Discrepancy, ...]

    def to_dict(self) -> dict[str, Any]:
        """The one shape ``openpmo reserve --json`` prints and the API's ledger builds on: each
        year, each line's total over the years, and the stated figures that disagree."""
        return {
            "years": [entry.to_dict() for entry in self.years],
            "line_totals": {name: str(pounds(total)) for name, total in self.line_totals.items()},
            "discrepancies": [item.to_dict() for item in self.discrepancies],
        }

    def closing(self, year: FinancialYear) -> Decimal:
        for entry in self.years:
            if entry.year == year:
                return entry.closing
        raise ValidationError(f"{year} is not one of the ledger's years", where="year")


@dataclass(frozen=True, slots=True)
class DrawdownCheck:
    """Whether a drawdown keeps the reserve within its means in its year and every year after."""

    year: FinancialYear
    amount: Decimal
    closing_after: dict[FinancialYear, Decimal]
    first_year_past_zero: FinancialYear | None

    @property
    def allowed(self) -> bool:
        return self.first_year_past_zero is None


def _balances(ledger: ReserveLedger) -> tuple[LedgerYear, ...]:
    after: dict[str, list[str]] = {}
    for subtotal in ledger.subtotals:
        after.setdefault(subtotal.after, []).append(subtotal.name)
    years: list[LedgerYear] = []
    opening = ledger.opening_balance
    for year in ledger.years:
        running = opening
        amounts: dict[str, Decimal] = {}
        subtotals: dict[str, Decimal] = {}
        for line in ledger.lines:
            amount = line.amounts.get(year, ZERO)
            amounts[line.name] = amount
            running += amount
            for name in after.get(line.name, ()):
                subtotals[name] = running
        years.append(LedgerYear(year, opening, amounts, subtotals, running - opening, running))
        opening = running
    return tuple(years)


def reconcile_ledger(ledger: ReserveLedger) -> tuple[Discrepancy, ...]:
    """Every stated figure of ``ledger`` that disagrees with the ledger's arithmetic."""
    stated = ledger.stated
    unit = ledger.rounding_unit
    after: dict[str, list[str]] = {}
    for subtotal in ledger.subtotals:
        after.setdefault(subtotal.after, []).append(subtotal.name)
    found: list[Discrepancy] = []
    anchor = ledger.opening_balance  # the last stated (or given) balance
    since = ZERO  # lines added since the anchor
    terms = 0  # how many figures were added since the anchor

    def check(year: FinancialYear, line: str, figure: Decimal | None) -> None:
        nonlocal anchor, since, terms
        if figure is None:
            return
        discrepancy = check_figure(
            year=str(year),
            line=line,
            stated=figure,
            computed=anchor + since,
            rounding_unit=unit,
            terms=terms + 1,
        )
        if discrepancy is not None:
            found.append(discrepancy)
        anchor, since, terms = figure, ZERO, 0

    for year in ledger.years:
        check(year, ledger.opening_label, stated.opening_balance.get(year))
        for line in ledger.lines:
            if year in line.amounts:
                since += line.amounts[year]
                terms += 1
            for name in after.get(line.name, ()):
                check(year, name, stated.subtotals.get(name, {}).get(year))
        check(year, ledger.closing_label, stated.closing_balance.get(year))

    by_name = {line.name: line for line in ledger.lines}
    for name, figure in stated.totals.items():
        amounts = by_name[name].amounts
        discrepancy = check_figure(
            year="Total",
            line=name,
            stated=figure,
            computed=sum(amounts.values(), ZERO),
            rounding_unit=unit,
            terms=len(amounts),
        )
        if discrepancy is not None:
            found.append(discrepancy)
    for quote in stated.quoted:
        amounts = by_name[quote.line].amounts
        discrepancy = check_figure(
            year="Total",
            line=f"{quote.line} (as quoted in {quote.source})",
            stated=quote.amount,
            computed=sum(amounts.values(), ZERO),
            rounding_unit=quote.rounding_unit,
            terms=1,  # a quoted total is one figure rounded once
            note=quote.source,
        )
        if discrepancy is not None:
            found.append(discrepancy)
    return tuple(found)


def compute_ledger(ledger: ReserveLedger, *, reconcile: bool = True) -> LedgerResult:
    """Balances year by year, line totals, and (unless told not to) the discrepancies."""
    line_totals = {line.name: sum(line.amounts.values(), ZERO) for line in ledger.lines}
    return LedgerResult(
        ledger=ledger,
        years=_balances(ledger),
        line_totals=line_totals,
        discrepancies=reconcile_ledger(ledger) if reconcile else (),
    )


def check_drawdown(result: LedgerResult, *, year: FinancialYear, amount: Decimal) -> DrawdownCheck:
    """Would drawing ``amount`` (a positive sum taken out) in ``year`` take the balance past zero?

    The drawdown lowers the reserve in its year and so in every later year; the check looks at the
    closing balance of each. A balance exactly at zero is allowed (the reserve is fully spent).
    """
    if amount <= 0:
        raise ValidationError(f"must be more than zero, got {amount}", where="amount")
    if year not in result.ledger.years:
        raise ValidationError(f"{year} is not one of the ledger's years", where="year")
    sign = 1 if result.ledger.balances_negative else -1
    closing_after: dict[FinancialYear, Decimal] = {}
    first: FinancialYear | None = None
    for entry in result.years:
        if entry.year < year:
            continue
        balance = entry.closing + sign * amount
        closing_after[entry.year] = balance
        if first is None and sign * balance > 0:
            first = entry.year
    return DrawdownCheck(year, amount, closing_after, first)


# --- loading ---------------------------------------------------------------------------------


def _quoted(raw: object, index: int) -> QuotedTotal:
    where = f"stated.quoted[{index}]"
    fields = _inputs.as_mapping(raw, where)
    unit = fields.get("rounding_unit")
    return QuotedTotal(
        line=_inputs.as_text(_inputs.require(fields, "line", where), f"{where}.line"),
        amount=_inputs.as_money(_inputs.require(fields, "total", where), f"{where}.total"),
        source=_inputs.as_text(_inputs.require(fields, "source", where), f"{where}.source"),
        rounding_unit=Decimal(1)
        if unit is None
        else _inputs.as_number(unit, f"{where}.rounding_unit", minimum=ZERO),
    )


def ledger_from_mapping(document: Mapping[str, Any]) -> ReserveLedger:
    """A ledger from the YAML shape of ``examples/etp/reserve.yaml``."""
    years = tuple(
        _inputs.as_year(value, f"years[{index}]")
        for index, value in enumerate(
            _inputs.as_list(_inputs.require(document, "years", ""), "years")
        )
    )
    opening = _inputs.as_money(_inputs.require(document, "opening_balance", ""), "opening_balance")
    lines = tuple(
        LedgerLine(_inputs.as_text(name, "lines"), _inputs.money_by_year(amounts, f"lines.{name}"))
        for name, amounts in _inputs.as_mapping(
            _inputs.require(document, "lines", ""), "lines"
        ).items()
    )
    subtotals = tuple(
        Subtotal(
            _inputs.as_text(name, "subtotals"),
            _inputs.as_text(
                _inputs.require(
                    _inputs.as_mapping(spec, f"subtotals.{name}"), "after", f"subtotals.{name}"
                ),
                f"subtotals.{name}.after",
            ),
        )
        for name, spec in _inputs.as_mapping(document.get("subtotals") or {}, "subtotals").items()
    )
    raw_stated = _inputs.as_mapping(document.get("stated") or {}, "stated")
    known = {"opening_balance", "closing_balance", "subtotals", "totals", "quoted"}
    for key in raw_stated:
        if key not in known:
            raise ValidationError(
                f"unknown field; expected one of {sorted(known)}", where=f"stated.{key}"
            )
    stated = StatedFigures(
        opening_balance=_inputs.money_by_year(
            raw_stated.get("opening_balance") or {}, "stated.opening_balance"
        ),
        closing_balance=_inputs.money_by_year(
            raw_stated.get("closing_balance") or {}, "stated.closing_balance"
        ),
        subtotals={
            str(name): _inputs.money_by_year(values, f"stated.subtotals.{name}")
            for name, values in _inputs.as_mapping(
                raw_stated.get("subtotals") or {}, "stated.subtotals"
            ).items()
        },
        totals={
            str(name): _inputs.as_money(value, f"stated.totals.{name}")
            for name, value in _inputs.as_mapping(
                raw_stated.get("totals") or {}, "stated.totals"
            ).items()
        },
        quoted=tuple(
            _quoted(raw, index)
            for index, raw in enumerate(
                _inputs.as_list(raw_stated.get("quoted") or [], "stated.quoted")
            )
        ),
    )
    unit = document.get("rounding_unit")
    negative = document.get("balances_negative", True)
    if not isinstance(negative, bool):
        raise ValidationError("must be true or false", where="balances_negative")
    return ReserveLedger(
        years=years,
        opening_balance=opening,
        lines=lines,
        subtotals=subtotals,
        stated=stated,
        title=str(document.get("title") or "Reserve"),
        units=str(document.get("units") or "£"),
        rounding_unit=Decimal(1)
        if unit is None
        else _inputs.as_number(unit, "rounding_unit", minimum=ZERO),
        balances_negative=negative,
        opening_label=str(document.get("opening_label") or "Opening balance"),
        closing_label=str(document.get("closing_label") or "Closing balance"),
    )


def load_reserve_yaml(path: str | Path) -> ReserveLedger:
    """Read a reserve ledger from YAML."""
    return ledger_from_mapping(_inputs.load_yaml_mapping(path))
