"""The mixed-integer programme behind the optimiser, solved by HiGHS through ``scipy.optimize.milp``.

One binary variable per (candidate, allowed start). Rows:

- each candidate starts at most once (exactly once when forced in);
- each budget year: the cost falling in that year <= the budget;
- each (role, year) with a capacity: the demand <= the capacity;
- A needs B: chosen(A) <= chosen(B); A excludes B: chosen(A) + chosen(B) <= 1;
- a group: the members chosen <= its limit.

Before HiGHS runs, the LP relaxation is rounded to a plan and improved by swaps
(:mod:`~openpmo.core.planning._search`); if HiGHS stops at its time limit with a worse plan, the
improved one is returned with the gap against HiGHS's bound. Only HiGHS proves optimality.

Variants used by the explanations add continuous "extra budget" and "extra capacity" columns, a
floor on value, or a candidate forced in; all of them are built from the same matrices here.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from openpmo.core.money import FinancialYear
from openpmo.core.planning._model import PlanningProblem
from openpmo.core.planning._search import improve

Vector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Formulation:
    """The programme's matrices, in float (HiGHS works in floating point)."""

    problem: PlanningProblem
    columns: tuple[tuple[int, FinancialYear], ...]  # (candidate index, start)
    years: tuple[FinancialYear, ...]
    role_years: tuple[tuple[str, FinancialYear], ...]
    value: Vector
    assign: csr_array  # candidates x columns
    cost: csr_array  # years x columns (running totals for a cumulative budget)
    demand: csr_array  # role-years x columns
    links: csr_array
    links_lower: Vector
    links_upper: Vector
    budget: Vector
    capacity: Vector
    #: Defaults for :func:`solve` (the explanations use a small gap and a time limit).
    gap: float = 0.0
    time_limit: float | None = None

    def columns_of(self, index: int) -> list[int]:
        return [column for column, (owner, _) in enumerate(self.columns) if owner == index]


def formulate(problem: PlanningProblem) -> Formulation:
    years = tuple(problem.years)
    year_row = {year: row for row, year in enumerate(years)}
    role_years = tuple(
        (role, year) for role in sorted(problem.capacity) for year in sorted(problem.capacity[role])
    )
    role_row = {key: row for row, key in enumerate(role_years)}
    index_of = {candidate.ref: index for index, candidate in enumerate(problem.candidates)}
    columns: list[tuple[int, FinancialYear]] = []
    value: list[float] = []
    cost: list[tuple[int, int, float]] = []
    demand: list[tuple[int, int, float]] = []
    keep = 1 / (1 + float(problem.delay_discount))
    for index, candidate in enumerate(problem.candidates):
        for start in candidate.starts:
            column = len(columns)
            columns.append((index, start))
            value.append(float(candidate.value) * keep ** candidate.offset(start))
            for year, amount in candidate.cost_at(start).items():
                if amount:
                    cost.append((year_row[year], column, float(amount)))
            for role, by_year in candidate.demand_at(start).items():
                for year, fte in by_year.items():
                    if (role, year) in role_row and fte:
                        demand.append((role_row[(role, year)], column, float(fte)))
    owner = [index for index, _ in columns]
    count = len(columns)
    assign = _matrix([(i, c, 1.0) for c, i in enumerate(owner)], len(problem.candidates), count)
    link_rows: list[list[tuple[int, float]]] = []
    lower: list[float] = []
    upper: list[float] = []
    chosen: dict[int, list[int]] = {}
    for column_index, index in enumerate(owner):
        chosen.setdefault(index, []).append(column_index)
    for index, candidate in enumerate(problem.candidates):
        for other in candidate.needs:
            row = [(c, 1.0) for c in chosen[index]] + [(c, -1.0) for c in chosen[index_of[other]]]
            link_rows.append(row)
            lower.append(-np.inf)
            upper.append(0.0)
        for other in candidate.excludes:
            row = [(c, 1.0) for c in chosen[index]] + [(c, 1.0) for c in chosen[index_of[other]]]
            link_rows.append(row)
            lower.append(-np.inf)
            upper.append(1.0)
    for group in problem.groups:
        link_rows.append([(c, 1.0) for ref in group.members for c in chosen[index_of[ref]]])
        lower.append(-np.inf)
        upper.append(float(group.at_most))
    links = _matrix(
        [(r, c, v) for r, row in enumerate(link_rows) for c, v in row], len(link_rows), count
    )
    cost_rows = _matrix(cost, len(years), count)
    if problem.cumulative:
        cost_rows = csr_array(np.tril(np.ones((len(years), len(years)))) @ cost_rows)
    limits = problem.limits()
    return Formulation(
        problem=problem,
        columns=tuple(columns),
        years=years,
        role_years=role_years,
        value=np.array(value, dtype=np.float64),
        assign=assign,
        cost=cost_rows,
        demand=_matrix(demand, len(role_years), count),
        links=links,
        links_lower=np.array(lower, dtype=np.float64),
        links_upper=np.array(upper, dtype=np.float64),
        budget=np.array([float(limits[y]) for y in years], dtype=np.float64),
        capacity=np.array([float(problem.capacity[r][y]) for r, y in role_years], dtype=np.float64),
    )


