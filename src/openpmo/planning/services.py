"""Every write of portfolio planning. Views, the API and the demo loader call these.

Each function checks permission, validates, saves and writes the audit record in one transaction:
a refusal (``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import ConflictError, lock_for_update, require, save_validated
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.core.money import FinancialYear
from openpmo.core.planning import PairwiseWeights, frontier, optimise, pairwise_weights
from openpmo.planning import selectors
from openpmo.planning.choices import FundingOutcome, Rating, ScenarioStatus, Underway
from openpmo.planning.models import (
    BusinessDriver,
    DriverComparison,
    DriverRating,
    FundingDecision,
    Scenario,
)
from openpmo.portfolio.models import Programme, WorkPackage


def _invalid(error: CoreValidationError) -> ValidationError:
    return as_validation_error(error)


@transaction.atomic
def driver_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    description: str = "",
    weight: Decimal = Decimal(0),
) -> BusinessDriver:
    require(actor, "planning.change_businessdriver", programme)
    order = BusinessDriver.objects.filter(programme=programme).count()
    driver = save_validated(
        BusinessDriver(
            programme=programme, name=name, description=description, weight=weight, order=order
        )
    )
    audit_record(
        actor=actor,
        action="planning.driver_created",
        obj=driver,
        before=None,
        after=snapshot(driver),
    )
    return driver


@transaction.atomic
def driver_weights_set(
    *, actor: Any, programme: Programme, weights: dict[int, Decimal]
) -> list[BusinessDriver]:
    """Typed weights (any non-negative numbers); stored normalised so they add up to 1."""
    require(actor, "planning.change_businessdriver", programme)
    drivers = list(
        BusinessDriver.objects.select_for_update().filter(programme=programme).order_by("order")
    )
    if set(weights) != {d.pk for d in drivers}:
        raise ValidationError("Give a weight for every driver of the programme.")
    if any(w < 0 for w in weights.values()):
        raise ValidationError("Weights must not be negative.")
    total = sum(weights.values(), Decimal(0))
    if total <= 0:
        raise ValidationError("At least one weight must be more than 0.")
    for driver in drivers:
        before = snapshot(driver)
        driver.weight = (weights[driver.pk] / total).quantize(Decimal("0.000001"))
        save_validated(driver)
        audit_record(
            actor=actor,
            action="planning.driver_weight_set",
            obj=driver,
            before=before,
            after=snapshot(driver),
        )
    return drivers


@transaction.atomic
def driver_weights_compare(
    *, actor: Any, programme: Programme, judgements: dict[tuple[int, int], str]
) -> PairwiseWeights:
    """Pairwise judgements (Saaty 1-9); the weights become the principal eigenvector."""
    require(actor, "planning.change_businessdriver", programme)
    drivers = list(
        BusinessDriver.objects.select_for_update().filter(programme=programme).order_by("order")
    )
    names = {d.pk: str(d.pk) for d in drivers}
    for first, second in judgements:
        if first not in names or second not in names:
            raise ValidationError("A judgement names a driver of another programme.")
    try:
        result = pairwise_weights(
            [names[d.pk] for d in drivers],
            {(names[a], names[b]): value for (a, b), value in judgements.items()},
        )
    except CoreValidationError as error:
        label = {str(d.pk): d.name for d in drivers}
        message = error.message
        for key, name in label.items():
            message = message.replace(f"'{key}'", name)
        raise ValidationError(message) from None
    DriverComparison.objects.filter(programme=programme).delete()
    DriverComparison.objects.bulk_create(
        DriverComparison(programme=programme, first_id=a, second_id=b, judgement=str(value))
        for (a, b), value in judgements.items()
    )
    for driver in drivers:
        before = snapshot(driver)
        driver.weight = result.weights[names[driver.pk]]
        save_validated(driver)
        audit_record(
            actor=actor,
            action="planning.driver_weight_set",
            obj=driver,
            before=before,
            after={**snapshot(driver), "consistency_ratio": str(result.consistency_ratio)},
        )
    return result


@transaction.atomic
def rating_set(
    *, actor: Any, work_package: WorkPackage, driver: BusinessDriver, rating: str
) -> DriverRating:
    require(actor, "planning.change_driverrating", work_package)
    if rating not in Rating.values:
        raise ValidationError(f"{rating!r} is not a rating; use one of {', '.join(Rating.values)}.")
    if driver.programme_id != work_package.strand.pillar.programme_id:
        raise ValidationError("The driver belongs to another programme.")
    row, _ = DriverRating.objects.select_for_update().get_or_create(
        work_package=work_package, driver=driver
    )
    before = snapshot(row)
    row.rating = rating
    save_validated(row)
    audit_record(
        actor=actor, action="planning.rating_set", obj=row, before=before, after=snapshot(row)
    )
    return row


def _frozen_inputs(
    problem: Any,
    objective: str,
    rows: list[selectors.CandidateRow],
    capacity: dict[str, dict[FinancialYear, Decimal]],
) -> dict[str, Any]:
    by_ref = {row.work_package.reference: row for row in rows}

    def _figures(by_year: dict[FinancialYear, Decimal]) -> dict[str, str]:
        return {str(y): str(a.quantize(Decimal("0.001"))) for y, a in sorted(by_year.items())}

    return {
        "objective": objective,
        "cumulative": problem.cumulative,
        "budget": {str(y): str(a) for y, a in sorted(problem.budget.items())},
        "capacity": {role: _figures(by_year) for role, by_year in sorted(capacity.items())},
        "candidates": [
            {
                "ref": c.ref,
                "value": str(c.value),
                "cost": {str(y): str(a) for y, a in sorted(c.cost.items())},
                "benefits": {str(y): str(a) for y, a in sorted(c.benefits.items())},
                "starts": [str(y) for y in c.starts],
                "force": c.force or "",
                "carbon": _figures(by_ref[c.ref].carbon),
                "demand": {
                    role: _figures(by_year)
                    for role, by_year in sorted(by_ref[c.ref].demand.items())
                },
            }
            for c in problem.candidates
        ],
    }


def _forces_check(rows: list[selectors.CandidateRow], forces: dict[str, str]) -> None:
    """Each force names an open work package of the programme and is ``in`` or ``out``."""
    known = {row.work_package.reference for row in rows}
    for ref, force in forces.items():
        if ref not in known:
            raise ValidationError(
                f"Force {force}: {ref} is not an open work package of the programme."
            )
        if force not in ("in", "out"):
            raise ValidationError(f"{ref}: force must be in or out, not {force!r}.")


def _years_reaching_late_costs(
    programme: Programme,
    rows: list[selectors.CandidateRow],
    years: list[FinancialYear],
    budget: dict[FinancialYear, Decimal] | None,
    forces: dict[str, str],
) -> tuple[list[FinancialYear], list[selectors.CandidateRow]]:
    """The years to plan and their candidate rows, when a package not forced out costs money
    after the last year: without a typed budget the years reach its last cost (the reserve adds
    nothing in later years); with one, that is refused."""
    out = {ref for ref, force in forces.items() if force == "out"}
    late = [
        (row, min(row.beyond))
        for row in rows
        if row.beyond and row.work_package.reference not in out
    ]
    if late and budget is None:
        # The reserve adds nothing in later years: plan to the last year any package costs.
        last = max(max(row.beyond) for row, _ in late)
        more = last.start_year - years[-1].start_year
        years = [*years, *(years[-1] + step for step in range(1, more + 1))]
        rows = selectors.candidate_rows(programme, years)
    elif late:
        row, year = late[0]
        raise ValidationError(
            f"{row.work_package.reference} (cost {year}, from its {row.cost_source}): "
            f"{year} is after the last budget year {max(budget or {})}; give a budget for "
            f"{year} or force it out."
        )
    return years, rows


@transaction.atomic
def scenario_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    objective: str,
    budget: dict[FinancialYear, Decimal] | None = None,
    forces: dict[str, str] | None = None,
    description: str = "",
    today: dt.date | None = None,
) -> Scenario:
    """Solve the programme's portfolio and save the scenario with its inputs frozen.

    ``budget`` by year is typed (each year on its own); without it, the reserve's headroom is
    the budget and unspent money carries forward. Forces that cannot all hold are refused with
    the optimiser's explanation, and nothing is saved.
    """
    require(actor, "planning.add_scenario", programme)
    if Scenario.objects.filter(programme=programme, name=name).exists():
        raise ValidationError(f"There is already a scenario called {name!r}.")
    years = selectors.planning_years(today or timezone.localdate())
    rows = selectors.candidate_rows(programme, sorted(budget) if budget else years)
    _forces_check(rows, forces or {})
    years, rows = _years_reaching_late_costs(programme, rows, years, budget, forces or {})
    try:
        problem = selectors.build_problem(
            rows,
            budget=budget or selectors.reserve_budget(programme, years),
            objective=objective,
            forces=forces or {},
            cumulative=budget is None,
        )
        result = optimise(problem, time_limit=20.0, explain_time=1.0)
    except CoreValidationError as error:
        raise _invalid(error) from None
    if result.conflict is not None:
        raise ValidationError(f"The forces cannot all hold: {result.conflict.message}")
    scenario = save_validated(
        Scenario(
            programme=programme,
            name=name,
            description=description,
            objective=objective,
            inputs=_frozen_inputs(
                problem,
                objective,
                rows,
                selectors.team_capacity(programme, sorted(problem.budget)),
            ),
            result=result.to_dict(),
            frontier=frontier(problem, levels=21, gap=1e-3).as_json(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    )
    audit_record(
        actor=actor,
        action="planning.scenario_saved",
        obj=scenario,
        before=None,
        after={"name": name, "objective": objective, "value": result.to_dict()["value"]},
    )
    return scenario


@transaction.atomic
def scenario_commit(
    *, actor: Any, scenario: Scenario, expected_version: int | None = None
) -> list[FundingDecision]:
    """Record the scenario's answer against each work package: funded (starting when the plan
    says), deferred to a later year, or stopped. A scenario is committed once."""
    scenario = lock_for_update(Scenario, scenario.pk, expected_version=expected_version)
    require(actor, "planning.commit_scenario", scenario.programme)
    if scenario.status == ScenarioStatus.COMMITTED:
        raise ConflictError(f"{scenario} was already committed.")
    now = timezone.now()
    chosen = {item["ref"]: item["start"] for item in scenario.result.get("selected", [])}
    why = {item["ref"]: item["why"] for item in scenario.result.get("excluded", [])}
    first = {c["ref"]: c["starts"][0] for c in scenario.inputs["candidates"]}
    packages = {wp.reference: wp for wp in WorkPackage.objects.filter(reference__in=list(first))}
    decisions = []
    for ref in sorted(first):
        package = packages.get(ref)
        if package is None:
            continue
        start = chosen.get(ref, "")
        if not start:
            outcome = FundingOutcome.STOPPED
        elif start == first[ref]:
            outcome = FundingOutcome.FUNDED
        else:
            outcome = FundingOutcome.DEFERRED
        underway = ""
        if package.stage == "delivery":
            underway = Underway.STOP if outcome == FundingOutcome.STOPPED else Underway.COMPLETE
        decision = save_validated(
            FundingDecision(
                work_package=package,
                scenario=scenario,
                outcome=outcome,
                start_year=start,
                underway=underway,
                reason=why.get(ref, ""),
                decided_by=actor if getattr(actor, "is_authenticated", False) else None,
                decided_at=now,
            )
        )
        audit_record(
            actor=actor,
            action="planning.funding_decided",
            obj=package,
            before=None,
            after={"outcome": outcome, "start_year": start, "scenario": scenario.pk},
        )
        decisions.append(decision)
    before = snapshot(scenario, exclude=("inputs", "result", "frontier"))
    scenario.status = ScenarioStatus.COMMITTED
    scenario.committed_by = actor if getattr(actor, "is_authenticated", False) else None
    scenario.committed_at = now
    save_validated(scenario)
    audit_record(
        actor=actor,
        action="planning.scenario_committed",
        obj=scenario,
        before=before,
        after={
            **snapshot(scenario, exclude=("inputs", "result", "frontier")),
            "funded": sum(d.outcome == FundingOutcome.FUNDED for d in decisions),
            "deferred": sum(d.outcome == FundingOutcome.DEFERRED for d in decisions),
            "stopped": sum(d.outcome == FundingOutcome.STOPPED for d in decisions),
        },
    )
    return decisions
