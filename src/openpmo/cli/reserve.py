"""``openpmo reserve FILE``: a reserve ledger by financial year, re-added and reconciled."""

from __future__ import annotations

import argparse
from decimal import Decimal

from openpmo import limits
from openpmo.cli._finance_text import (
    print_discrepancies,
    print_json,
    render_table,
)
from openpmo.core.finance import LedgerResult, bracketed, compute_ledger, load_reserve_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reserve",
        help="a reserve ledger by financial year and the stated figures that disagree",
        description="Opening balance, lines, closing balance carried forward; every stated "
        "balance and total re-added and classed rounding or error.",
    )
    parser.add_argument("file", help="a reserve ledger in YAML")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.set_defaults(handler=handle)


def as_json(result: LedgerResult) -> dict[str, object]:
    """The core result's own shape, the one the API's ledger builds on."""
    return result.to_dict()


def _places(result: LedgerResult) -> int:
    amounts = [result.ledger.opening_balance]
    for line in result.ledger.lines:
        amounts.extend(line.amounts.values())
    return 0 if all(amount == amount.to_integral_value() for amount in amounts) else 2


def handle(args: argparse.Namespace) -> int:
    result = compute_ledger(
        load_reserve_yaml(limits.check_file(args.file, limits.kind_of(args.file)))
    )
    if args.json:
        print_json(as_json(result))
        return 0
    ledger = result.ledger
    places = _places(result)

    def show(amount: Decimal) -> str:
        return bracketed(amount, places=places)

    header = ["", *(str(entry.year) for entry in result.years), "Total"]
    after: dict[str, list[str]] = {}
    for subtotal in ledger.subtotals:
        after.setdefault(subtotal.after, []).append(subtotal.name)
    rows = [[ledger.opening_label, *(show(entry.opening) for entry in result.years), ""]]
    for line in ledger.lines:
        rows.append(
            [
                line.name,
                *(show(entry.lines[line.name]) for entry in result.years),
                show(result.line_totals[line.name]),
            ]
        )
        for name in after.get(line.name, ()):
            rows.append([name, *(show(entry.subtotals[name]) for entry in result.years), ""])
    rows.append([ledger.closing_label, *(show(entry.closing) for entry in result.years), ""])
    print(
        render_table(
            header,
            rows,
            title=f"{ledger.title} ({ledger.units}; balances held as "
            f"{'negatives' if ledger.balances_negative else 'positives'})",
        )
    )
    print(
        f"\nBalances above are re-added from the {ledger.years[0]} opening balance; the "
        "printed figures that disagree with them are listed below.\n"
    )
    print_discrepancies(result.discrepancies)
    return 0
