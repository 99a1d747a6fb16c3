"""Why each candidate is left out of a large portfolio, without re-solving the programme for it.

For each candidate left out, and each start it may take, the package it would bring (itself and
the candidates it needs that are not selected, each at the start that fits best) is added to the
chosen plan, and the rise in each year's budget and each role's capacity that makes the plan with
it fit is read off in exact ``Decimal``: the package's cost less what the optimum leaves in that
year. That statement is true by construction ("it fits beside the chosen plan if 2025/26's budget
rises by £130k").

Whether the optimiser would then *take* it ("enters if ...") is proven, not assumed, by one
linear programme for the whole portfolio: with its duals ``y`` (all ``>= 0`` on ``A x <= b``),
every plan without the candidate, at the raised budget ``b + d``, is worth at most
``y . (b + d) + sum_j u_j max(0, v_j - y . A_j)`` with the candidate's columns and row dropped
(weak LP duality; true for any ``y >= 0``). When that bound is below the value of the plan with
the package, every optimum at the raised budget includes the candidate. Otherwise the reason says
only that it fits, which is what is known.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array, vstack

from openpmo.core.money import FinancialYear
from openpmo.core.planning._formulation import Formulation, Vector
from openpmo.core.planning._model import ZERO, Candidate, PlanningProblem
from openpmo.core.planning._result import Exclusion, PlanningResult, short_money

__all__ = ["quick_exclusions", "round_up_thousand"]


def round_up_thousand(amount: Decimal) -> Decimal:
    """Round a shortfall up to whole £ thousands above £10k (as shown), so "enters if" holds."""
    if amount >= 10_000:
        return (amount / 1000).quantize(Decimal(1), rounding=ROUND_CEILING) * 1000
    return amount.quantize(Decimal(1), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class _Bound:
    """The LP relaxation's duals, turned into an upper bound on any plan's value."""

    rows: csr_array  # every row as A x <= b
    rhs: Vector
    dual: Vector  # y >= 0
    reduced: Vector  # v_j - y . A_j by column
    upper: Vector  # column upper bounds
    budget_rows: slice
    capacity_rows: slice
    assign_rows: slice

    def without(self, columns: list[int], owner: int, budget: Vector, capacity: Vector) -> float:
        """The most any plan leaving out ``owner`` (its ``columns``) is worth at these limits."""
        rhs = self.rhs.copy()
        rhs[self.budget_rows] = budget
        rhs[self.capacity_rows] = capacity
        rhs[self.assign_rows.start + owner] = 0.0
        gains = np.maximum(self.reduced, 0.0) * self.upper
        gains[columns] = 0.0
        return float(self.dual @ rhs + gains.sum())


def _lp_bound(form: Formulation, budget: Vector) -> _Bound | None:
    problem = form.problem
    count = len(form.columns)
    forced = [i for i, c in enumerate(problem.candidates) if c.force == "in"]
    forced_rows = csr_array(form.assign[forced]) if forced else None
    blocks = [form.cost, form.demand, form.links, form.assign]
    rhs = [budget, form.capacity, form.links_upper, np.ones(len(problem.candidates))]
    if forced_rows is not None:
        blocks.append(csr_array(-forced_rows))
        rhs.append(-np.ones(len(forced)))
    rows = csr_array(vstack([b for b in blocks if b.shape[0]] or [csr_array((0, count))]))
    b = np.concatenate(rhs)
    upper = np.array(
        [0.0 if problem.candidates[i].force == "out" else 1.0 for i, _ in form.columns]
    )
    relaxed = linprog(
        -form.value, A_ub=rows, b_ub=b, bounds=np.column_stack([np.zeros(count), upper])
    )
    if relaxed.status != 0:
        return None
    dual = np.maximum(-np.asarray(relaxed.ineqlin.marginals, dtype=np.float64), 0.0)
    years, roles = len(form.years), len(form.role_years)
    links = form.links.shape[0]
    start = years + roles + links
    return _Bound(
        rows=rows,
        rhs=b,
        dual=dual,
        reduced=form.value - rows.T @ dual,
        upper=upper,
        budget_rows=slice(0, years),
        capacity_rows=slice(years, years + roles),
        assign_rows=slice(start, start + len(problem.candidates)),
    )


@dataclass(frozen=True)
class _Fit:
    """A package added to the chosen plan, and the rises that make it fit."""

    picks: dict[str, FinancialYear]  # the package: the candidate and its unselected needs
    value: Decimal
    money: dict[FinancialYear, Decimal]  # by budget row, rounded as shown
    team: dict[tuple[str, FinancialYear], Decimal]

    @property
    def key(self) -> tuple[Decimal, Decimal]:
        return (sum(self.team.values(), ZERO), sum(self.money.values(), ZERO))


class _Plan:
    """The chosen plan's spend and team use, to add packages to."""

    def __init__(self, problem: PlanningProblem, result: PlanningResult, scale: float) -> None:
        self.problem = problem
        self.picks = {item.ref: item.start for item in result.selected}
        self.value = result.value
        self.limits = {year: scaled(amount, scale) for year, amount in problem.limits().items()}
        self.spent: dict[FinancialYear, Decimal] = {}
        self.used: dict[tuple[str, FinancialYear], Decimal] = {}
        for ref, start in self.picks.items():
            self._add(problem.candidate(ref), start, self.spent, self.used)

    @staticmethod
    def _add(
        candidate: Candidate,
        start: FinancialYear,
        spent: dict[FinancialYear, Decimal],
        used: dict[tuple[str, FinancialYear], Decimal],
    ) -> None:
        for year, amount in candidate.cost_at(start).items():
            spent[year] = spent.get(year, ZERO) + amount
        for role, by_year in candidate.demand_at(start).items():
            for year, fte in by_year.items():
                used[(role, year)] = used.get((role, year), ZERO) + fte

    def fit(self, package: Mapping[str, FinancialYear]) -> _Fit:
        spent, used = dict(self.spent), dict(self.used)
        for ref, start in package.items():
            self._add(self.problem.candidate(ref), start, spent, used)
        counted = self.problem.spend_by_limit(spent)
        money = {
            year: round_up_thousand(counted[year] - limit)
            for year, limit in self.limits.items()
            if counted[year] > limit
        }
        team = {}
        for role, by_year in self.problem.capacity.items():
            for year, capacity in by_year.items():
                over = used.get((role, year), ZERO) - capacity
                if over > 0:
                    team[(role, year)] = over.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
        discount = self.problem.delay_discount
        value = sum(
            (self.problem.candidate(ref).value_at(s, discount) for ref, s in package.items()), ZERO
        )
        return _Fit(dict(package), value, money, team)

    def package(self, ref: str, start: FinancialYear) -> _Fit:
        """The candidate at ``start`` with each unselected need at the start that fits best."""
        chosen = {ref: start}
        for need in unselected_needs(self.problem, ref, self.picks):
            options = [self.fit({**chosen, need: s}) for s in self.problem.candidate(need).starts]
            chosen = min(options, key=lambda fit: fit.key).picks
        return self.fit(chosen)


