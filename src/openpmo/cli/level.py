"""``openpmo level FILE``: resource-constrained schedule (levelling) of a project file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from openpmo.core.errors import ParseError
from openpmo.core.levelling import (
    DEFAULT_SCHEDULES,
    DEFAULT_TIME_LIMIT,
    Problem,
    level,
    read_problem,
)
from openpmo.core.levelling.mspdi import problem_from_mspdi


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "level",
        help="level a project: start times that keep every resource within capacity",
        description="Reads a PSPLIB .sm, Patterson .rcp or Microsoft Project XML file with "
        "resources and assignments, and prints a start period for every job so that links are "
        "kept and no resource is over capacity in any period, with the makespan as short as the "
        "search finds (periods are the file's own; working days for Microsoft Project).",
    )
    parser.add_argument("file", help="a .sm, .rcp or Microsoft Project .xml file")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--exact", action="store_true", help="prove optimality with CP-SAT (needs OR-Tools)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help=f"cap on the CPU seconds spent ({DEFAULT_TIME_LIMIT:g} by default); the exact "
        "mode's solver stops there too",
    )
    parser.add_argument(
        "--schedules",
        type=int,
        default=DEFAULT_SCHEDULES,
        metavar="N",
        help=f"the heuristic's budget in schedules generated ({DEFAULT_SCHEDULES} by default): "
        "the same seed and budget always give the same plan",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same plan)")
    parser.add_argument(
        "--objective",
        choices=("makespan", "delay"),
        default="makespan",
        help="minimise the finish, or the sum of delays of the groups (packages)",
    )
    parser.set_defaults(handler=handle)


def load(path: Path) -> Problem:
    if path.suffix.lower() == ".xml":
        from openpmo import limits

        return problem_from_mspdi(limits.read_file(path, limits.SCHEDULE))
    if path.suffix.lower() in (".sm", ".rcp"):
        return read_problem(path)
    raise ParseError(f"{path.name}: expected a .sm, .rcp or Microsoft Project .xml file")


def handle(args: argparse.Namespace) -> int:
    if args.time_limit is not None and args.time_limit <= 0:
        raise ParseError("--time-limit must be a positive number of seconds")
    if args.schedules < 1:
        raise ParseError("--schedules must be at least 1")
    problem = load(Path(args.file))
    result = level(
        problem,
        exact=args.exact,
        time_limit=args.time_limit,
        schedules=args.schedules,
        seed=args.seed,
        objective=args.objective,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    proof = "optimal (proven)" if result.optimal else f"lower bound {result.lower_bound}"
    print(f"{Path(args.file).name}: makespan {result.makespan} periods, {proof}, {result.method}")
    width = max((len(name) for name in result.starts), default=3)
    print(f"{'job':<{width}}  start")
    for name, start in result.starts.items():
        print(f"{name:<{width}}  {start:>5}")
    return 0
