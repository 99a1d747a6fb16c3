"""The optimiser: the best selection and start years, and the reasons behind what is left out."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, Decimal

import numpy as np

from openpmo.core.money import FinancialYear
from openpmo.core.planning._explain import (
    plain_exclusion,
    quick_exclusions,
    round_up_thousand,
    scaled,
    unselected_needs,
)
from openpmo.core.planning._formulation import Formulation, Solution, formulate, solve
from openpmo.core.planning._model import ZERO, PlanningProblem
from openpmo.core.planning._result import (
    CapacityUse,
    Exclusion,
    ForceConflict,
    PlanningResult,
    Selection,
    YearUse,
    short_money,
)

__all__ = ["optimise", "evaluate"]

#: Up to this many (candidate, start) choices, each reason is found by re-solving (the least rise
#: that brings the candidate in); above it, from the optimum's headroom in one pass.
EXACT_COLUMNS = 60
#: Money tolerance when reading HiGHS's floating-point answers back into pounds.
_EPSILON = 0.005


def optimise(
    problem: PlanningProblem,
    *,
    gap: float = 0.0,
    time_limit: float | None = None,
    explain: bool = True,
    budget_scale: float = 1.0,
    explain_time: float = 2.0,
) -> PlanningResult:
    """Choose candidates and start years to maximise value within every budget and capacity.

    ``gap`` is the relative MIP gap accepted (0 proves the optimum). ``explain`` says for each
    candidate left out what would bring it in: up to :data:`EXACT_COLUMNS` (candidate, start)
    choices by re-solving once or twice per candidate (the least rise; each re-solve within 0.01%
    and ``explain_time`` seconds), above that from the optimum's headroom, with "enters" only where
    an LP bound proves it (:mod:`~openpmo.core.planning._explain`). ``budget_scale`` multiplies every year's budget (the efficient
    frontier uses it).
    """
    form = formulate(problem)
    solution = solve(form, gap=gap, time_limit=time_limit, budget_scale=budget_scale)
    if solution.status == "infeasible":
        quick = replace(form, time_limit=explain_time)
        conflict = explain_conflict(quick, budget_scale=budget_scale)
        return PlanningResult(
            status="infeasible",
            gap=0.0,
            value=ZERO,
            selected=(),
            years=_years(problem, {}, budget_scale, set()),
            conflict=conflict,
        )
    picks = {form.columns[c][0]: form.columns[c][1] for c in solution.chosen}
    result = evaluate(problem, picks_by_ref(problem, picks), budget_scale=budget_scale)
    excluded: tuple[Exclusion, ...] = ()
    fast = explain and len(form.columns) > EXACT_COLUMNS
    if fast:
        excluded = quick_exclusions(
            form, result, proven=solution.status == "optimal", budget_scale=budget_scale
        )
    elif explain:
        quick = replace(form, gap=max(gap, 1e-4), time_limit=explain_time)
        excluded = tuple(
            _why_excluded(quick, index, solution, result, budget_scale)
            for index, candidate in enumerate(problem.candidates)
            if index not in picks
        )
    else:
        excluded = tuple(
            Exclusion(candidate.ref, "not selected")
            for index, candidate in enumerate(problem.candidates)
            if index not in picks
        )
    years = result.years
    if explain:
        # With the reasons known, a year binds when raising it would let a candidate in.
        raised = {year for item in excluded if item.enters or fast for year in item.extra_budget}
        years = tuple(replace(use, binding=use.year in raised) for use in years)
    return PlanningResult(
        status=solution.status,  # type: ignore[arg-type]  # "optimal" or "feasible" here
        gap=solution.gap,
        value=result.value,
        selected=result.selected,
        years=years,
        capacity=result.capacity,
        excluded=excluded,
    )


def picks_by_ref(
    problem: PlanningProblem, picks: dict[int, FinancialYear]
) -> dict[str, FinancialYear]:
    return {problem.candidates[index].ref: start for index, start in sorted(picks.items())}


def evaluate(
    problem: PlanningProblem, picks: dict[str, FinancialYear], *, budget_scale: float = 1.0
) -> PlanningResult:
    """A given selection's value, spend by year and capacity use, in exact ``Decimal``.

    It does not check feasibility; the status says "feasible" whatever the selection.
    """
    selected = tuple(
        Selection(ref, start, problem.candidate(ref).value_at(start, problem.delay_discount))
        for ref, start in picks.items()
    )
    used: dict[FinancialYear, Decimal] = {}
    demand: dict[tuple[str, FinancialYear], Decimal] = {}
    for ref, start in picks.items():
        candidate = problem.candidate(ref)
        for year, amount in candidate.cost_at(start).items():
            used[year] = used.get(year, ZERO) + amount
        for role, by_year in candidate.demand_at(start).items():
            for year, fte in by_year.items():
                demand[(role, year)] = demand.get((role, year), ZERO) + fte
    left_out = [c for c in problem.candidates if c.ref not in picks and c.force != "out"]
    years = _years(problem, used, budget_scale, {c.ref for c in left_out})
    wanted: dict[tuple[str, FinancialYear], list[Decimal]] = {}
    for c in left_out:
        for start in c.starts:
            for role, by_year in c.demand_at(start).items():
                for year, fte in by_year.items():
                    wanted.setdefault((role, year), []).append(fte)
    capacity = []
    for role in sorted(problem.capacity):
        for year in sorted(problem.capacity[role]):
            cap = problem.capacity[role][year]
            use = demand.get((role, year), ZERO)
            needed = [fte for fte in wanted.get((role, year), ()) if fte > 0]
            capacity.append(
                CapacityUse(role, year, cap, use, bool(needed) and cap - use < min(needed))
            )
    return PlanningResult(
        status="feasible",
        gap=0.0,
        value=sum((item.value for item in selected), ZERO),
        selected=selected,
        years=years,
        capacity=tuple(capacity),
    )


def _years(
    problem: PlanningProblem,
    used: dict[FinancialYear, Decimal],
    budget_scale: float,
    left_out: set[str],
) -> tuple[YearUse, ...]:
    rows = []
    limits = problem.limits()
    counted = problem.spend_by_limit(used)
    asked: dict[FinancialYear, list[Decimal]] = {}
    for ref in left_out:
        candidate = problem.candidate(ref)
        for start in candidate.starts:
            for year, amount in candidate.cost_at(start).items():
                asked.setdefault(year, []).append(amount)
    for year in problem.years:
        budget = scaled(problem.budget[year], budget_scale)
        spent = used.get(year, ZERO)
        left = scaled(limits[year], budget_scale) - counted[year]
        costs = [amount for amount in asked.get(year, ()) if amount > 0]
        rows.append(YearUse(year, budget, spent, bool(costs) and left < min(costs), left))
    return tuple(rows)


def _why_excluded(
    form: Formulation,
    index: int,
    solution: Solution,
    result: PlanningResult,
    budget_scale: float,
) -> Exclusion:
    problem = form.problem
    candidate = problem.candidates[index]
    if (plain := plain_exclusion(candidate)) is not None:
        return plain
    floor = float(-solution.objective) * (1 - 1e-9) - 1e-9
    extra = solve(
        form,
        force_in=[index],
        allow_extra_budget=True,
        minimum_value=floor,
        budget_scale=budget_scale,
    )
    if extra.status == "infeasible":
        return Exclusion(
            candidate.ref, _structural_reason(form, index, budget_scale, floor, result.refs)
        )
    start = next(form.columns[c][1] for c in extra.chosen if form.columns[c][0] == index)
    needs = unselected_needs(problem, problem.candidates[index].ref, result.refs)
    shortfall = {
        form.years[row]: Decimal(amount).quantize(Decimal(1), rounding=ROUND_CEILING)
        for row, amount in enumerate(extra.extra_budget)
        if amount > _EPSILON
    }
    if not shortfall:
        return Exclusion(
            candidate.ref, "a plan of the same value includes it (a tie); this one was chosen"
        )
    rises, enters = _entry_budget(form, index, shortfall, budget_scale)
    cost = candidate.cost_at(start)
    pot = "the reserve" if problem.cumulative else "the budget"
    parts = []
    for year in rises:
        left = max(result.years[form.years.index(year)].headroom, ZERO)
        own = cost.get(year, ZERO)
        parts.append(
            f"costs {short_money(own)} in {year} where {pot} is used up ({short_money(left)} left)"
            if own
            else f"in {year} {pot} is used up"
        )
    rise_text = " and ".join(
        (
            f"the reserve holds {short_money(amount, up=True)} more by the end of {year}"
            if problem.cumulative
            else f"{year}'s budget rises by {short_money(amount, up=True)}"
        )
        for year, amount in rises.items()
    )
    reason = "; ".join(parts)
    if needs:
        reason += f"; it needs {', '.join(needs)}, not selected, so their cost counts too"
    if enters:
        reason += f"; enters if {rise_text}"
    else:
        reason += (
            f"; it would need more than this before it enters ({rise_text}), because other "
            "candidates use extra money first"
        )
    return Exclusion(candidate.ref, reason, rises, enters)


def _entry_budget(
    form: Formulation,
    index: int,
    shortfall: dict[FinancialYear, Decimal],
    budget_scale: float,
    *,
    rounds: int = 4,
) -> tuple[dict[FinancialYear, Decimal], bool]:
    """The extra budget by year at which the optimum takes the candidate in, and whether found.

    Start from the least extra that lets a plan with it match today's optimum; if at that budget
    the optimum still spends the money elsewhere, ask again to match that optimum, and so on.
    """
    rises = {year: round_up_thousand(amount) for year, amount in shortfall.items()}
    for _ in range(rounds):
        raised = np.zeros(len(form.years))
        for year, amount in rises.items():
            raised[form.years.index(year)] = float(amount)
        check = solve(form, budget_scale=budget_scale, budget_extra=raised)
        if any(form.columns[c][0] == index for c in check.chosen):
            return rises, True
        again = solve(
            form,
            force_in=[index],
            allow_extra_budget=True,
            minimum_value=float(-check.objective) * (1 - 1e-9),
            budget_scale=budget_scale,
        )
        if again.status == "infeasible":
            break
        larger = {
            form.years[row]: round_up_thousand(
                Decimal(amount).quantize(Decimal(1), rounding=ROUND_CEILING)
            )
            for row, amount in enumerate(again.extra_budget)
            if amount > _EPSILON
        }
        if larger == rises:
            break
        rises = larger
    return rises, False


def _capacity_reason(form: Formulation, extra: Solution) -> str:
    lacking = [
        f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_CEILING).normalize():f} FTE "
        f"more {role} in {year}"
        for (role, year), amount in zip(form.role_years, extra.extra_capacity, strict=True)
        if amount > 1e-6
    ]
    return "the team is fully used: it would need " + ", ".join(lacking)


def _structural_reason(
    form: Formulation, index: int, budget_scale: float, floor: float, chosen: frozenset[str]
) -> str:
    """No money makes it fit: a link or a force rules it out, or the team is too small."""
    problem = form.problem
    candidate = problem.candidates[index]
    forced_in = {c.ref for c in problem.candidates if c.force == "in"}
    for ref in unselected_needs(problem, candidate.ref, ()):
        if problem.candidate(ref).force == "out":
            return f"needs {ref}, which is forced out"
    for other in problem.candidates:
        if other.ref in forced_in and (
            other.ref in candidate.excludes or candidate.ref in other.excludes
        ):
            return f"cannot go with {other.ref}, which is forced in"
    for group in problem.groups:
        if candidate.ref in group.members:
            taken = [ref for ref in group.members if ref in forced_in]
            if len(taken) >= group.at_most:
                return f"group {group.name} allows {group.at_most} and {', '.join(taken)} are forced in"
    both = solve(
        form,
        force_in=[index],
        allow_extra_budget=True,
        allow_extra_capacity=True,
        minimum_value=floor,
        budget_scale=budget_scale,
    )
    if both.status != "infeasible":
        return _capacity_reason(form, both)
    best = solve(form, force_in=[index], unlimited=True)
    if best.status == "infeasible":
        return "cannot be selected together with the forced candidates and links"
    rivals = sorted(
        ref
        for ref in chosen
        if ref in candidate.excludes or candidate.ref in problem.candidate(ref).excludes
    )
    for group in problem.groups:
        if candidate.ref in group.members:
            rivals += sorted(ref for ref in group.members if ref in chosen)
    clash = f" (it cannot go with {', '.join(rivals)})" if rivals else ""
    return (
        f"even with unlimited money and team, the best plan with it is worth "
        f"{-best.objective:,.2f} against {floor:,.2f} without it{clash}"
    )


def explain_conflict(form: Formulation, *, budget_scale: float = 1.0) -> ForceConflict:
    """Which forces cannot all hold, and in which years: the smallest set found by dropping each."""
    problem = form.problem
    forced = [i for i, c in enumerate(problem.candidates) if c.force == "in"]
    for index in forced:
        candidate = problem.candidates[index]
        for ref in unselected_needs(problem, candidate.ref, ()):
            if problem.candidate(ref).force == "out":
                return ForceConflict(
                    (candidate.ref, ref),
                    {},
                    f"{candidate.ref} is forced in but needs {ref}, which is forced out",
                )

    def feasible(subset: list[int]) -> bool:
        trial = solve(
            form, forces=False, force_in=subset, maximise_value=False, budget_scale=budget_scale
        )
        return trial.status != "infeasible"

    core = list(forced)
    for index in list(core):
        rest = [i for i in core if i != index]
        if not feasible(rest):
            core = rest
    refs = tuple(problem.candidates[i].ref for i in core)
    elastic = solve(
        form,
        forces=False,
        force_in=core,
        allow_extra_budget=True,
        allow_extra_capacity=True,
        budget_scale=budget_scale,
    )
    shortfall: dict[FinancialYear, Decimal] = {}
    lacking: list[str] = []
    if elastic.status != "infeasible":
        shortfall = {
            form.years[row]: Decimal(amount).quantize(Decimal(1), rounding=ROUND_CEILING)
            for row, amount in enumerate(elastic.extra_budget)
            if amount > _EPSILON
        }
        lacking = [
            f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_CEILING).normalize():f} "
            f"FTE of {role} in {year}"
            for (role, year), amount in zip(form.role_years, elastic.extra_capacity, strict=True)
            if amount > 1e-6
        ]
    over = [
        f"{short_money(amount, up=True)} more than the {year} budget "
        f"({short_money(scaled(problem.limits()[year], budget_scale))})"
        for year, amount in shortfall.items()
    ]
    what = "; ".join(over + lacking) or "links between them that cannot all hold"
    names = ", ".join(refs)
    verb = "is forced in but needs" if len(refs) == 1 else "are forced in together but need"
    return ForceConflict(refs, shortfall, f"{names} {verb} {what}")
