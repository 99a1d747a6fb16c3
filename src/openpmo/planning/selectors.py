"""Reads for portfolio planning: candidates from the register, the reserve's headroom, scenario
comparison and affordability by financial year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from openpmo.benefits.choices import Category, Unit
from openpmo.benefits.models import Benefit, ProfileMonth
from openpmo.core.finance import discount_factor
from openpmo.core.money import FinancialYear
from openpmo.core.planning import Candidate, PlanningProblem, strategic_score
from openpmo.finance import core_adapters as finance_adapters
from openpmo.finance import selectors as finance_selectors
from openpmo.finance.choices import EntryKind
from openpmo.finance.models import Reserve, ReserveEntry, WorkPackageForecast
from openpmo.gates import selectors as gate_selectors
from openpmo.gates.choices import OPEN_STATUSES
from openpmo.gates.models import BusinessCaseOption, GateRequest
from openpmo.planning.choices import Objective
from openpmo.planning.models import BusinessDriver, FundingDecision, Scenario
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources import selectors as resource_selectors
from openpmo.resources.models import Demand, Person

ZERO = Decimal(0)
#: Years a scenario plans over by default, from the current financial year.
HORIZON = 3


def planning_years(today: dt.date, *, years: int = HORIZON) -> list[FinancialYear]:
    first = FinancialYear.containing(today)
    return [first + step for step in range(years)]


def drivers_of(programme: Programme) -> QuerySet[BusinessDriver]:
    return BusinessDriver.objects.filter(programme=programme).order_by("order", "name")


def scenario_list(programme: Programme | None = None) -> QuerySet[Scenario]:
    rows = Scenario.objects.select_related("programme", "created_by", "committed_by")
    return rows.filter(programme=programme) if programme is not None else rows


def scenario_get(pk: int) -> Scenario:
    return scenario_list().get(pk=pk)


def reserve_of(programme: Programme) -> Reserve | None:
    return Reserve.objects.filter(programme=programme).order_by("pk").first()


def reserve_headroom(programme: Programme, *, as_at: dt.date | None = None) -> Decimal:
    """What the reserve still holds at the close of its last year, after every committed line
    (as recorded by the end of ``as_at`` when given)."""
    reserve = reserve_of(programme)
    if reserve is None:
        return ZERO
    entries = finance_selectors.known_entries(reserve.entries.all(), as_at)
    result = finance_adapters.reserve_result(reserve, reconcile=False, entries=entries)
    held = -result.years[-1].closing if result.years else ZERO
    return held * reserve.reporting_unit


def reserve_budget(
    programme: Programme, years: list[FinancialYear]
) -> dict[FinancialYear, Decimal]:
    """The reserve as a cumulative budget: its headroom now, nothing added in later years."""
    return {
        year: (reserve_headroom(programme) if index == 0 else ZERO)
        for index, year in enumerate(years)
    }


def _sum_profile(lines: dict[str, dict[str, Any]]) -> dict[FinancialYear, Decimal]:
    total: dict[FinancialYear, Decimal] = defaultdict(lambda: ZERO)
    for by_year in (lines or {}).values():
        for year, amount in (by_year or {}).items():
            total[FinancialYear.parse(year)] += Decimal(str(amount))
    return dict(total)


@dataclass
class CandidateRow:
    """A work package as the optimiser sees it, with where its figures came from."""

    work_package: WorkPackage
    cost: dict[FinancialYear, Decimal]
    benefits: dict[FinancialYear, Decimal]
    score: Decimal
    npsv: Decimal
    cost_source: str
    underway: bool = False
    notes: list[str] = field(default_factory=list)
    #: Cost after the plan's last year (the scenario refuses it: the budget must cover it).
    beyond: dict[FinancialYear, Decimal] = field(default_factory=dict)
    #: Net tonnes of CO2e cut by year (reductions positive, dis-benefits negative), from the
    #: current profiles of the carbon benefits it delivers (shared evenly between packages).
    carbon: dict[FinancialYear, Decimal] = field(default_factory=dict)
    #: FTE by role and year (the year's average of the monthly demand in the resources plan).
    demand: dict[str, dict[FinancialYear, Decimal]] = field(default_factory=dict)


def candidate_rows(programme: Programme, years: list[FinancialYear]) -> list[CandidateRow]:
    """Every work package not closed: cost by year from the recommended option of its latest
    business case, else its budget envelope in the first year; benefits from that option."""
    packages = list(
        WorkPackage.objects.filter(strand__pillar__programme=programme)
        .exclude(stage=Stage.CLOSURE)
        .order_by("reference")
    )
    options: dict[int, BusinessCaseOption] = {}
    for option in (
        BusinessCaseOption.objects.filter(
            business_case__work_package__in=packages, is_recommended=True
        )
        .select_related("business_case")
        .order_by("business_case__work_package", "-business_case__number")
    ):
        options.setdefault(option.business_case.work_package_id, option)
    weights = {d.pk: d.weight for d in drivers_of(programme)}
    ratings: dict[int, dict[str, str]] = defaultdict(dict)
    for driver in drivers_of(programme).prefetch_related("ratings"):
        for rating in driver.ratings.all():
            ratings[rating.work_package_id][str(driver.pk)] = rating.rating
    carbon = carbon_by_package(packages)
    demand = demand_by_package(packages)
    rows = []
    window = set(years)
    for package in packages:
        option = options.get(package.pk)
        notes: list[str] = []
        if option is not None and option.costs:
            cost = _sum_profile(option.costs)
            source = f"business case v{option.business_case.number}: {option.name}"
        else:
            cost = {years[0]: package.budget_envelope or ZERO}
            source = "budget envelope"
        before = sorted(year for year in cost if year < min(window))
        if before:
            notes.append(f"cost in {', '.join(map(str, before))} is before the plan and left out")
        beyond = {year: amount for year, amount in cost.items() if year > max(window) and amount}
        cost = {year: amount for year, amount in cost.items() if year in window}
        benefits = _sum_profile(option.benefits) if option is not None else {}
        score = (
            strategic_score({str(k): v for k, v in weights.items()}, ratings.get(package.pk, {}))
            if weights and sum(weights.values()) > 0
            else ZERO
        )
        rows.append(
            CandidateRow(
                work_package=package,
                cost=cost,
                benefits=benefits,
                score=score,
                npsv=npsv(benefits, cost, years[0]),
                cost_source=source,
                underway=package.stage == Stage.DELIVERY,
                notes=notes,
                beyond=beyond,
                carbon=carbon.get(package.pk, {}),
                demand=demand.get(package.pk, {}),
            )
        )
    return rows


def carbon_by_package(
    packages: list[WorkPackage],
) -> dict[int, dict[FinancialYear, Decimal]]:
    """Net tCO2e cut by financial year per work package, from each carbon benefit's current
    profile; a benefit delivered by several packages is shared evenly between them."""
    out: dict[int, dict[FinancialYear, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    benefits = (
        Benefit.objects.filter(work_packages__in=packages, unit=Unit.TONNES_CO2E)
        .distinct()
        .prefetch_related("work_packages")
    )
    for benefit in benefits:
        owners = [wp.pk for wp in benefit.work_packages.all()]
        sign = -1 if benefit.category == Category.DIS_BENEFIT else 1
        months = ProfileMonth.objects.filter(profile__benefit=benefit, profile__is_current=True)
        for month, value in months.values_list("month", "value"):
            share = sign * value / len(owners)
            for owner in owners:
                out[owner][FinancialYear.containing(month)] += share
    return {pk: dict(by_year) for pk, by_year in out.items()}


def demand_by_package(
    packages: list[WorkPackage],
) -> dict[int, dict[str, dict[FinancialYear, Decimal]]]:
    """FTE by role and financial year per work package: the year's monthly demand / 12."""
    out: dict[int, dict[str, dict[FinancialYear, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: ZERO))
    )
    rows = Demand.objects.filter(work_package__in=packages).values_list(
        "work_package_id", "role__name", "month", "fte"
    )
    for package, role, month, fte in rows:
        out[package][role][FinancialYear.containing(month)] += fte / 12
    return {
        pk: {role: dict(by_year) for role, by_year in roles.items()} for pk, roles in out.items()
    }


