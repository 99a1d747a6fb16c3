"""Reconciliation of a table of stated figures: Table 1 of the seed, and properties.

Table 1's printed totals are rounded true totals, so several disagree by £1k with the sums of
the printed cells; none is an arithmetic error. The figures below were added up by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openpmo.core.errors import ValidationError
from openpmo.core.finance import (
    Table,
    check_figure,
    read_table_csv,
    reconcile_table,
    table_from_rows,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE_1_CSV = REPO_ROOT / "examples" / "etp" / "table1.csv"
D = Decimal


def test_table_1_has_six_rounding_differences_and_no_errors():
    # Given Table 1 as printed, when its totals are re-added,
    found = reconcile_table(read_table_csv(TABLE_1_CSV))
    # then these totals disagree with the cells they add up (worked by hand), all by £1k:
    summary = [(item.year, item.line, item.stated, item.computed, item.kind) for item in found]
    assert summary == [
        ("Total", "TS Business Analyst", D(391), D(390), "rounding"),  # 63+129+131+67
        ("Total", "Enterprise Architect", D(296), D(297), "rounding"),  # 48+98+100+51
        ("Total", "Resource Manager", D(182), D(181), "rounding"),  # 29+60+61+31
        ("2022/23", "Total", D(369), D(368), "rounding"),  # 20+63+43+48+165+29
        ("2023/24", "Total", D(762), D(763), "rounding"),  # 41+129+87+98+348+60
        ("Total", "Total", D(2304), D(2305), "rounding"),  # 124+391+264+296+1048+182
    ]
    # and the FTE column (9.0) and the other totals agree.
    assert all(item.difference == item.stated - item.computed for item in found)


def test_a_typo_in_table_1_is_an_error_at_its_row_and_column_totals():
    table = read_table_csv(TABLE_1_CSV)
    # Given the PMO Manager's 2023/24 cell mistyped as 78 instead of 87,
    cells = [list(row) for row in table.cells]
    assert table.column_labels[2] == "2023/24 £'000" and table.row_labels[2] == "PMO Manager"
    cells[2][2] = D(78)
    typo = Table(
        table.row_labels,
        table.column_labels,
        tuple(tuple(row) for row in cells),
        table.total_row,
        table.total_column,
        table.summed_columns,
        table.rounding_units,
    )
    found = {(item.year, item.line): item for item in reconcile_table(typo)}
    # then the PMO Manager's total and the 2023/24 total are both flagged as errors.
    assert found[("Total", "PMO Manager")].kind == "error"
    assert found[("Total", "PMO Manager")].difference == D(9)
    assert found[("2023/24", "Total")].kind == "error"
    assert found[("2023/24", "Total")].difference == D(-1 + 9)  # the printed -1, plus the typo


def test_a_stated_figure_is_rounding_up_to_the_unit_times_the_terms_and_an_error_beyond():
    def kind(difference: int) -> str | None:
        found = check_figure(
            year="2023/24",
            line="Total",
            stated=D(100 + difference),
            computed=D(100),
            rounding_unit=D(1),
            terms=3,
        )
        return None if found is None else found.kind

    assert kind(0) is None
    assert kind(3) == "rounding"
    assert kind(-3) == "rounding"
    assert kind(4) == "error"


def test_a_table_without_any_total_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="total row nor a total column"):
        table_from_rows([["Item", "2023/24"], ["A", "1"], ["B", "2"]])


def test_text_in_a_figure_names_its_row_and_column():
    with pytest.raises(ValidationError) as error:
        table_from_rows([["Item", "2023/24"], ["A", "1"], ["Total", "three"]], source="t.csv")
    assert error.value.where == "t.csv row 3, column '2023/24'"


# --- properties ---------------------------------------------------------------------------


@st.composite
def consistent_tables(draw: st.DrawFn) -> list[list[str]]:
    """A table whose totals are exact sums, printed as reports print them."""
    height = draw(st.integers(1, 8))
    years = draw(st.integers(1, 6))
    body = [[draw(st.integers(-50_000, 50_000)) for _ in range(years)] for _ in range(height)]
    header = ["Line", *(f"{2021 + year}/{(22 + year) % 100:02d} £'000" for year in range(years))]
    header.append("Total £'000")
    rows = [header]
    for index, cells in enumerate(body):
        rows.append([f"Line {index}", *(_printed(c) for c in cells), _printed(sum(cells))])
    sums = [sum(row[column] for row in body) for column in range(years)]
    rows.append(["Total", *(_printed(c) for c in sums), _printed(sum(sums))])
    return rows


def _printed(amount: int) -> str:
    return f"({-amount:,})" if amount < 0 else f"{amount:,}"


@settings(max_examples=150, deadline=None)
@given(rows=consistent_tables())
def test_a_consistent_table_has_no_discrepancies(rows):
    assert reconcile_table(table_from_rows(rows)) == ()


@settings(max_examples=150, deadline=None)
@given(rows=consistent_tables(), data=st.data())
def test_perturbing_a_stated_total_beyond_tolerance_is_found_at_that_cell(rows, data):
    # Given a consistent table, when one stated total is changed by more than its tolerance,
    table = table_from_rows(rows)
    height, width = len(table.row_labels), len(table.column_labels)
    last_row, last_column = height - 1, width - 1
    if data.draw(st.booleans()):
        row, column = last_row, data.draw(st.integers(0, last_column))
        tolerance = height - 1  # the body rows added up
        if column == last_column:  # the grand total is also the sum across the total row
            tolerance = max(tolerance, width - 1)
    else:
        row, column = data.draw(st.integers(0, last_row - 1)), last_column
        tolerance = width - 1  # the year columns added up
    shift = data.draw(st.integers(tolerance + 1, 10**6)) * data.draw(st.sampled_from([1, -1]))
    stated = table.cells[row][column]
    assert stated is not None
    changed = [list(cells) for cells in table.cells]
    changed[row][column] = stated + shift
    perturbed = Table(
        table.row_labels,
        table.column_labels,
        tuple(tuple(cells) for cells in changed),
        table.total_row,
        table.total_column,
        table.summed_columns,
        table.rounding_units,
    )
    found = reconcile_table(perturbed)
    # then an error is reported at exactly that cell, by exactly that amount.
    at_cell = [
        item
        for item in found
        if item.line == table.row_labels[row]
        and item.year in (table.column_labels[column][:7], "Total")
        and item.difference == shift
    ]
    assert len(at_cell) == 1
    assert at_cell[0].kind == "error"


@settings(max_examples=150, deadline=None)
@given(rows=consistent_tables(), data=st.data())
def test_perturbing_a_body_figure_is_found_at_its_row_and_column_totals(rows, data):
    table = table_from_rows(rows)
    row = data.draw(st.integers(0, len(table.row_labels) - 2))
    column = data.draw(st.integers(0, len(table.column_labels) - 2))
    shift = data.draw(st.integers(len(table.row_labels) + len(table.column_labels), 10**6))
    changed = [list(cells) for cells in table.cells]
    value = changed[row][column]
    assert value is not None
    changed[row][column] = value + shift
    perturbed = Table(
        table.row_labels,
        table.column_labels,
        tuple(tuple(cells) for cells in changed),
        table.total_row,
        table.total_column,
        table.summed_columns,
        table.rounding_units,
    )
    found = {(item.year, item.line): item for item in reconcile_table(perturbed)}
    year = table.column_labels[column][:7]
    # The row's total and the column's total each say the stated figure is short by the shift.
    assert found[("Total", table.row_labels[row])].difference == -shift
    assert found[(year, "Total")].difference == -shift
    assert {item.kind for item in found.values()} == {"error"}


def test_a_discrepancy_serialises_in_pounds_and_pence_rounded_half_up():
    # Given a stated figure a half penny off the one re-added from its terms,
    found = check_figure(
        year="2023/24",
        line="Total",
        stated=D("10.125"),
        computed=D("12.000"),
        rounding_unit=D("0.001"),
        terms=2,
    )
    # then the CLI and the API both read it in pence, half up (half-even would print 10.12).
    assert found is not None and found.to_dict() == {
        "year": "2023/24",
        "line": "Total",
        "stated": "10.13",
        "computed": "12.00",
        "difference": "-1.88",
        "kind": "error",
    }