def unselected_needs(problem: PlanningProblem, ref: str, chosen: Container[str]) -> list[str]:
    """What ``ref`` needs, directly or through another need, that is not among ``chosen``."""
    seen: list[str] = []
    stack = list(problem.candidate(ref).needs)
    while stack:
        other = stack.pop()
        if other in chosen or other in seen:
            continue
        seen.append(other)
        stack.extend(problem.candidate(other).needs)
    return sorted(seen)


def scaled(amount: Decimal, scale: float) -> Decimal:
    """A budget amount at ``scale`` (the frontier's budget levels), exactly when unscaled."""
    return amount if scale == 1.0 else amount * Decimal(repr(scale))


def plain_exclusion(candidate: Candidate) -> Exclusion | None:
    """A reason that needs no solving: the candidate is forced out or adds no value."""
    if candidate.force == "out":
        return Exclusion(candidate.ref, "forced out")
    if candidate.value <= 0:
        return Exclusion(candidate.ref, "adds no value")
    return None


def _clash(problem: PlanningProblem, package: Mapping[str, FinancialYear], plan: _Plan) -> str:
    """Why the package cannot join the plan whatever the money: a link or a force."""
    forced = {c.ref for c in problem.candidates if c.force == "in"}
    first = next(iter(package))
    for ref in package:
        candidate = problem.candidate(ref)
        if candidate.force == "out":
            return f"needs {ref}, which is forced out"
        for other in plan.picks:
            if other in candidate.excludes or ref in problem.candidate(other).excludes:
                kind = "forced in" if other in forced else "selected"
                if ref == first:
                    return f"cannot go with {other}, which is {kind}"
                return f"needs {ref}, which cannot go with {other} ({kind})"
        for other in package:
            if other in candidate.excludes:
                return f"cannot be selected: {ref} excludes {other}, which it needs"
    for group in problem.groups:
        members = [ref for ref in group.members if ref in plan.picks or ref in package]
        if len(members) > group.at_most:
            taken = [ref for ref in group.members if ref in plan.picks]
            verb = "is" if len(taken) == 1 else "are"
            joining = [ref for ref in group.members if ref in package]
            # the group may rule out a scheme it needs rather than the scheme itself
            through = "" if first in joining else f"needs {', '.join(joining)}, and "
            return (
                f"{through}group {group.name} allows {group.at_most} "
                f"and {', '.join(taken)} {verb} selected"
            )
    return ""


