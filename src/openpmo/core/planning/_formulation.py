"""The mixed-integer programme behind the optimiser, solved by HiGHS through ``scipy.optimize.milp``.

One binary variable per (candidate, allowed start). Rows:

- each candidate starts at most once (exactly once when forced in);
- each budget year: the cost falling in that year <= the budget;
- each (role, year) with a capacity: the demand <= the capacity;
- A needs B: chosen(A) <= chosen(B); A excludes B: chosen(A) + chosen(B) <= 1;
- a group: the members chosen <= its limit.

Variants used by the explanations add continuous "extra budget" and "extra capacity" columns, a
floor on value, or a candidate forced in; all of them are built from the same matrices here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from openpmo.core.money import FinancialYear
from openpmo.core.planning._model import PlanningProblem

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
    if allow_extra_budget or allow_extra_capacity:
        # Pounds and FTE: a pound of budget is cheap beside a full-time post.
        objective = np.concatenate([np.zeros(count), np.ones(years), np.full(role_years, 1e7)])
    elif maximise_value:
        objective = np.concatenate([-form.value, np.zeros(years + role_years)])
    else:
        objective = np.zeros(width)
    integrality = np.concatenate([np.ones(count), np.zeros(years + role_years)])
    options: dict[str, float | bool] = {
        "mip_rel_gap": form.gap if gap is None else gap,
        "disp": False,
    }
    limit = form.time_limit if time_limit is None else time_limit
    if limit is not None:
        options["time_limit"] = limit
    result = milp(
        objective,
        integrality=integrality,
        bounds=Bounds(np.zeros(width), np.concatenate([upper_x, slack_budget, slack_capacity])),
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
        options=options,
    )
    if result.x is None:
        empty = np.zeros(0)
        return Solution("infeasible", (), 0.0, 0.0, empty, empty)
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
