"""``openpmo simulate FILE``: Monte Carlo on a task network's finish and cost.

FILE is the YAML of ``openpmo.core.risk`` (tasks with three-point durations, risks, costs) or a
Microsoft Project XML file, whose durations are taken as the most likely with ``--spread`` giving
min and max as factors of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from openpmo.core.errors import ValidationError
from openpmo.core.money import thousands
from openpmo.core.risk import (
    RiskNetwork,
    Shape,
    SimulationResult,
    network_from_project,
    read_network_yaml,
    simulate,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="Monte Carlo on a schedule's finish and cost (YAML or Microsoft Project XML)",
        description="Runs a seeded Monte Carlo simulation of a task network with three-point "
        "durations, risk events and costs, and prints the finish (working days) and cost "
        "percentiles, each task's criticality and cruciality, and the main drivers.",
    )
    parser.add_argument("file", help="a YAML network, or a Microsoft Project XML file")
    parser.add_argument("--iterations", type=int, default=10_000, help="default 10000")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed to reproduce a run (default: a fresh one)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--spread",
        default="0.8,1.5",
        help="for XML: min,max as factors of each task's duration (default 0.8,1.5)",
    )
    parser.add_argument(
        "--distribution",
        choices=[shape.value for shape in Shape],
        default=Shape.TRIANGULAR.value,
        help="for XML: how the three points are read (default triangular)",
    )
    parser.add_argument("--chunk-size", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--top", type=int, default=10, help="rows in the tables (default 10)")
    parser.set_defaults(handler=handle)


def _spread(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise ValidationError(
            f"{text!r} is not two factors like 0.8,1.5", where="--spread"
        ) from None
    return low, high


def load_network(path: Path, *, spread: tuple[float, float], shape: Shape) -> RiskNetwork:
    from openpmo import limits

    data = limits.read_file(path, limits.SCHEDULE)
    if path.suffix.lower() == ".xml" or data.lstrip()[:1] == b"<":
        from openpmo.core.schedule import read_mspdi

        project = read_mspdi(data)
        limits.check_task_count(path.name, len(project.network.tasks))
        return network_from_project(project, spread=spread, shape=shape)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("is not UTF-8 text", where=str(path)) from None
    return read_network_yaml(text)


def _progress_bar(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="it", unit_scale=True, file=sys.stderr, desc="simulating")

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update, bar.close


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if k == 0 else cell.rjust(w)
            for k, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def render(result: SimulationResult, top: int) -> str:
    f, c = result.finish, result.cost
    rows = [
        [
            "finish (working days)",
            *(f"{v:,.1f}" for v in (f.mean, f.p10, f.p50, f.p80, f.p90)),
            f"{result.deterministic_finish:,.1f}",
        ]
    ]
    if c.p90 or c.p10 or result.deterministic_cost:
        rows.append(
            [
                "cost (£'000)",
                *(f"{thousands(v):,}" for v in (c.mean, c.p10, c.p50, c.p80, c.p90)),
                f"{thousands(result.deterministic_cost):,}",
            ]
        )
    summary = _table(["", "mean", "P10", "P50", "P80", "P90", "no risk, likely"], rows)
    ranked = sorted(result.tasks, key=lambda t: (-t.criticality, t.id))[:top]
    tasks = _table(
        ["task", "critical %", "cruciality", "mean days"],
        [
            [
                t.id,
                f"{100 * t.criticality:.1f}",
                "-" if t.cruciality is None else f"{t.cruciality:.2f}",
                f"{t.mean_duration:,.1f}",
            ]
            for t in ranked
        ],
    )
    parts = [
        f"Monte Carlo: {result.iterations:,} iterations, seed {result.seed}",
        "",
        summary,
        "",
        f"Most often critical ({len(ranked)} of {len(result.tasks)} tasks)",
        tasks,
    ]
    if result.risk_occurrence:
        parts += [
            "",
            "Risks",
            _table(
                ["risk", "happened %"],
                [[k, f"{100 * v:.1f}"] for k, v in result.risk_occurrence.items()],
            ),
        ]
    for title, drivers in (("finish", result.schedule_drivers), ("cost", result.cost_drivers)):
        if drivers:
            parts += [
                "",
                f"Drivers of the {title} (correlation)",
                _table(
                    ["driver", "kind", "correlation"],
                    [[d.id, d.kind, f"{d.correlation:+.2f}"] for d in drivers[:top]],
                ),
            ]
    return "\n".join(parts)


def handle(args: argparse.Namespace) -> int:
    network = load_network(
        Path(args.file), spread=_spread(args.spread), shape=Shape(args.distribution)
    )
    if args.iterations < 1:
        raise ValidationError("must be at least 1", where="--iterations")
    if args.seed is not None and args.seed < 0:
        raise ValidationError("must be 0 or more", where="--seed")
    seed = (
        args.seed if args.seed is not None else int(np.random.default_rng().integers(0, 2**63 - 1))
    )
    update, close = _progress_bar(args.iterations)
    try:
        result = simulate(
            network,
            iterations=args.iterations,
            seed=seed,
            chunk_size=args.chunk_size,
            progress=update,
        )
    finally:
        close()
    if args.json:
        payload: dict[str, Any] = result.to_dict()
        print(json.dumps(payload, indent=2))
    else:
        print(render(result, args.top))
    return 0