def team_capacity(
    programme: Programme, years: list[FinancialYear]
) -> dict[str, dict[FinancialYear, Decimal]]:
    """FTE by role and financial year: each person's FTE x the share of each month they are
    available (inside their dates, not absent), averaged over the year's twelve months."""
    out: dict[str, dict[FinancialYear, Decimal]] = defaultdict(dict)
    people = Person.objects.filter(programme=programme).select_related("role")
    for person in people.prefetch_related("absences"):
        for year in years:
            total = ZERO
            for step in range(12):
                month = resource_selectors.month_add(dt.date(year.start_year, 4, 1), step)
                total += person.fte * resource_selectors.availability(person, month)
            by_year = out[person.role.name]
            by_year[year] = by_year.get(year, ZERO) + total / 12
    return dict(out)


def npsv(
    benefits: dict[FinancialYear, Decimal], cost: dict[FinancialYear, Decimal], base: FinancialYear
) -> Decimal:
    """Net present social value at Green Book 3.5% from ``base`` (year 0)."""
    total = ZERO
    for year in {*benefits, *cost}:
        step = year.start_year - base.start_year
        factor = discount_factor(step) if step >= 0 else Decimal(1)
        total += (benefits.get(year, ZERO) - cost.get(year, ZERO)) * factor
    return total


