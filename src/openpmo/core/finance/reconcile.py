"""Reconciliation: re-add a table of stated figures and list every total that disagrees.

A report prints figures rounded to a unit (£1, £'000), so a printed total may differ from the sum
of the printed figures above it by a little: at most the rounding unit for each figure added.
Every disagreement is listed with the year (column), the line (row), the stated figure, the
computed one and ``difference = stated - computed``; it is classed ``rounding`` when
``|difference| <= rounding unit x number of terms`` and ``error`` otherwise.

:func:`reconcile_table` checks a plain table with a total row and/or a total column (Table 1 of
the seed); :mod:`openpmo.core.finance.reserve` checks a reserve ledger's running balances with the
same :func:`check_figure`. :func:`read_table_csv` reads a table as a report prints it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from openpmo.core import xlsx
from openpmo.core.errors import ParseError, ValidationError
from openpmo.core.finance import _inputs
from openpmo.core.money import FinancialYear, parse_money, pounds

__all__ = [
    "Discrepancy",
    "DiscrepancyKind",
    "Table",
    "check_figure",
    "read_table",
    "read_table_csv",
    "read_table_xlsx",
    "reconcile_table",
    "table_from_rows",
]

DiscrepancyKind = Literal["rounding", "error"]
ZERO = Decimal(0)
ONE = Decimal(1)
_TOTAL = re.compile(r"^\s*total\b", re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]*>|\*\*")
_FY_HEADER = re.compile(r"^\s*(\d{4}\s*[/-]\s*\d{2,4})")


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A stated figure that disagrees with the figure re-added from its terms."""

    year: str
    line: str
    stated: Decimal
    computed: Decimal
    difference: Decimal
    kind: DiscrepancyKind
    tolerance: Decimal
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        """The one JSON shape of a discrepancy (CLI and API): amounts as strings of pounds and
        pence rounded half up, ``kind`` ``rounding`` or ``error``."""
        return {
            "year": self.year,
            "line": self.line,
            "stated": str(pounds(self.stated)),
            "computed": str(pounds(self.computed)),
            "difference": str(pounds(self.difference)),
            "kind": self.kind,
        }


def check_figure(
    *,
    year: str,
    line: str,
    stated: Decimal,
    computed: Decimal,
    rounding_unit: Decimal,
    terms: int,
    note: str = "",
) -> Discrepancy | None:
    """Compare one stated figure with its computed value; ``None`` when they agree exactly."""
    difference = stated - computed
    if difference == 0:
        return None
    tolerance = rounding_unit * max(terms, 1)
    kind: DiscrepancyKind = "rounding" if abs(difference) <= tolerance else "error"
    return Discrepancy(year, line, stated, computed, difference, kind, tolerance, note)


@dataclass(frozen=True, slots=True)
class Table:
    """A table of figures: ``cells[row][column]`` (``None`` where blank).

    ``total_row`` and ``total_column`` index the stated totals (either may be ``None``);
    ``summed_columns`` are the columns the total column adds up (a FTE column is not one of
    them). ``rounding_units`` gives each column's unit (the figures' last printed place).
    """

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Decimal | None, ...], ...]
    total_row: int | None
    total_column: int | None
    summed_columns: tuple[int, ...]
    rounding_units: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        width = len(self.column_labels)
        if len(self.cells) != len(self.row_labels):
            raise ValidationError("there must be one label per row", where="table")
        for index, row in enumerate(self.cells):
            if len(row) != width:
                raise ValidationError(
                    f"has {len(row)} figures, the header has {width} columns",
                    where=f"row {self.row_labels[index]!r}",
                )
        if len(self.rounding_units) != width:
            raise ValidationError("there must be one rounding unit per column", where="table")
        if self.total_column is not None and self.total_column in self.summed_columns:
            raise ValidationError("the total column cannot add itself up", where="table")


def _year_label(label: str) -> str:
    """``"2022/23 £'000"`` -> ``"2022/23"``; a total column -> ``"Total"``; else the label."""
    match = _FY_HEADER.match(label)
    if match:
        try:
            return str(FinancialYear.parse(match.group(1)))
        except ValidationError:
            return label
    return "Total" if _TOTAL.match(label) else label


