"""Finance engines: team cost and reserve ledger, 10,000 roles (lines) x 10 financial years.

Team cost: ``compute_team_cost`` (Decimal, days per financial year by date arithmetic) beside two
baselines run on the same roles in the same run: a naive loop that walks every day in post and
adds that day's Decimal cost (what a spreadsheet's daily proration does), and the same engine's
arithmetic in float (the price of exact money). Reserve ledger: ``compute_ledger`` with its
reconciliation of stated balances and totals, beside a naive ledger that re-adds every line from
the first year for each year's balance (Decimal), and the same running sums in float. Both
engines' answers are checked against their Decimal baseline before timing.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import numpy as np

from benchmarks._timing import best_of, report
from openpmo.core.finance import (
    LedgerLine,
    ReserveLedger,
    Role,
    StatedFigures,
    TeamCostModel,
    compute_ledger,
    compute_team_cost,
)
from openpmo.core.money import FinancialYear, pounds

ROLES = 10_000
YEARS = 10
BASE = FinancialYear(2022)
LAST_DAY = dt.date(BASE.start_year + YEARS, 3, 31)


def team(seed: int = 20221001) -> TeamCostModel:
    generator = np.random.default_rng(seed)
    roles = []
    span = (LAST_DAY - BASE.first_day).days
    for index in range(ROLES):
        start = BASE.first_day + dt.timedelta(days=int(generator.integers(span)))
        end = min(start + dt.timedelta(days=int(generator.integers(30, 3650))), LAST_DAY)
        fte = Decimal(str(generator.choice(["0.5", "1.0", "1.0", "2.0"])))
        roles.append(
            Role(
                f"Role {index}",
                fte,
                start,
                end,
                annual_cost=Decimal(int(generator.integers(25_000, 120_000))),
            )
        )
    inflation = {BASE + step: Decimal("0.02") for step in range(1, YEARS)}
    inflation[BASE + 1] = Decimal("0.05")
    return TeamCostModel(BASE, inflation, tuple(roles), cap=Decimal(10**10))


def per_day_total(model: TeamCostModel) -> Decimal:
    """The naive baseline: walk every day in post and add that day's cost."""
    index = {year: model.price_index(year) for year in FinancialYear.span(BASE, BASE + (YEARS - 1))}
    total = Decimal(0)
    one_day = dt.timedelta(days=1)
    for role in model.roles:
        annual = role.annual_cost_of_post
        day = role.start
        while day <= role.end:
            year = FinancialYear(day.year if day.month >= 4 else day.year - 1)
            total += annual * index[year] / year.days
            day += one_day
    return total


def float_total(model: TeamCostModel) -> float:
    """The same arithmetic as the engine, in float."""
    years = FinancialYear.span(BASE, BASE + (YEARS - 1))
    index = {year: float(model.price_index(year)) for year in years}
    year_days = {year: float(year.days) for year in years}
    total = 0.0
    for role in model.roles:
        annual = float(role.annual_cost_of_post)
        year = FinancialYear.containing(role.start)
        while True:
            first = max(role.start, year.first_day)
            last = min(role.end, year.last_day)
            total += annual * index[year] * ((last - first).days + 1) / year_days[year]
            if last == role.end:
                break
            year = year.next()
    return total


def ledger(seed: int = 7) -> ReserveLedger:
    generator = np.random.default_rng(seed)
    years = tuple(FinancialYear.span(BASE, BASE + (YEARS - 1)))
    lines = tuple(
        LedgerLine(
            f"Line {index}",
            {year: Decimal(int(generator.integers(-500_000, 500_000))) / 100 for year in years},
        )
        for index in range(ROLES)
    )
    plain = ReserveLedger(years, Decimal(-(10**9)), lines)
    computed = compute_ledger(plain, reconcile=False)
    stated = StatedFigures(
        closing_balance={entry.year: entry.closing for entry in computed.years},
        totals=dict(computed.line_totals),
    )
    return ReserveLedger(years, plain.opening_balance, lines, stated=stated)


def naive_closings(book: ReserveLedger) -> list[Decimal]:
    """Each year's closing balance re-added from the first year's opening, line by line."""
    closings = []
    for position in range(len(book.years)):
        balance = book.opening_balance
        for year in book.years[: position + 1]:
            for line in book.lines:
                balance += line.amounts.get(year, Decimal(0))
        closings.append(balance)
    return closings


def float_closings(book: ReserveLedger) -> list[float]:
    balance = float(book.opening_balance)
    closings = []
    for year in book.years:
        for line in book.lines:
            balance += float(line.amounts.get(year, 0))
        closings.append(balance)
    return closings


def run() -> None:
    model = team()
    ours = compute_team_cost(model)
    print(f"   team cost: {ROLES:,} roles x {YEARS} years, total £{pounds(ours.total):,}")
    engine = best_of(lambda: compute_team_cost(model), repeat=3)
    started = time.perf_counter()  # the per-day loop takes seconds: run it once, and check it
    by_day = per_day_total(model)
    per_day = time.perf_counter() - started
    assert abs(ours.total - by_day) < Decimal("0.01"), "the engine and the per-day loop disagree"
    report("team cost vs per-day Decimal loop", engine, per_day, "per-day")
    report(
        "team cost vs same arithmetic in float",
        engine,
        best_of(lambda: float_total(model), repeat=3),
        "float",
    )

    book = ledger()
    result = compute_ledger(book)
    assert result.discrepancies == (), "a consistent ledger must reconcile"
    assert [entry.closing for entry in result.years] == naive_closings(book)
    print(f"   ledger: {ROLES:,} lines x {YEARS} years, balances and reconciliation")
    engine = best_of(lambda: compute_ledger(book), repeat=3)
    report(
        "ledger vs naive re-adding (Decimal)",
        engine,
        best_of(lambda: naive_closings(book), repeat=1),
        "naive",
    )
    report(
        "ledger vs running sums in float",
        engine,
        best_of(lambda: float_closings(book), repeat=3),
        "float",
    )
