"""Benefits tracker: 10,000 benefits x 60 months, array book against the plain per-benefit loop.

The baseline is ``openpmo.core.benefits.track`` + ``roll_up``: pure Python, one benefit at a time,
summing ``Decimal`` values month by month (the reference implementation). Ours is ``BenefitBook``:
integer pence in numpy int64 arrays with running totals, converted back to exact ``Decimal``.
Both run on the same synthetic register in this run, and their answers are checked equal.
"""

from __future__ import annotations

import time
from decimal import Decimal

import numpy as np

from benchmarks._timing import best_of, report
from openpmo.core.benefits import (
    Benefit,
    BenefitBook,
    BenefitCategory,
    Month,
    roll_up,
    track,
)

BENEFITS = 10_000
MONTHS = 60
FIRST = Month(2023, 4)
CATEGORIES = list(BenefitCategory)


def make_register(seed: int = 2024) -> list[Benefit]:
    """A synthetic register: 6 pillars, 200 work packages, ~3% of actuals missing."""
    rng = np.random.default_rng(seed)
    planned = rng.integers(0, 5_000_000, size=(BENEFITS, MONTHS))  # pence
    actual = (planned * rng.uniform(0.6, 1.2, size=(BENEFITS, MONTHS))).astype(np.int64)
    recorded = rng.random((BENEFITS, MONTHS)) > 0.03
    months = [FIRST + i for i in range(MONTHS)]
    cent = Decimal("0.01")
    register = []
    for row in range(BENEFITS):
        plan_row = planned[row].tolist()
        actual_row = actual[row].tolist()
        seen = recorded[row].tolist()
        register.append(
            Benefit(
                reference=f"BEN-{row:05d}",
                category=CATEGORIES[row % 4],
                planned={m: Decimal(v) * cent for m, v in zip(months, plan_row, strict=True)},
                actuals={
                    m: Decimal(v) * cent
                    for m, v, ok in zip(months, actual_row, seen, strict=True)
                    if ok
                },
                unit="£",
                groups={"pillar": f"P{row % 6 + 1}", "work_package": f"WP{row % 200:03d}"},
            )
        )
    return register


def naive_curves(register: list[Benefit]) -> dict[str, list[Decimal]]:
    """Cumulative net planned by pillar for every month, one benefit at a time."""
    totals: dict[str, list[Decimal]] = {}
    months = [FIRST + i for i in range(MONTHS)]
    for benefit in register:
        running = Decimal(0)
        line = totals.setdefault(benefit.groups["pillar"], [Decimal(0)] * MONTHS)
        for i, month in enumerate(months):
            running += benefit.planned.get(month, Decimal(0)) * benefit.category.sign
            line[i] += running
    return totals


def run() -> None:
    started = time.perf_counter()
    register = make_register()
    print(
        f"   register of {BENEFITS:,} benefits x {MONTHS} months built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    as_of = FIRST + 47

    build = best_of(lambda: BenefitBook(register), repeat=3)
    book = BenefitBook(register)
    print(f"   BenefitBook built once (Decimal -> int64 pence) in {build * 1000:.0f} ms")

    def ours() -> object:
        positions = book.positions(as_of)
        return positions, [book.roll_up(as_of, by) for by in ("pillar", "work_package")]

    def baseline() -> object:
        positions = track(register, as_of)
        return positions, [roll_up(positions, by) for by in ("pillar", "work_package")]

    assert ours() == baseline(), "the book and the plain tracker disagree"
    report(
        f"tracker as of {as_of}, 10k benefits + roll-ups",
        best_of(ours, repeat=3),
        best_of(baseline, repeat=2),
        "plain Decimal loop",
    )
    report(
        "build + tracker (one-off use)",
        build + best_of(ours, repeat=3),
        best_of(baseline, repeat=2),
        "plain Decimal loop",
    )

    def ours_curves() -> object:
        return book.curves("pillar")

    curves = ours_curves()
    plain = naive_curves(register)
    for (pillar, _unit), points in curves.items():  # type: ignore[attr-defined]
        assert [p.planned_cumulative for p in points] == plain[pillar]
    report(
        "chart: 60 months of cumulative by pillar",
        best_of(ours_curves, repeat=3),
        best_of(lambda: naive_curves(register), repeat=2),
        "plain Decimal loop",
    )
