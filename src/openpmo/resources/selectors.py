"""Reads of resources: capacity against demand by role and month, what-ifs, the hybrid mix.

Capacity of a role in a month is the sum over its people of FTE x the share of the month's
working days (Monday to Friday) they are available (inside their dates, not absent). Demand is
what work packages need from the in-house pool: a partner package needs none of it, a hybrid
package ``1 - partner_share`` of its demand. A what-if (:class:`WhatIf`) is applied in memory to
what was read: nothing is ever saved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from openpmo.core.finance.team_cost import Role as CoreRole
from openpmo.core.money import FinancialYear, Month
from openpmo.portfolio.models import Pillar, Programme, WorkPackage
from openpmo.resources.choices import Sourcing
from openpmo.resources.models import (
    Contract,
    Demand,
    PackageSourcing,
    Person,
    ResourceRole,
    Supplier,
)

ZERO = Decimal(0)
ONE = Decimal(1)
PENCE = Decimal("0.01")


def month_add(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` after ``month``'s."""
    return (Month.of(month) + count).first_day


def month_end(month: dt.date) -> dt.date:
    return Month.of(month).last_day


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive."""
    if end < start:
        return 0
    days = (end - start).days + 1
    whole, rest = divmod(days, 7)
    count = whole * 5
    for k in range(rest):
        if (start.weekday() + k) % 7 < 5:
            count += 1
    return count


def role_list(programme: Programme) -> QuerySet[ResourceRole]:
    return ResourceRole.objects.filter(programme=programme).order_by("name")


def person_list(programme: Programme) -> QuerySet[Person]:
    return (
        Person.objects.filter(programme=programme)
        .select_related("role", "supplier", "team_role")
        .prefetch_related("absences")
        .order_by("role__name", "name")
    )


def supplier_list(programme: Programme) -> QuerySet[Supplier]:
    return Supplier.objects.filter(programme=programme).prefetch_related("contracts__work_packages")


def contract_list(programme: Programme) -> QuerySet[Contract]:
    return Contract.objects.filter(supplier__programme=programme).select_related("supplier")


def availability(person: Person, month: dt.date) -> Decimal:
    """The share of ``month``'s working days ``person`` is available (0 to 1)."""
    last = month_end(month)
    total = weekdays(month, last)
    start = max(month, person.available_from)
    end = min(last, person.available_to or last)
    days = weekdays(start, end)
    for absence in person.absences.all():
        days -= weekdays(max(start, absence.start), min(end, absence.end))
    return Decimal(max(days, 0)) / Decimal(total) if total else ZERO


def person_annual_cost(person: Person) -> Decimal:
    """A year of this person at their FTE: the Table 1 post's cost, or day rate x 220 days."""
    role = person.team_role
    if role is not None:
        per_fte = CoreRole(
            name=role.name,
            fte=Decimal(role.fte),
            start=role.start,
            end=role.end,
            annual_cost=role.annual_cost,
            salary=role.salary,
            on_cost_rate=Decimal(role.on_cost_rate or 0),
            fixed_on_costs=Decimal(role.fixed_on_costs or 0),
        ).cost_per_fte
    elif person.day_rate is not None:
        per_fte = person.day_rate * 220
    else:
        per_fte = ZERO
    return per_fte * person.fte


@dataclass(frozen=True)
class Hire:
    role_id: int
    count: int
    from_month: dt.date


