"""``openpmo prioritise FILE``: the best set of candidates and start years within the budget.

Exit status: 0 with a solution, 1 when the forced candidates cannot all be funded (the conflict is
printed), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from openpmo import limits
from openpmo.cli._finance_text import money, print_json, render_table
from openpmo.core.errors import ValidationError
from openpmo.core.planning import PlanningProblem, load_problem, optimise
from openpmo.core.planning.files import _money_profile


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "prioritise",
        help="choose candidates and start years to maximise value within each year's budget",
        description="Solve the portfolio as a mixed-integer programme (HiGHS): the optimum, "
        "proof of optimality, the binding years and why each candidate is left out.",
    )
    parser.add_argument("file", help="candidates in YAML or an .xlsx workbook")
    parser.add_argument(
        "--budget",
        action="append",
        metavar="YEAR=POUNDS",
        help="replace a year's budget, e.g. --budget 2026/27=1500000 (repeatable)",
    )
    parser.add_argument(
        "--gap", type=float, default=0.0, help="accepted relative MIP gap (default 0: proven)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.set_defaults(handler=handle)


def _with_budget(problem: PlanningProblem, overrides: list[str] | None) -> PlanningProblem:
    if not overrides:
        return problem
    typed: dict[str, str] = {}
    for item in overrides:
        year, sep, amount = item.partition("=")
        if not sep:
            raise ValidationError(f"{item!r}: write it as YEAR=POUNDS", where="--budget")
        typed[year.strip()] = amount.strip()
    budget = dict(problem.budget)
    budget.update(_money_profile(typed, "--budget"))
    return PlanningProblem(
        budget=budget,
        candidates=problem.candidates,
        capacity=problem.capacity,
        groups=problem.groups,
        delay_discount=problem.delay_discount,
    )


def handle(args: argparse.Namespace) -> int:
    if not 0 <= args.gap < 1:
        raise ValidationError("must be between 0 and 1", where="--gap")
    problem = _with_budget(
        load_problem(limits.check_file(args.file, limits.kind_of(args.file))), args.budget
    )
    result = optimise(problem, gap=args.gap)
    if args.json:
        document = result.to_dict()
        document["notes"] = list(problem.notes)
        print_json(document)
        return 0 if result.feasible else 1
    if result.conflict is not None:
        print(f"openpmo: the forces cannot all hold: {result.conflict.message}", file=sys.stderr)
        return 1
    proof = "proven optimal" if result.optimal else f"within {result.gap:.4%} of optimal"
    print(f"Value {result.value.quantize(Decimal('0.01'))} ({proof})\n")
    print(
        render_table(
            ["Year", "Budget", "Selected cost", "Headroom", "Binding"],
            [
                [
                    str(u.year),
                    money(u.budget, places=0),
                    money(u.used, places=0),
                    money(u.headroom, places=0),
                    "yes" if u.binding else "",
                ]
                for u in result.years
            ],
        )
    )
    print()
    print(
        render_table(
            ["Selected", "Start"], [[s.ref, str(s.start)] for s in result.selected], left=2
        )
    )
    print()
    print(render_table(["Left out", "Why"], [[e.ref, e.why] for e in result.excluded], left=2))
    for note in problem.notes:
        print(f"Note: {note}")
    return 0