def value_of(row: CandidateRow, objective: str) -> Decimal:
    if objective == Objective.NPSV:
        return max(row.npsv, ZERO)
    if objective == Objective.BENEFITS:
        return sum(row.benefits.values(), ZERO)
    return row.score


def build_problem(
    rows: list[CandidateRow],
    *,
    budget: dict[FinancialYear, Decimal],
    objective: str,
    forces: dict[str, str],
    cumulative: bool,
) -> PlanningProblem:
    years = sorted(budget)
    candidates = []
    for row in rows:
        first = min(row.cost) if row.cost else years[0]
        later = [] if row.underway else [y for y in years if y > first][:2]
        force = forces.get(row.work_package.reference) or None
        candidates.append(
            Candidate(
                ref=row.work_package.reference,
                value=value_of(row, objective),
                cost={y: a for y, a in row.cost.items() if a},
                starts=(first, *later),
                benefits={y: a for y, a in row.benefits.items() if y >= first},
                force=force,  # type: ignore[arg-type]  # "in" | "out", checked by the form
            )
        )
    return PlanningProblem(budget=budget, candidates=tuple(candidates), cumulative=cumulative)


# --- comparison --------------------------------------------------------------------------------


def _shifted(profile: dict[str, str], shift: int) -> dict[str, Decimal]:
    return {
        str(FinancialYear.parse(year) + shift): Decimal(amount) for year, amount in profile.items()
    }


def scenario_columns(scenario: Scenario) -> list[dict[str, Any]]:
    """Do nothing, fund everything asked, and this scenario, as columns of one comparison."""
    inputs = scenario.inputs
    everything = {c["ref"]: c["starts"][0] for c in inputs["candidates"]}
    chosen = {item["ref"]: item["start"] for item in scenario.result.get("selected", [])}
    return [
        column("Do nothing", inputs, {}),
        column("Fund everything asked", inputs, everything),
        column(scenario.name, inputs, chosen),
    ]


def column(label: str, inputs: dict[str, Any], picks: dict[str, str]) -> dict[str, Any]:
    years = sorted(inputs["budget"])
    by_ref = {c["ref"]: c for c in inputs["candidates"]}
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    benefits: dict[str, Decimal] = defaultdict(lambda: ZERO)
    carbon: dict[str, Decimal] = defaultdict(lambda: ZERO)
    demand: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    value = ZERO
    for ref, start in picks.items():
        candidate = by_ref[ref]
        shift = (
            FinancialYear.parse(start).start_year
            - FinancialYear.parse(candidate["starts"][0]).start_year
        )
        for year, amount in _shifted(candidate["cost"], shift).items():
            cost[year] += amount
        for year, amount in _shifted(candidate.get("benefits", {}), shift).items():
            benefits[year] += amount
        for year, amount in _shifted(candidate.get("carbon", {}), shift).items():
            carbon[year] += amount
        for role, by_year in candidate.get("demand", {}).items():
            for year, amount in _shifted(by_year, shift).items():
                demand[(role, year)] += amount
        value += Decimal(candidate["value"]) / Decimal("1.035") ** shift
    budget = {year: Decimal(amount) for year, amount in inputs["budget"].items()}
    headroom: dict[str, Decimal] = {}
    running = ZERO
    for year in years:
        if inputs.get("cumulative"):
            running += budget[year] - cost[year]
            headroom[year] = running
        else:
            headroom[year] = budget[year] - cost[year]
    base = FinancialYear.parse(years[0])
    as_years = {FinancialYear.parse(y): a for y, a in benefits.items()}
    costs = {FinancialYear.parse(y): a for y, a in cost.items()}
    return {
        "label": label,
        "selected": sorted(picks),
        "count": len(picks),
        "value": value,
        "cost": {year: cost[year] for year in years},
        "headroom": headroom,
        "benefits": {year: benefits.get(year, ZERO) for year in sorted({*years, *benefits})},
        "npsv": npsv(as_years, costs, base),
        "affordable": all(amount >= 0 for amount in headroom.values()),
        "carbon": {year: carbon.get(year, ZERO) for year in sorted({*years, *carbon})},
        "demand": team_use(inputs, demand, years),
    }


