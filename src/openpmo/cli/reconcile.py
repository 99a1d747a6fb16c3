"""``openpmo reconcile FILE``: re-add a table's total row and total column (CSV or .xlsx)."""

from __future__ import annotations

import argparse

from openpmo import limits
from openpmo.cli._finance_text import discrepancies_json, print_discrepancies, print_json
from openpmo.core.finance import read_table, reconcile_table
from openpmo.core.finance._inputs import as_number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reconcile",
        help="re-add a table's totals and list the figures that disagree",
        description="Reads a table (CSV or .xlsx) with a header row, row labels in the first column and a "
        "row and/or column labelled Total; lists every total that disagrees with the figures "
        "it adds up, classed rounding (within the rounding unit x the number of terms) or error.",
    )
    parser.add_argument("file", help="a table: CSV, or the first sheet of an .xlsx workbook")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--rounding-unit",
        metavar="UNIT",
        help="the unit the figures are rounded to (default: each column's last printed place)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    table = read_table(limits.check_file(args.file, limits.kind_of(args.file)))
    unit = None if args.rounding_unit is None else as_number(args.rounding_unit, "--rounding-unit")
    discrepancies = reconcile_table(table, rounding_unit=unit)
    if args.json:
        print_json({"discrepancies": discrepancies_json(discrepancies)})
        return 0
    print(f"{args.file}: {len(table.row_labels)} rows x {len(table.column_labels)} columns")
    print_discrepancies(discrepancies)
    return 0