def reconcile_table(
    table: Table, *, rounding_unit: Decimal | None = None
) -> tuple[Discrepancy, ...]:
    """Check every stated total in ``table``; ``rounding_unit`` overrides the columns' own units.

    The total column is checked against the summed columns of its row (the total row's cell
    included: across the row of column totals); the total row against the other rows of its
    column. The corner cell is checked both ways and reported once, by the larger difference.
    """
    units = (
        tuple(rounding_unit for _ in table.column_labels)
        if rounding_unit is not None
        else table.rounding_units
    )
    body = [index for index in range(len(table.row_labels)) if index != table.total_row]
    found: dict[tuple[int, int], Discrepancy] = {}

    def keep(key: tuple[int, int], discrepancy: Discrepancy | None) -> None:
        if discrepancy is None:
            return
        held = found.get(key)
        if held is None or abs(discrepancy.difference) > abs(held.difference):
            found[key] = discrepancy

    if table.total_column is not None:
        column = table.total_column
        for row, cells in enumerate(table.cells):
            stated = cells[column]
            if stated is None:
                continue
            terms = [cells[index] for index in table.summed_columns if cells[index] is not None]
            unit = max([units[index] for index in table.summed_columns] + [units[column]])
            keep(
                (row, column),
                check_figure(
                    year="Total",
                    line=table.row_labels[row],
                    stated=stated,
                    computed=sum((term for term in terms if term is not None), ZERO),
                    rounding_unit=unit,
                    terms=len(terms),
                    note="across the row",
                ),
            )
    if table.total_row is not None:
        total_row = table.cells[table.total_row]
        for column, stated in enumerate(total_row):
            if stated is None:
                continue
            terms = [
                table.cells[row][column] for row in body if table.cells[row][column] is not None
            ]
            keep(
                (table.total_row, column),
                check_figure(
                    year=_year_label(table.column_labels[column]),
                    line=table.row_labels[table.total_row],
                    stated=stated,
                    computed=sum((term for term in terms if term is not None), ZERO),
                    rounding_unit=units[column],
                    terms=len(terms),
                    note="down the column",
                ),
            )
    return tuple(found[key] for key in sorted(found))


def _clean(text: str) -> str:
    return _MARKUP.sub("", text).strip()


def _places(text: str) -> int:
    digits = text.strip().strip("()").replace(",", "").replace("£", "")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def table_from_rows(rows: Sequence[Sequence[str]], *, source: str = "table") -> Table:
    """A table from text rows: a header row, then one row per line with its label first.

    A row whose label starts with "Total" is the total row; a column whose header starts with
    "Total" is the total column. When some headers are financial years (``2022/23 £'000``) the
    total column adds those columns; otherwise it adds every other figure column. Figures may be
    printed with thousands separators, ``£`` and brackets for negatives; blanks are allowed.
    """
    rows = [[_clean(cell) for cell in row] for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise ParseError("needs a header row and at least one row of figures", where=source)
    header, *lines = rows
    labels = tuple(header[1:])
    width = len(labels)
    cells: list[tuple[Decimal | None, ...]] = []
    places = [0] * width
    for number, line in enumerate(lines, 2):
        if len(line) > width + 1:
            raise ValidationError(
                f"has {len(line) - 1} figures, the header has {width} columns",
                where=f"{source} row {number}",
            )
        padded = list(line[1:]) + [""] * (width + 1 - len(line))
        row: list[Decimal | None] = []
        for column, text in enumerate(padded):
            if not text:
                row.append(None)
                continue
            row.append(parse_money(text, where=f"{source} row {number}, column {labels[column]!r}"))
            places[column] = max(places[column], _places(text))
        cells.append(tuple(row))
    row_labels = tuple(line[0] for line in lines)
    total_rows = [index for index, label in enumerate(row_labels) if _TOTAL.match(label)]
    total_columns = [index for index, label in enumerate(labels) if _TOTAL.match(label)]
    if len(total_rows) > 1 or len(total_columns) > 1:
        raise ValidationError("has more than one total row or total column", where=source)
    if not total_rows and not total_columns:
        raise ValidationError(
            "has neither a total row nor a total column (label one 'Total')", where=source
        )
    total_column = total_columns[0] if total_columns else None
    figure_columns = [
        index
        for index in range(width)
        if index != total_column and any(row[index] is not None for row in cells)
    ]
    year_columns = [index for index in figure_columns if _FY_HEADER.match(labels[index])]
    return Table(
        row_labels=row_labels,
        column_labels=labels,
        cells=tuple(cells),
        total_row=total_rows[0] if total_rows else None,
        total_column=total_column,
        summed_columns=tuple(year_columns or figure_columns),
        rounding_units=tuple(ONE.scaleb(-place) for place in places),
    )


def read_table_csv(path: str | Path) -> Table:
    """Read a table from a CSV file (see :func:`table_from_rows` for the layout)."""
    text = _inputs.read_text(path)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ParseError(f"is not valid CSV ({error})", where=str(path)) from None
    return table_from_rows(rows, source=str(path))


def read_table_xlsx(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a table from a sheet of an .xlsx workbook (the first sheet unless ``sheet`` names one).

    The layout is the CSV's (see :func:`table_from_rows`); cells hold numbers or printed text.
    """
    data = _inputs.read_bytes(path)
    workbook = xlsx.open_workbook(data, where=str(path))
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ValidationError(f"has no sheet called {sheet!r}", where=str(path))
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = [
            [_cell_text(cell) for cell in row] for row in xlsx.read_rows(worksheet, where=str(path))
        ]
        title = worksheet.title
    finally:
        workbook.close()
    return table_from_rows(rows, source=f"{path} sheet {title}")


def _cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a report would print (whole floats without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def read_table(path: str | Path) -> Table:
    """Read a table from CSV or .xlsx, chosen by the file's extension."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return read_table_xlsx(path)
    return read_table_csv(path)
