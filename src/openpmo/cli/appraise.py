"""``openpmo appraise FILE.yaml``: a Green Book appraisal of a business case's options."""

from __future__ import annotations

import argparse
from decimal import Decimal

from openpmo import limits
from openpmo.cli._finance_text import money, print_json, render_table
from openpmo.core.finance import AppraisalResult, appraise, load_appraisal_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "appraise",
        help="Green Book appraisal of options: PV costs and benefits, NPSV, BCR, payback",
        description="Discounts each option's costs (with optimism bias) and benefits at the "
        "Green Book rates (3.5% for years 1-30, then lower) and marks the highest NPSV.",
    )
    parser.add_argument("file", help="an appraisal in YAML")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.set_defaults(handler=handle)


def as_json(result: AppraisalResult) -> dict[str, object]:
    return result.to_dict()


def handle(args: argparse.Namespace) -> int:
    result = appraise(load_appraisal_yaml(limits.check_file(args.file, limits.kind_of(args.file))))
    if args.json:
        print_json(as_json(result))
        return 0
    nominal = any(option.tco_nominal is not None for option in result.options)
    header = ["Option", "TCO real £", *(["TCO nominal £"] if nominal else [])]
    header += ["PV costs £", "PV benefits £", "NPSV £", "BCR", "Payback"]
    rows = [
        [
            ("* " if option.name == result.preferred else "  ") + option.name,
            money(option.tco_real),
            *([money(option.tco_nominal or Decimal(0))] if nominal else []),
            money(option.pv_costs),
            money(option.pv_benefits),
            money(option.npsv),
            "-" if option.bcr is None else money(option.bcr),
            "-" if option.discounted_payback_year is None else str(option.discounted_payback_year),
        ]
        for option in result.options
    ]
    print(render_table(header, rows, title=f"Real prices of {result.base_year}, discounted to it"))
    print(f"\n* preferred: {result.preferred} (highest net present social value)")
    return 0
