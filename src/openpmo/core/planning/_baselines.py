"""Yardsticks for the optimiser: a spreadsheet's greedy ranking, and exhaustive search for small n.

Both obey the same rules as the optimiser (budgets, capacity, links, forces), so their values
compare like with like: greedy shows what ranking leaves on the table, exhaustive search proves
the optimum on instances small enough to enumerate.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear
from openpmo.core.planning._formulation import formulate
from openpmo.core.planning._model import ZERO, Candidate, PlanningProblem

__all__ = ["exhaustive_best", "greedy_selection", "violations"]

#: Exhaustive search refuses more combinations than this (about four million).
MAX_COMBINATIONS = 1 << 22


def greedy_selection(problem: PlanningProblem) -> dict[str, FinancialYear] | None:
    """Rank by value per pound and take each candidate at its earliest start that still fits.

    Forced-in candidates go first; ``None`` when greedy cannot even fit those.
    """

    def ratio(candidate: Candidate) -> Decimal:
        total = candidate.total_cost
        return candidate.value / total if total else Decimal("Infinity")

    forced = [c for c in problem.candidates if c.force == "in"]
    others = sorted(
        (c for c in problem.candidates if c.force is None and c.value > 0),
        key=lambda c: (-ratio(c), c.ref),
    )
    picks: dict[str, FinancialYear] = {}
    spent: dict[FinancialYear, Decimal] = {}
    used: dict[tuple[str, FinancialYear], Decimal] = {}
    limits = problem.limits()
    in_group = {ref: [g for g in problem.groups if ref in g.members] for ref in _refs(problem)}
    rivals: dict[str, set[str]] = {ref: set() for ref in _refs(problem)}
    for item in problem.candidates:
        for other in item.excludes:
            rivals[item.ref].add(other)
            rivals[other].add(item.ref)
    for candidate in [*forced, *others]:
        if any(other not in picks for other in candidate.needs) or any(
            other in picks for other in rivals[candidate.ref]
        ):
            if candidate.force == "in":
                return None
            continue
        if any(
            sum(ref in picks for ref in g.members) >= g.at_most for g in in_group[candidate.ref]
        ):
            if candidate.force == "in":
                return None
            continue
        for start in candidate.starts:
            cost = candidate.cost_at(start)
            demand = {
                (role, year): fte
                for role, by_year in candidate.demand_at(start).items()
                for year, fte in by_year.items()
            }
            trial = {y: spent.get(y, ZERO) + cost.get(y, ZERO) for y in {*spent, *cost}}
            counted = problem.spend_by_limit(trial)
            fits = all(counted[y] <= limit for y, limit in limits.items()) and all(
                used.get(key, ZERO) + fte
                <= problem.capacity.get(key[0], {}).get(key[1], fte + used.get(key, ZERO))
                for key, fte in demand.items()
            )
            if fits:
                picks[candidate.ref] = start
                for year, amount in cost.items():
                    spent[year] = spent.get(year, ZERO) + amount
                for key, fte in demand.items():
                    used[key] = used.get(key, ZERO) + fte
                break
        else:
            if candidate.force == "in":
                return None
    return picks


def _refs(problem: PlanningProblem) -> list[str]:
    return [candidate.ref for candidate in problem.candidates]


def violations(
    problem: PlanningProblem, picks: dict[str, FinancialYear], *, partial: bool = False
) -> list[str]:
    """Every rule the selection breaks, in words (empty when it is allowed).

    ``partial`` skips the rules a growing selection may still satisfy later (forces in, needs).
    """
    broken: list[str] = []
    spent: dict[FinancialYear, Decimal] = {}
    used: dict[tuple[str, FinancialYear], Decimal] = {}
    for ref, start in picks.items():
        candidate = problem.candidate(ref)
        if start not in candidate.starts:
            broken.append(f"{ref} may not start in {start}")
        if candidate.force == "out":
            broken.append(f"{ref} is forced out")
        for year, amount in candidate.cost_at(start).items():
            spent[year] = spent.get(year, ZERO) + amount
        for role, by_year in candidate.demand_at(start).items():
            for year, fte in by_year.items():
                used[(role, year)] = used.get((role, year), ZERO) + fte
        for other in candidate.excludes:
            if other in picks:
                broken.append(f"{ref} excludes {other}")
        for other in candidate.needs:
            if other not in picks and not partial:
                broken.append(f"{ref} needs {other}")
        if partial and any(other not in picks for other in candidate.needs):
            broken.append(f"{ref} needs what is not yet chosen")
    limits = problem.limits()
    for year, amount in problem.spend_by_limit(spent).items():
        if amount > limits[year]:
            broken.append(f"{year} spends {amount} over {limits[year]}")
    for year in spent:
        if year not in limits:
            broken.append(f"{year} is outside the budget years")
    for (role, year), fte in used.items():
        cap = problem.capacity.get(role, {}).get(year)
        if cap is not None and fte > cap:
            broken.append(f"{role} in {year} needs {fte} FTE over {cap}")
    for group in problem.groups:
        if sum(ref in picks for ref in group.members) > group.at_most:
            broken.append(f"group {group.name} over {group.at_most}")
    if not partial:
        for candidate in problem.candidates:
            if candidate.force == "in" and candidate.ref not in picks:
                broken.append(f"{candidate.ref} is forced in")
    return broken


def exhaustive_best(problem: PlanningProblem) -> tuple[float, dict[str, FinancialYear]] | None:
    """Try every selection and start year; the best value and its picks (``None``: none fits).

    Vectorised with numpy in blocks; refuses more than ``MAX_COMBINATIONS`` combinations.
    """
    form = formulate(problem)
    choices = [len(c.starts) + 1 for c in problem.candidates]
    total = int(np.prod(np.array(choices, dtype=np.float64)))
    if total > MAX_COMBINATIONS:
        raise ValidationError(
            f"{total:,} combinations are too many to enumerate", where="candidates"
        )
    first_column = np.cumsum([0, *[c - 1 for c in choices]])
    cost = form.cost.toarray()
    demand = form.demand.toarray()
    links = form.links.toarray()
    forced_in = [i for i, c in enumerate(problem.candidates) if c.force == "in"]
    forced_out = [i for i, c in enumerate(problem.candidates) if c.force == "out"]
    best_value, best_code = -np.inf, -1
    block = 1 << 16
    for begin in range(0, total, block):
        codes = np.arange(begin, min(total, begin + block), dtype=np.int64)
        x = np.zeros((len(codes), len(form.columns)))
        rest = codes.copy()
        ok = np.ones(len(codes), dtype=bool)
        for index, base in enumerate(choices):
            digit = rest % base
            rest //= base
            taken = digit > 0
            rows = np.flatnonzero(taken)
            x[rows, first_column[index] + digit[rows] - 1] = 1.0
            if index in forced_in:
                ok &= taken
            if index in forced_out:
                ok &= ~taken
        tolerance = 1e-6
        ok &= (x @ cost.T <= form.budget + tolerance).all(axis=1)
        ok &= (x @ demand.T <= form.capacity + tolerance).all(axis=1)
        if links.shape[0]:
            ok &= (x @ links.T <= form.links_upper + tolerance).all(axis=1)
        if not ok.any():
            continue
        values = np.where(ok, x @ form.value, -np.inf)
        where = int(np.argmax(values))
        if values[where] > best_value + 1e-9:
            best_value, best_code = float(values[where]), int(codes[where])
    if best_code < 0:
        return None
    picks: dict[str, FinancialYear] = {}
    code = best_code
    for candidate, base in zip(problem.candidates, choices, strict=True):
        choice = code % base
        code //= base
        if choice:
            picks[candidate.ref] = candidate.starts[choice - 1]
    return best_value, picks
