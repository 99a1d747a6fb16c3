"""The planning problem: candidates, budgets, capacity and links, checked as they are built.

A :class:`PlanningProblem` that exists is valid: every refusal is a ``ValidationError`` naming the
candidate and the field (``WP-004.cost.2026/27``), so nothing downstream meets bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear

__all__ = ["Candidate", "Force", "Group", "PlanningProblem"]

Force = Literal["in", "out"]
ZERO = Decimal(0)
#: Green Book's discount rate for the first 30 years: what a year's delay costs in value.
GREEN_BOOK_RATE = Decimal("0.035")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A work package or idea that may be funded, and when it may start.

    ``cost`` (pounds) and ``demand`` (FTE by role) are profiles by financial year for a start in
    the first of ``starts``; a later start shifts both by the same number of years. ``benefits``
    (pounds by year, optional) shift too. ``value`` is what the objective counts.
    """

    ref: str
    value: Decimal
    cost: Mapping[FinancialYear, Decimal]
    starts: tuple[FinancialYear, ...] = ()
    demand: Mapping[str, Mapping[FinancialYear, Decimal]] = field(default_factory=dict)
    needs: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    force: Force | None = None
    benefits: Mapping[FinancialYear, Decimal] = field(default_factory=dict)

    def offset(self, start: FinancialYear) -> int:
        """Years between the first allowed start and ``start``."""
        return start.start_year - self.starts[0].start_year

    def cost_at(self, start: FinancialYear) -> dict[FinancialYear, Decimal]:
        """The cost profile if the candidate starts in ``start``."""
        shift = self.offset(start)
        return {year + shift: amount for year, amount in self.cost.items()}

    def demand_at(self, start: FinancialYear) -> dict[str, dict[FinancialYear, Decimal]]:
        shift = self.offset(start)
        return {
            role: {year + shift: fte for year, fte in years.items()}
            for role, years in self.demand.items()
        }

    def value_at(self, start: FinancialYear, discount: Decimal) -> Decimal:
        """The value if the candidate starts in ``start``: discounted for each year of delay."""
        return self.value / (1 + discount) ** self.offset(start)

    def benefits_at(self, start: FinancialYear) -> dict[FinancialYear, Decimal]:
        shift = self.offset(start)
        return {year + shift: amount for year, amount in self.benefits.items()}

    @property
    def total_cost(self) -> Decimal:
        return sum(self.cost.values(), ZERO)


@dataclass(frozen=True, slots=True)
class Group:
    """At most ``at_most`` of ``members`` may be selected (e.g. three rival CRM systems)."""

    name: str
    members: tuple[str, ...]
    at_most: int


