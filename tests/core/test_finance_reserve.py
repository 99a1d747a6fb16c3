"""The reserve ledger: balances carried forward, Table 2 reconciled, drawdowns checked.

Table 2 of the seed, added up by hand (£'000, balances negative):
  2021/22  (8,749) + (10,000) + 8,109 = (10,640), printed (11,640)  -> an error of 1,000
  2022/23  (11,640) + (10,000) + 8,678 = (12,962), printed (12,963) -> rounding
  approved net withdrawals 8,109 + 8,678 + 7,123 + 4,504 + 0 = 28,414, printed 28,413 -> rounding
  §6.1.5 asks for £2.279m; the drawdown line adds up to 2,304 (as §6.1.2 says)  -> an error
Every other printed balance follows from the printed balance before it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from openpmo.core.errors import ValidationError
from openpmo.core.finance import (
    LedgerLine,
    ReserveLedger,
    StatedFigures,
    bracketed,
    check_drawdown,
    compute_ledger,
    load_reserve_yaml,
)
from openpmo.core.money import FinancialYear

REPO_ROOT = Path(__file__).resolve().parents[2]
RESERVE_YAML = REPO_ROOT / "examples" / "etp" / "reserve.yaml"
FY = FinancialYear.parse
D = Decimal
CURRENT = "Current Planned Balance to support the ETP"
DRAWDOWN = "Drawdown to fund the ETP Core Team"


def test_table_2s_arithmetic_error_is_found_where_it_is_made():
    # Given Table 2 as printed, when it is re-added,
    found = compute_ledger(load_reserve_yaml(RESERVE_YAML)).discrepancies
    errors = [item for item in found if item.kind == "error"]
    # then the 2021/22 current planned balance is £1,000k out,
    assert (errors[0].year, errors[0].line) == ("2021/22", CURRENT)
    assert (errors[0].stated, errors[0].computed, errors[0].difference) == (
        D(-11640),
        D(-10640),
        D(-1000),
    )
    # and §6.1.5's £2.279m disagrees with the drawdown the table (and §6.1.2) add up to.
    assert errors[1].year == "Total"
    assert errors[1].line.startswith(DRAWDOWN) and "§6.1.5" in errors[1].line
    assert (errors[1].stated, errors[1].computed) == (D(2279), D(2304))
    assert len(errors) == 2


def test_table_2s_rounding_differences_are_told_apart_from_errors():
    found = compute_ledger(load_reserve_yaml(RESERVE_YAML)).discrepancies
    rounding = [
        (item.year, item.line, item.difference) for item in found if item.kind == "rounding"
    ]
    assert rounding == [
        ("2022/23", CURRENT, D(-1)),
        ("Total", "Approved Net Withdrawals", D(-1)),
        ("Total", "Approved Net Withdrawals (as quoted in §3.3, £28.4m approved)", D(-14)),
    ]


def test_the_ledger_carries_each_closing_balance_forward_as_the_next_opening():
    result = compute_ledger(load_reserve_yaml(RESERVE_YAML))
    for before, after in zip(result.years, result.years[1:], strict=False):
        assert after.opening == before.closing
    for entry in result.years:
        assert entry.closing == entry.opening + entry.movement
        assert entry.movement == sum(entry.lines.values())
    # Re-added from the printed 2021/22 opening balance, the reserve holds £1,001k less at the
    # end than the report says (its 1,000 error plus the 1 of rounding in 2022/23).
    assert result.years[-1].closing == D(-13031)
    assert result.line_totals[DRAWDOWN] == D(2304)


def ledger(**stated: object) -> ReserveLedger:
    years = (FY("2023/24"), FY("2024/25"), FY("2025/26"))
    return ReserveLedger(
        years=years,
        opening_balance=D(-1000),
        lines=(
            LedgerLine("Contributions", {FY("2023/24"): D(-500)}),
            LedgerLine("Withdrawals", {FY("2023/24"): D(300), FY("2024/25"): D(400)}),
        ),
        stated=StatedFigures(**stated),  # type: ignore[arg-type]
    )


def test_a_drawdown_that_would_take_the_reserve_past_zero_in_a_later_year_is_refused():
    # Given a reserve of 1,000 + 500 - 300 = 1,200 held after 2023/24, and 800 after 2024/25,
    result = compute_ledger(ledger())
    assert [entry.closing for entry in result.years] == [D(-1200), D(-800), D(-800)]
    # a drawdown of 800 in 2023/24 is allowed (it leaves exactly nothing by 2024/25),
    fits = check_drawdown(result, year=FY("2023/24"), amount=D(800))
    assert fits.allowed
    assert fits.closing_after[FY("2025/26")] == 0
    # but 801 is refused, because the 2024/25 withdrawals would then overdraw the reserve.
    too_much = check_drawdown(result, year=FY("2023/24"), amount=D(801))
    assert not too_much.allowed
    assert too_much.first_year_past_zero == FY("2024/25")
    assert too_much.closing_after[FY("2023/24")] == D(-399)


def test_a_drawdown_must_be_a_positive_amount_in_one_of_the_ledgers_years():
    result = compute_ledger(ledger())
    with pytest.raises(ValidationError, match="more than zero"):
        check_drawdown(result, year=FY("2023/24"), amount=D(0))
    with pytest.raises(ValidationError, match="not one of the ledger's years"):
        check_drawdown(result, year=FY("2030/31"), amount=D(1))


def test_a_consistent_ledger_has_no_discrepancies_and_an_inconsistent_one_is_found_once():
    good = ledger(
        opening_balance={FY("2024/25"): D(-1200)},
        closing_balance={FY("2023/24"): D(-1200), FY("2025/26"): D(-800)},
        totals={"Withdrawals": D(700)},
    )
    assert compute_ledger(good).discrepancies == ()
    # A wrong 2023/24 closing balance is reported there, and the years after it, which follow
    # from the printed figure, are not reported again.
    bad = ledger(
        closing_balance={FY("2023/24"): D(-1300), FY("2024/25"): D(-900), FY("2025/26"): D(-900)}
    )
    found = compute_ledger(bad).discrepancies
    assert [(item.year, item.difference, item.kind) for item in found] == [
        ("2023/24", D(-100), "error")
    ]


def test_a_line_with_a_year_outside_the_ledger_is_refused():
    with pytest.raises(ValidationError, match="not one of the ledger's years") as error:
        ReserveLedger(
            years=(FY("2023/24"),),
            opening_balance=D(0),
            lines=(LedgerLine("Withdrawals", {FY("2024/25"): D(1)}),),
        )
    assert error.value.where == "lines.Withdrawals"


@pytest.mark.parametrize(
    ("amount", "places", "printed"),
    [
        (D(-8749), 0, "(8,749)"),
        (D(28413), 0, "28,413"),
        (D("-0.4"), 0, "0"),
        (D("-1.5"), 2, "(1.50)"),
    ],
)
def test_balances_are_printed_the_way_the_report_prints_them(amount, places, printed):
    assert bracketed(amount, places=places) == printed