def _zeros(block: csr_array, width: int) -> csr_array:
    return csr_array((block.shape[0], width), dtype=np.float64)


def _eye(size: int) -> csr_array:
    return csr_array(identity(size, format="csr", dtype=np.float64))


def _side_by_side(*blocks: csr_array) -> csr_array:
    kept = [block for block in blocks if block.shape[1]]
    return csr_array(hstack(kept, format="csr"))


def _matrix(entries: Sequence[tuple[int, int, float]], rows: int, columns: int) -> csr_array:
    if not entries:
        return csr_array((rows, columns), dtype=np.float64)
    r, c, v = zip(*entries, strict=True)
    return csr_array((np.array(v), (np.array(r), np.array(c))), shape=(rows, columns))


@dataclass(frozen=True)
class Solution:
    """What HiGHS returned, in the formulation's columns."""

    status: str  # "optimal" | "feasible" | "infeasible"
    chosen: tuple[int, ...]  # columns set to 1
    objective: float
    gap: float
    extra_budget: Vector  # by year (zeros when not allowed)
    extra_capacity: Vector  # by role-year


def _variant_rows(
    form: Formulation,
    *,
    force_in: Sequence[int],
    forces: bool,
    budget_scale: float,
    budget_extra: Vector | None,
    allow_extra_budget: bool,
    allow_extra_capacity: bool,
    minimum_value: float | None,
    unlimited: bool,
) -> tuple[Bounds, LinearConstraint]:
    """The variant's bounds (the binary columns, then the extra budget and capacity columns) and
    its rows: assignment, cost, demand, links and any floor on value."""
    problem = form.problem
    count = len(form.columns)
    years, role_years = len(form.years), len(form.role_years)
    lower_assign = np.zeros(len(problem.candidates))
    for index, candidate in enumerate(problem.candidates):
        if (forces and candidate.force == "in") or index in force_in:
            lower_assign[index] = 1.0
    upper_x = np.ones(count)
    for column, (index, _) in enumerate(form.columns):
        if problem.candidates[index].force == "out":
            upper_x[column] = 0.0
    budget = form.budget * budget_scale
    if budget_extra is not None:
        budget = budget + budget_extra
    slack_budget = np.full(years, np.inf if allow_extra_budget else 0.0)
    slack_capacity = np.full(role_years, np.inf if allow_extra_capacity else 0.0)
    width = count + years + role_years
    rows = [
        _side_by_side(form.assign, _zeros(form.assign, years + role_years)),
        _side_by_side(form.cost, -_eye(years), _zeros(form.cost, role_years)),
        _side_by_side(form.demand, _zeros(form.demand, years), -_eye(role_years)),
        _side_by_side(form.links, _zeros(form.links, years + role_years)),
    ]
    lower = [lower_assign, np.full(years, -np.inf), np.full(role_years, -np.inf), form.links_lower]
    capacity = form.capacity
    if unlimited:
        budget, capacity = np.full(years, np.inf), np.full(role_years, np.inf)
    upper = [np.ones(len(problem.candidates)), budget, capacity, form.links_upper]
    if minimum_value is not None:
        rows.append(csr_array(np.concatenate([form.value, np.zeros(years + role_years)])[None, :]))
        lower.append(np.array([minimum_value]))
        upper.append(np.array([np.inf]))
    matrix = csr_array(vstack([r for r in rows if r.shape[0]]))
    bounds = Bounds(np.zeros(width), np.concatenate([upper_x, slack_budget, slack_capacity]))
    constraints = LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper))
    return bounds, constraints