@dataclass(frozen=True, slots=True)
class PlanningProblem:
    """Budgets by year, optional role capacity by year, and the candidates with their links.

    Each year of delay discounts a candidate's value by ``delay_discount`` (Green Book 3.5% by
    default: value / 1.035 per year), so the optimiser starts work as early as the money allows.
    """

    budget: Mapping[FinancialYear, Decimal]
    candidates: tuple[Candidate, ...]
    capacity: Mapping[str, Mapping[FinancialYear, Decimal]] = field(default_factory=dict)
    groups: tuple[Group, ...] = ()
    delay_discount: Decimal = GREEN_BOOK_RATE
    #: A reserve: money not spent in a year carries forward, so spend to the end of each year
    #: must stay within the budgets to the end of that year (not each year on its own).
    cumulative: bool = False
    #: Starts dropped because the cost would run past the last budget year, one line each.
    notes: tuple[str, ...] = field(default=(), init=False)
    _by_ref: Mapping[str, Candidate] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.budget:
            raise ValidationError("give the budget for at least one financial year", where="budget")
        for year, amount in self.budget.items():
            if not self.cumulative:
                _not_negative(amount, f"budget.{year}")
        if self.cumulative:
            running = ZERO
            for year in sorted(self.budget):
                running += self.budget[year]
                if running < 0:
                    raise ValidationError(
                        f"the reserve is overdrawn by {-running} at the end of {year}",
                        where=f"budget.{year}",
                    )
        for role, years in self.capacity.items():
            for year, fte in years.items():
                _not_negative(fte, f"capacity.{role}.{year}")
                self._within_budget_years(year, f"capacity.{role}.{year}")
        if not ZERO <= self.delay_discount < 1:
            raise ValidationError("must be between 0 and 1", where="delay_discount")
        refs: set[str] = set()
        for candidate in self.candidates:
            if candidate.ref in refs:
                raise ValidationError("is given twice", where=f"candidates.{candidate.ref}")
            refs.add(candidate.ref)
        for candidate in self.candidates:
            self._check_candidate(candidate, refs)
        for group in self.groups:
            for member in group.members:
                if member not in refs:
                    raise ValidationError(
                        f"names {member!r}, which is not a candidate",
                        where=f"groups.{group.name}.members",
                    )
            if group.at_most < 0:
                raise ValidationError("must be 0 or more", where=f"groups.{group.name}.at_most")
        _refuse_cycles(self.candidates)
        self._drop_starts_past_the_budget()

    def _drop_starts_past_the_budget(self) -> None:
        """A later start that pushes cost past the last budget year cannot be afforded or checked:
        it is dropped, with a note (the first start always fits, as checked above)."""
        kept: list[Candidate] = []
        notes: list[str] = []
        for candidate in self.candidates:
            starts = tuple(
                start
                for start in candidate.starts
                if all(
                    year in self.budget
                    for year, amount in candidate.cost_at(start).items()
                    if amount
                )
                and all(
                    year in self.budget
                    for by_year in candidate.demand_at(start).values()
                    for year, fte in by_year.items()
                    if fte
                )
            )
            for start in candidate.starts:
                if start not in starts:
                    notes.append(
                        f"{candidate.ref} cannot start in {start}: its cost or demand would run past "
                        f"{max(self.budget)}, the last budget year"
                    )
            kept.append(
                candidate if starts == candidate.starts else replace(candidate, starts=starts)
            )
        object.__setattr__(self, "candidates", tuple(kept))
        object.__setattr__(self, "notes", tuple(notes))
        object.__setattr__(self, "_by_ref", {c.ref: c for c in kept})

    def _check_candidate(self, candidate: Candidate, refs: set[str]) -> None:
        where = candidate.ref
        if not candidate.starts:
            raise ValidationError("needs at least one year it may start", where=f"{where}.start")
        if list(candidate.starts) != sorted(set(candidate.starts)):
            raise ValidationError("must list different years in order", where=f"{where}.start")
        first = candidate.starts[0]
        for name, profile in (("cost", candidate.cost), ("benefits", candidate.benefits)):
            for year, amount in profile.items():
                if name == "cost":
                    _not_negative(amount, f"{where}.cost.{year}")
                if year < first:
                    raise ValidationError(
                        f"is before the earliest start {first}", where=f"{where}.{name}.{year}"
                    )
        for role, years in candidate.demand.items():
            for year, fte in years.items():
                _not_negative(fte, f"{where}.demand.{role}.{year}")
                if fte:
                    self._within_budget_years(year, f"{where}.demand.{role}.{year}")
                if year < first:
                    raise ValidationError(
                        f"is before the earliest start {first}",
                        where=f"{where}.demand.{role}.{year}",
                    )
        for year, amount in candidate.cost.items():
            if amount:
                self._within_budget_years(year, f"{where}.cost.{year}")
        for start in candidate.starts:
            if start < min(self.budget):
                raise ValidationError(
                    f"{start} is before the first budget year {min(self.budget)}",
                    where=f"{where}.start",
                )
            if start > max(self.budget):
                raise ValidationError(
                    f"{start} is after the last budget year {max(self.budget)}",
                    where=f"{where}.start",
                )
        for kind, links in (("needs", candidate.needs), ("excludes", candidate.excludes)):
            for other in links:
                if other not in refs:
                    raise ValidationError(
                        f"names {other!r}, which is not a candidate", where=f"{where}.{kind}"
                    )
                if other == candidate.ref:
                    raise ValidationError("names the candidate itself", where=f"{where}.{kind}")
        if candidate.force not in (None, "in", "out"):
            raise ValidationError("must be in or out", where=f"{where}.force")

    def _within_budget_years(self, year: FinancialYear, where: str) -> None:
        if year not in self.budget:
            raise ValidationError(
                f"{year} is outside the budget years {min(self.budget)} to {max(self.budget)}",
                where=where,
            )

    def candidate(self, ref: str) -> Candidate:
        return self._by_ref[ref]

    @property
    def years(self) -> list[FinancialYear]:
        return sorted(self.budget)

    def limits(self) -> dict[FinancialYear, Decimal]:
        """What spend to the end of each year may reach (cumulative) or each year's budget."""
        if not self.cumulative:
            return dict(self.budget)
        running, out = ZERO, {}
        for year in self.years:
            running += self.budget[year]
            out[year] = running
        return out

    def spend_by_limit(
        self, spent: Mapping[FinancialYear, Decimal]
    ) -> dict[FinancialYear, Decimal]:
        """Spend counted the way :meth:`limits` counts it (running totals for a reserve)."""
        if not self.cumulative:
            return {year: spent.get(year, ZERO) for year in self.years}
        running, out = ZERO, {}
        for year in self.years:
            running += spent.get(year, ZERO)
            out[year] = running
        return out


def _not_negative(amount: Decimal, where: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError(f"{amount!r} is not a number", where=where)
    if amount < 0:
        raise ValidationError(f"must not be negative, got {amount}", where=where)


def _refuse_cycles(candidates: tuple[Candidate, ...]) -> None:
    """A ring of "needs" (A needs B needs A) cannot be read as an order: refuse it, naming it."""
    needs = {candidate.ref: candidate.needs for candidate in candidates}
    state: dict[str, int] = {}
    for root in needs:
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            ref, index = stack.pop()
            if index == 0:
                state[ref] = 1
                path.append(ref)
            if index < len(needs[ref]):
                stack.append((ref, index + 1))
                other = needs[ref][index]
                if state.get(other) == 1:
                    ring = path[path.index(other) :]
                    raise ValidationError(
                        "the needs form a cycle: " + " -> ".join([*ring, other]),
                        where=f"{ring[0]}.needs",
                    )
                if not state.get(other):
                    stack.append((other, 0))
            else:
                state[ref] = 2
                path.pop()