def quick_exclusions(
    form: Formulation, result: PlanningResult, *, proven: bool, budget_scale: float = 1.0
) -> tuple[Exclusion, ...]:
    """A reason for every candidate the plan in ``result`` leaves out."""
    problem = form.problem
    plan = _Plan(problem, result, budget_scale)
    bound = _lp_bound(form, form.budget * budget_scale)
    out = []
    for index, candidate in enumerate(problem.candidates):
        if candidate.ref in plan.picks:
            continue
        out.append(_reason(form, index, plan, bound, proven=proven, budget_scale=budget_scale))
    return tuple(out)


def _reason(
    form: Formulation,
    index: int,
    plan: _Plan,
    bound: _Bound | None,
    *,
    proven: bool,
    budget_scale: float,
) -> Exclusion:
    problem = form.problem
    candidate = problem.candidates[index]
    if (plain := plain_exclusion(candidate)) is not None:
        return plain
    fits = [plan.package(candidate.ref, start) for start in candidate.starts]
    clashes = [_clash(problem, fit.picks, plan) for fit in fits]
    allowed = [fit for fit, clash in zip(fits, clashes, strict=True) if not clash]
    if not allowed:
        return Exclusion(candidate.ref, clashes[0])
    fit = min(allowed, key=lambda f: f.key)
    if not fit.money and not fit.team:
        if proven:
            return Exclusion(
                candidate.ref, "a plan of the same value includes it (a tie); this one was chosen"
            )
        return Exclusion(
            candidate.ref,
            "it fits as the plan stands; the search stopped within the accepted gap before "
            "adding it",
        )
    enters = bound is not None and _enters(form, index, plan, fit, bound, budget_scale)
    why = _words(problem, candidate, plan, fit, enters)
    return Exclusion(candidate.ref, why, fit.money, enters, fit.team)


def _enters(
    form: Formulation, index: int, plan: _Plan, fit: _Fit, bound: _Bound, budget_scale: float
) -> bool:
    budget = form.budget * budget_scale
    for row, year in enumerate(form.years):
        budget[row] += float(fit.money.get(year, ZERO))
    capacity = form.capacity.copy()
    for row, key in enumerate(form.role_years):
        capacity[row] += float(fit.team.get(key, ZERO))
    without = bound.without(form.columns_of(index), index, budget, capacity)
    with_it = float(plan.value + fit.value)
    return without < with_it - 1e-7 * max(1.0, abs(with_it))


def _words(
    problem: PlanningProblem, candidate: Candidate, plan: _Plan, fit: _Fit, enters: bool
) -> str:
    start = fit.picks[candidate.ref]
    cost = candidate.cost_at(start)
    pot = "the reserve" if problem.cumulative else "the budget"
    counted = problem.spend_by_limit(plan.spent)
    parts = []
    for year in fit.money:
        left = max(plan.limits[year] - counted[year], ZERO)
        own = cost.get(year, ZERO)
        parts.append(
            f"costs {short_money(own)} in {year} where {pot} is used up ({short_money(left)} left)"
            if own
            else f"in {year} {pot} is used up ({short_money(left)} left)"
        )
    if fit.team:
        lacking = ", ".join(
            f"{fte.normalize():f} FTE more {role} in {year}"
            for (role, year), fte in sorted(fit.team.items())
        )
        parts.append(f"the team is fully used: it would need {lacking}")
    if start != candidate.starts[0]:
        parts[0] = f"starting in {start}, {parts[0]}"
    reason = "; ".join(parts)
    needs = sorted(ref for ref in fit.picks if ref != candidate.ref)
    if needs:
        reason += f"; it needs {', '.join(needs)}, not selected, so their cost counts too"
    rises = [
        f"the reserve holds {short_money(amount, up=True)} more by the end of {year}"
        if problem.cumulative
        else f"{year}'s budget rises by {short_money(amount, up=True)}"
        for year, amount in fit.money.items()
    ]
    if fit.team:
        rises.append("the team grows by those FTE")
    rise_text = " and ".join(rises)
    if enters:
        return f"{reason}; enters if {rise_text}"
    return f"{reason}; it fits beside the chosen plan if {rise_text}"