def _variant_objective(form: Formulation, *, least_extra: bool, maximise_value: bool) -> Vector:
    """The least extra (pounds, then FTE), else the most value, else nothing (any plan)."""
    count = len(form.columns)
    years, role_years = len(form.years), len(form.role_years)
    if least_extra:
        # Pounds and FTE: a pound of budget is cheap beside a full-time post.
        return np.concatenate([np.zeros(count), np.ones(years), np.full(role_years, 1e7)])
    if maximise_value:
        return np.concatenate([-form.value, np.zeros(years + role_years)])
    return np.zeros(count + years + role_years)


def _stopped_solution(incumbent: _Incumbent, result: OptimizeResult, form: Formulation) -> Solution:
    """The rounded plan, when HiGHS stopped (time limit) before finding one as good: the gap is
    against HiGHS's bound where it has one (it is at least as tight as the LP's)."""
    count, years = len(form.columns), len(form.years)
    width = count + years + len(form.role_years)
    bound = getattr(result, "mip_dual_bound", None)
    shown = None
    if bound is not None and np.isfinite(bound) and incumbent.objective < 0:
        shown = max((incumbent.objective - float(bound)) / abs(incumbent.objective), 0.0)
        shown = min(shown, incumbent.gap)
    return _incumbent_solution(incumbent, width, count, years, gap=shown)


def _milp_solution(result: OptimizeResult, form: Formulation) -> Solution:
    """HiGHS's plan: "optimal" only when proven, "feasible" when stopped at an accepted gap."""
    if result.x is None:
        empty = np.zeros(0)
        return Solution("infeasible", (), 0.0, 0.0, empty, empty)
    count, years = len(form.columns), len(form.years)
    x = result.x
    chosen = tuple(int(c) for c in np.flatnonzero(x[:count] > 0.5))
    mip_gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return Solution(
        # "optimal" only when proven: a run stopped at an accepted gap is "feasible".
        status="optimal" if result.status == 0 and max(mip_gap, 0.0) <= 1e-9 else "feasible",
        chosen=chosen,
        objective=float(result.fun),
        gap=max(mip_gap, 0.0),
        extra_budget=np.maximum(x[count : count + years], 0.0),
        extra_capacity=np.maximum(x[count + years :], 0.0),
    )


def solve(
    form: Formulation,
    *,
    force_in: Sequence[int] = (),
    budget_scale: float = 1.0,
    budget_extra: Vector | None = None,
    allow_extra_budget: bool = False,
    allow_extra_capacity: bool = False,
    minimum_value: float | None = None,
    maximise_value: bool = True,
    forces: bool = True,
    unlimited: bool = False,
    gap: float | None = None,
    time_limit: float | None = None,
) -> Solution:
    """Solve one variant; ``forces=False`` drops every candidate's force in (keeps force out).

    With extra budget or capacity allowed, the objective is the least extra (pounds first, then
    FTE), not value; ``minimum_value`` keeps the value at least that high. ``unlimited`` lifts
    every budget and capacity (what the links and forces alone allow).
    """
    started = time.perf_counter()
    count = len(form.columns)
    years, role_years = len(form.years), len(form.role_years)
    width = count + years + role_years
    bounds, constraints = _variant_rows(
        form,
        force_in=force_in,
        forces=forces,
        budget_scale=budget_scale,
        budget_extra=budget_extra,
        allow_extra_budget=allow_extra_budget,
        allow_extra_capacity=allow_extra_capacity,
        minimum_value=minimum_value,
        unlimited=unlimited,
    )
    least_extra = allow_extra_budget or allow_extra_capacity
    objective = _variant_objective(form, least_extra=least_extra, maximise_value=maximise_value)
    integrality = np.concatenate([np.ones(count), np.zeros(years + role_years)])
    wanted = form.gap if gap is None else gap
    options: dict[str, float | bool] = {"mip_rel_gap": wanted, "disp": False}
    limit = form.time_limit if time_limit is None else time_limit
    incumbent: _Incumbent | None = None
    if maximise_value and not least_extra:
        incumbent = _lp_incumbent(objective, bounds, constraints, count)
        if incumbent is not None and incumbent.gap <= wanted + 1e-12:
            # The LP bound already proves the rounded plan within the accepted gap.
            return _incumbent_solution(incumbent, width, count, years)
    if limit is not None:
        # The limit is for the whole call: the LP and the improved rounding count against it.
        options["time_limit"] = max(limit - (time.perf_counter() - started), 0.01)
    result = milp(
        objective,
        integrality=integrality,
        bounds=bounds,
        constraints=constraints,
        options=options,
    )
    if incumbent is not None and (
        result.x is None or float(result.fun) > incumbent.objective + 1e-9
    ):
        return _stopped_solution(incumbent, result, form)
    return _milp_solution(result, form)