def team_use(
    inputs: dict[str, Any], demand: dict[tuple[str, str], Decimal], years: list[str]
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(demand, capacity) in FTE by (role, year): every role with capacity or demand, in the
    plan's years (capacity 0 when the team has nobody in that role)."""
    capacity = inputs.get("capacity", {})
    roles = sorted({*capacity, *(role for role, _ in demand)})
    return {
        (role, year): (
            demand.get((role, year), ZERO),
            Decimal(capacity.get(role, {}).get(year, "0")),
        )
        for role in roles
        for year in years
    }


def current_decisions(work_packages: list[WorkPackage]) -> dict[int, FundingDecision]:
    """The latest funding decision of each work package (what the register shows)."""
    out: dict[int, FundingDecision] = {}
    for decision in FundingDecision.objects.filter(work_package__in=work_packages).order_by(
        "work_package", "-decided_at", "-id"
    ):
        out.setdefault(decision.work_package_id, decision)
    return out


# --- affordability -----------------------------------------------------------------------------


@dataclass
class AffordabilityYear:
    year: str
    approved: Decimal
    requested: Decimal
    forecast_beyond_released: Decimal

    @property
    def further(self) -> Decimal:
        """Money still to come out of the reserve: asked for, or forecast but not released."""
        return self.requested + self.forecast_beyond_released


@dataclass
class Affordability:
    """``headroom`` is what the reserve holds after every line already in it (approved
    drawdowns included, shown by year for reference); ``committed`` is what is still to come."""

    headroom: Decimal
    years: list[AffordabilityYear]

    @property
    def committed(self) -> Decimal:
        return sum((year.further for year in self.years), ZERO)

    @property
    def shortfall(self) -> Decimal:
        return max(self.committed - self.headroom, ZERO)

    @property
    def warning(self) -> str | None:
        if self.shortfall <= 0:
            return None
        return (
            f"Requests in the gate pipeline and forecasts beyond what is released exceed the "
            f"reserve's headroom by £{self.shortfall:,.0f}: prioritise before approving more."
        )


def affordability(programme: Programme, *, as_at: dt.date | None = None) -> Affordability:
    """By financial year: drawdowns approved (already out of the reserve), money asked for in
    open gate requests, and spend forecast beyond what has been released; the last two against
    the reserve's headroom. As recorded by the end of ``as_at`` when given (a report's date)."""
    approved: dict[str, Decimal] = defaultdict(lambda: ZERO)
    drawdowns = ReserveEntry.objects.filter(
        reserve__programme=programme, kind=EntryKind.DRAWDOWN, work_package__isnull=False
    )
    for entry in finance_selectors.known_entries(drawdowns, as_at).values("year", "amount"):
        approved[entry["year"]] += entry["amount"]
    requested: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if as_at is None:
        open_requests: list[Any] = list(
            GateRequest.objects.filter(
                work_package__strand__pillar__programme=programme,
                status__in=list(OPEN_STATUSES),
            )
        )
    else:
        open_requests = gate_selectors.open_requests(programme, as_at=as_at)
    for request in open_requests:
        for year, amount in (request.requested or {}).items():
            requested[year] += Decimal(str(amount))
    forecast: dict[str, Decimal] = defaultdict(lambda: ZERO)
    forecasts = WorkPackageForecast.objects.filter(
        work_package__strand__pillar__programme=programme
    )
    for row in finance_selectors.forecasts_as_at(forecasts, as_at):
        forecast[row.year] += row.amount
    years = sorted({*approved, *requested, *forecast})
    rows = [
        AffordabilityYear(
            year,
            approved[year],
            requested[year],
            max(forecast[year] - approved[year], ZERO),
        )
        for year in years
    ]
    return Affordability(reserve_headroom(programme, as_at=as_at), rows)


def comparison_rows(columns: list[dict[str, Any]], years: list[str]) -> list[dict[str, Any]]:
    """The comparison as table rows (one cell per column), for pages, Excel and the board pack."""
    rows: list[dict[str, Any]] = [
        {"label": "Work packages funded", "cells": [c["count"] for c in columns], "money": False},
        {
            "label": "Value",
            "cells": [c["value"].quantize(Decimal("0.1")) for c in columns],
            "money": False,
        },
    ]
    rows += _money_rows(columns, years)
    rows += _carbon_rows(columns)
    rows += _capacity_rows(columns)
    rows.append(
        {
            "label": "Affordable",
            "cells": ["yes" if c["affordable"] else "no" for c in columns],
            "money": False,
        }
    )
    return rows


def _money_rows(columns: list[dict[str, Any]], years: list[str]) -> list[dict[str, Any]]:
    """Cost and headroom by planning year, benefits by the years they fall in, and NPSV."""
    rows: list[dict[str, Any]] = []
    for year in years:
        rows.append(
            {
                "label": f"Cost {year}",
                "cells": [c["cost"].get(year, ZERO) for c in columns],
                "money": True,
            }
        )
    for year in years:
        rows.append(
            {
                "label": f"Headroom {year}",
                "cells": [c["headroom"].get(year, ZERO) for c in columns],
                "money": True,
            }
        )
    benefit_years = sorted({y for c in columns for y in c["benefits"]})
    for year in benefit_years:
        rows.append(
            {
                "label": f"Benefits {year}",
                "cells": [c["benefits"].get(year, ZERO) for c in columns],
                "money": True,
            }
        )
    rows.append({"label": "NPSV at 3.5%", "cells": [c["npsv"] for c in columns], "money": True})
    return rows


def _carbon_rows(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The carbon cut by year and in total, when any column cuts carbon."""
    rows: list[dict[str, Any]] = []
    carbon_years = sorted({y for c in columns for y in c.get("carbon", {})})
    for year in carbon_years:
        rows.append(
            {
                "label": f"Carbon cut {year} (tCO2e)",
                "cells": [_tenth(c["carbon"].get(year, ZERO)) for c in columns],
                "money": False,
            }
        )
    if carbon_years:
        rows.append(
            {
                "label": "Carbon cut in total (tCO2e)",
                "cells": [_tenth(sum(c["carbon"].values(), ZERO)) for c in columns],
                "money": False,
            }
        )
    return rows


def _capacity_rows(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The team's demand against its capacity by role and year, and whether it fits."""
    rows: list[dict[str, Any]] = []
    keys = sorted({key for c in columns for key in c.get("demand", {})})
    for role, year in keys:
        capacity = max(c["demand"].get((role, year), (ZERO, ZERO))[1] for c in columns)
        rows.append(
            {
                "label": f"{role} {year}: FTE needed of {_tenth(capacity)} available",
                "cells": [_tenth(c["demand"].get((role, year), (ZERO, ZERO))[0]) for c in columns],
                "money": False,
            }
        )
    if keys:
        rows.append(
            {
                "label": "Within the team's capacity",
                "cells": [
                    "yes" if all(need <= have for need, have in c["demand"].values()) else "no"
                    for c in columns
                ],
                "money": False,
            }
        )
    return rows


def _tenth(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.1"))


def committed_scenario(programme: Programme, *, as_at: dt.datetime) -> Scenario | None:
    """The scenario committed last on or before ``as_at`` (what the board had decided by then)."""
    return (
        Scenario.objects.filter(programme=programme, committed_at__lte=as_at)
        .order_by("-committed_at", "-id")
        .first()
    )