@dataclass(frozen=True)
class WhatIf:
    """Changes to try without saving: hire people, move packages (months), switch sourcing."""

    hires: tuple[Hire, ...] = ()
    moves: tuple[tuple[int, int], ...] = ()
    switches: tuple[tuple[int, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.hires or self.moves or self.switches)


@dataclass
class Cell:
    capacity: Decimal = ZERO
    demand: Decimal = ZERO
    packages: list[tuple[WorkPackage, Decimal]] = field(default_factory=list)

    @property
    def gap(self) -> Decimal:
        """Demand beyond capacity (negative: spare capacity)."""
        return self.demand - self.capacity

    @property
    def over(self) -> bool:
        return self.demand > self.capacity

    @property
    def level(self) -> str:
        """For the heat map: over, tight (90% or more used), spare or idle."""
        if self.over:
            return "over"
        if self.capacity and self.demand >= self.capacity * Decimal("0.9"):
            return "tight"
        return "spare" if self.demand else "idle"


@dataclass
class Grid:
    roles: list[ResourceRole]
    months: list[dt.date]
    cells: dict[tuple[int, dt.date], Cell]
    finishes: dict[WorkPackage, dt.date]
    cost_by_year: dict[str, Decimal]
    people: list[tuple[Person, list[Decimal]]]

    def row(self, role: ResourceRole) -> list[Cell]:
        return [self.cells[(role.pk, month)] for month in self.months]

    def peaks(self) -> dict[ResourceRole, Decimal]:
        """Each role's largest shortfall in FTE (zero when it never runs short)."""
        return {
            role: max((max(c.gap, ZERO) for c in self.row(role)), default=ZERO)
            for role in self.roles
        }

    def over_cells(self) -> list[tuple[ResourceRole, dt.date, Cell]]:
        return [
            (r, m, self.cells[(r.pk, m)])
            for r in self.roles
            for m in self.months
            if self.cells[(r.pk, m)].over
        ]


def _partner_share(mode: str, share: Decimal) -> Decimal:
    if mode == Sourcing.PARTNER:
        return ONE
    if mode == Sourcing.HYBRID:
        return share
    return ZERO


def _demand_rows(
    programme: Programme, pillar: Pillar | None, work_packages: Iterable[int] | None
) -> list[Demand]:
    rows = Demand.objects.filter(work_package__strand__pillar__programme=programme)
    if pillar is not None:
        rows = rows.filter(work_package__strand__pillar=pillar)
    if work_packages is not None:
        rows = rows.filter(work_package__in=list(work_packages))
    return list(rows.select_related("work_package", "role").order_by("month"))


def _sourcing(programme: Programme) -> dict[int, tuple[str, Decimal]]:
    return {
        s.work_package_id: (s.mode, s.partner_share)
        for s in PackageSourcing.objects.filter(work_package__strand__pillar__programme=programme)
    }


def capacity_grid(
    programme: Programme,
    *,
    pillar: Pillar | None = None,
    what_if: WhatIf | None = None,
    work_packages: Iterable[int] | None = None,
    months: int | None = None,
    shares: dict[int, Decimal] | None = None,
) -> Grid:
    """Capacity against in-house demand by role and month, with any what-if applied."""
    what_if = what_if or WhatIf()
    roles = list(role_list(programme))
    people = list(person_list(programme))
    rows = _demand_rows(programme, pillar, work_packages)
    moves = dict(what_if.moves)
    sourcing = _sourcing(programme)
    for package_id, mode in what_if.switches:
        current = sourcing.get(package_id, (mode, ZERO))[1] or Decimal("0.5")
        sourcing[package_id] = (mode, (shares or {}).get(package_id, current))
    placed = [(d, month_add(d.month, moves.get(d.work_package_id, 0))) for d in rows]
    span = _months(placed, months)
    cells = {(r.pk, m): Cell() for r in roles for m in span}
    by_role_cost = _role_costs(people)
    day_rates = {r.pk: r.partner_day_rate or ZERO for r in roles}
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    finishes: dict[WorkPackage, dt.date] = {}
    for demand, month in placed:
        mode, share = sourcing.get(demand.work_package_id, (Sourcing.IN_HOUSE, ZERO))
        partner = demand.fte * _partner_share(mode, share)
        in_house = demand.fte - partner
        finishes[demand.work_package] = max(month, finishes.get(demand.work_package, month))
        year = str(FinancialYear.containing(month))
        cost[year] += partner * day_rates[demand.role_id] * weekdays(month, month_end(month))
        cell = cells.get((demand.role_id, month))
        if cell is not None and in_house:
            cell.demand += in_house
            cell.packages.append((demand.work_package, in_house))
    allocation = []
    for person in people:
        shares = [person.fte * availability(person, month) for month in span]
        allocation.append((person, shares))
        for month, fte in zip(span, shares, strict=True):
            cells[(person.role_id, month)].capacity += fte
            cost[str(FinancialYear.containing(month))] += (
                person_annual_cost(person) / 12 * availability(person, month)
            )
    for hire in what_if.hires:
        for month in span:
            if month >= hire.from_month.replace(day=1) and (hire.role_id, month) in cells:
                cells[(hire.role_id, month)].capacity += hire.count
                cost[str(FinancialYear.containing(month))] += (
                    by_role_cost.get(hire.role_id, ZERO) / 12 * hire.count
                )
    for cell in cells.values():
        cell.packages.sort(key=lambda item: -item[1])
    return Grid(
        roles=roles,
        months=span,
        cells=cells,
        finishes=finishes,
        cost_by_year={year: cost[year].quantize(PENCE) for year in sorted(cost)},
        people=allocation,
    )


def _months(placed: list[tuple[Demand, dt.date]], count: int | None) -> list[dt.date]:
    if placed:
        first = min(month for _, month in placed)
        last = max(month for _, month in placed)
    else:
        first = dt.date.today().replace(day=1)
        last = month_add(first, 11)
    if count is not None:
        last = month_add(first, count - 1)
    span = []
    month = first
    while month <= last:
        span.append(month)
        month = month_add(month, 1)
    return span


def _role_costs(people: list[Person]) -> dict[int, Decimal]:
    """The mean annual cost of one FTE of each role among its in-house people (for hires)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for person in people:
        if person.fte:
            totals[person.role_id].append(person_annual_cost(person) / person.fte)
    return {role: sum(values, ZERO) / len(values) for role, values in totals.items()}


@dataclass(frozen=True)
class Option:
    name: str
    cost: Decimal
    in_house_fte_months: Decimal
    partner_fte_months: Decimal
    peak_shortfall: Decimal


def hybrid_comparison(
    programme: Programme,
    work_packages: list[WorkPackage],
    *,
    hybrid_share: Decimal = Decimal("0.5"),
) -> list[Option]:
    """In-house, partner and hybrid delivery of these packages: cost, FTE-months, in-house peak.

    In-house work is costed at the role's mean cost of an FTE-month among its people, partner
    work at the role's partner day rate for the month's working days; hybrid mixes the two.
    """
    ids = [wp.pk for wp in work_packages]
    demand = _demand_rows(programme, None, ids)
    monthly = {role: cost / 12 for role, cost in _role_costs(list(person_list(programme))).items()}
    in_house = sum((d.fte * monthly.get(d.role_id, ZERO) for d in demand), ZERO)
    partner = sum(
        (
            d.fte * (d.role.partner_day_rate or ZERO) * weekdays(d.month, month_end(d.month))
            for d in demand
        ),
        ZERO,
    )
    work = sum((d.fte for d in demand), ZERO)
    options = []
    for name, mode, share in (
        ("In-house", Sourcing.IN_HOUSE, ZERO),
        ("Partner", Sourcing.PARTNER, ONE),
        (f"Hybrid ({hybrid_share:.0%} partner)", Sourcing.HYBRID, hybrid_share),
    ):
        grid = capacity_grid(
            programme,
            what_if=WhatIf(switches=tuple((pk, mode) for pk in ids)),
            shares={pk: share for pk in ids},
        )
        options.append(
            Option(
                name=name,
                cost=(in_house * (1 - share) + partner * share).quantize(PENCE),
                in_house_fte_months=work * (1 - share),
                partner_fte_months=work * share,
                peak_shortfall=max(grid.peaks().values(), default=ZERO),
            )
        )
    return options
