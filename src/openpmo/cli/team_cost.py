"""``openpmo team-cost FILE``: the team cost model of a YAML file or .xlsx workbook."""

from __future__ import annotations

import argparse
from decimal import Decimal

from openpmo import limits
from openpmo.cli._finance_text import money, print_json, render_table
from openpmo.core.finance import TeamCostResult, compute_team_cost, load_team


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "team-cost",
        help="cost a team by role and financial year (YAML or .xlsx)",
        description="Roles x FTE x annual cost x inflation, prorated by days in each financial "
        "year, with totals, the position against the cap and the redundancy exposure.",
    )
    parser.add_argument("file", help="a team file: YAML (.yaml/.yml) or an .xlsx workbook")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--thousands", action="store_true", help="show £'000 as council reports print them"
    )
    parser.set_defaults(handler=handle)


def as_json(result: TeamCostResult) -> dict[str, object]:
    """The core result's own shape, the one the API returns too."""
    return result.to_dict()


def handle(args: argparse.Namespace) -> int:
    result = compute_team_cost(load_team(limits.check_file(args.file, limits.kind_of(args.file))))
    if args.json:
        print_json(as_json(result))
        return 0

    def show(amount: Decimal) -> str:
        return money(amount / 1000, places=0) if args.thousands else money(amount)

    unit = " £'000" if args.thousands else " £"
    header = ["Role", "FTE", *(f"{year}{unit}" for year in result.financial_years), f"Total{unit}"]
    rows = [
        [
            cost.role.name,
            str(cost.role.fte),
            *(show(cost.by_year[year]) for year in result.financial_years),
            show(cost.total),
        ]
        for cost in result.roles
    ]
    rows.append(
        [
            "Total",
            str(result.total_fte),
            *(show(result.totals_by_year[year]) for year in result.financial_years),
            show(result.total),
        ]
    )
    print(render_table(header, rows))
    if result.cap is not None and result.headroom is not None:
        if result.headroom >= 0:
            position = f"headroom £{money(result.headroom)}"
        else:
            position = f"EXCESS over the cap £{money(-result.headroom)}"
        print(f"\nCap £{money(result.cap)}: total £{money(result.total)}, {position}.")
    exposure = result.redundancy_exposure
    if exposure:
        fte = sum((item.fte for item in exposure), Decimal(0))
        print(
            f"\nRedundancy exposure: {len(exposure)} role(s), {fte} FTE in posts longer than "
            "two years:"
        )
        for item in exposure:
            print(f"  {item.role} ({item.fte} FTE) {item.start} to {item.end}")
    else:
        print("\nNo post runs longer than two years: no redundancy exposure.")
    return 0