@dataclass(frozen=True)
class _Incumbent:
    """A plan rounded from the LP relaxation, and how far it can be from the optimum."""

    x: Vector  # the binary columns only
    objective: float  # minimised (value negated)
    bound: float  # the LP relaxation's objective: no plan does better
    gap: float


def _lp_incumbent(
    objective: Vector, bounds: Bounds, constraints: LinearConstraint, count: int
) -> _Incumbent | None:
    """Solve the LP relaxation, keep the columns it sets to 1, then add columns greedily (most
    chosen by the LP first, then most valuable) while every row still holds. ``None`` when the
    LP is infeasible or the rounded plan misses a lower bound (a force in)."""
    relaxed = linprog(
        objective,
        bounds=np.column_stack([bounds.lb, bounds.ub]),
        method="highs",
        **_as_inequalities(constraints),
    )
    if relaxed.status != 0 or relaxed.x is None:
        return None
    lp = relaxed.x[:count]
    matrix = csr_array(constraints.A)
    columns = matrix[:, :count].tocsc()
    lower, upper = constraints.lb, constraints.ub
    x = (lp > 1 - 1e-7).astype(np.float64)
    activity = columns @ x
    tolerance = 1e-7 * np.maximum(1.0, np.abs(upper))
    # Rounding down can break "A needs B" (B was fractional): drop the needing side until none.
    for _ in range(count):
        broken = np.flatnonzero(activity > upper + tolerance)
        if not len(broken):
            break
        for row in broken:
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            for column, coefficient in zip(
                matrix.indices[start:end], matrix.data[start:end], strict=True
            ):
                if activity[row] <= upper[row] + tolerance[row]:
                    break
                if column < count and coefficient > 0 and x[column]:
                    x[column] = 0.0
                    activity -= columns[:, [column]].toarray().ravel()
    else:  # pragma: no cover - each pass drops at least one column
        return None
    order = np.lexsort((objective[:count], -lp))
    for column in order:
        if x[column] or objective[column] >= 0 or bounds.ub[column] < 0.5:
            continue
        start, end = columns.indptr[column], columns.indptr[column + 1]
        rows = columns.indices[start:end]
        trial = activity[rows] + columns.data[start:end]
        if np.all(trial <= upper[rows] + tolerance[rows]):
            x[column] = 1.0
            activity[rows] = trial
    if np.any(activity < lower - 1e-7 * np.maximum(1.0, np.abs(lower))):
        return None
    x = improve(x, objective[:count], columns, lower, upper, bounds.ub[:count] > 0.5)
    value = float(objective[:count] @ x)
    bound = float(relaxed.fun)
    gap = (value - bound) / max(abs(value), 1e-9) if value < 0 else (0.0 if bound >= 0 else 1.0)
    return _Incumbent(x, value, bound, max(gap, 0.0))


def _as_inequalities(constraints: LinearConstraint) -> dict[str, object]:
    """``lb <= A x <= ub`` as linprog's ``A_ub x <= b_ub`` and ``A_eq x = b_eq``."""
    matrix = csr_array(constraints.A)
    lower, upper = np.asarray(constraints.lb, float), np.asarray(constraints.ub, float)
    equal = np.isfinite(lower) & np.isfinite(upper) & (lower == upper)
    above = np.isfinite(upper) & ~equal
    below = np.isfinite(lower) & ~equal
    blocks = [matrix[above], -matrix[below]]
    out: dict[str, object] = {
        "A_ub": csr_array(vstack(blocks)),
        "b_ub": np.concatenate([upper[above], -lower[below]]),
    }
    if equal.any():
        out["A_eq"] = matrix[equal]
        out["b_eq"] = upper[equal]
    return out


def _incumbent_solution(
    incumbent: _Incumbent, width: int, count: int, years: int, *, gap: float | None = None
) -> Solution:
    shown = incumbent.gap if gap is None else gap
    return Solution(
        status="optimal" if shown <= 1e-9 else "feasible",
        chosen=tuple(int(c) for c in np.flatnonzero(incumbent.x > 0.5)),
        objective=incumbent.objective,
        gap=shown,
        extra_budget=np.zeros(years),
        extra_capacity=np.zeros(width - count - years),
    )
