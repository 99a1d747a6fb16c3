"""The benefits tracker: planned against actual, in-month and cumulative, for any month.

Conventions, the same here and in the fast ``BenefitBook``:

- Values are recorded as positive amounts in the benefit's own unit, dis-benefits included. A
  dis-benefit counts *against* every total: its *net* value is the negative of what was recorded.
- A month with no recorded actual is **missing**, never zero: its in-month actual is ``None`` and
  it is listed in ``missing_months``. The cumulative actual is the sum of what has been recorded,
  so a missing month shows as a shortfall in the variance until it is recorded. Actuals are
  expected for every month from the first month of the planned profile to the month of the report;
  a missing month is **late** once ``grace_months`` months have passed after it (with the default
  of one, a March actual is late in a May report, not in an April one).
- ``variance`` is net actual minus net planned, cumulative to date, so a positive variance is
  always good news: more benefit than planned, or less dis-benefit than planned.
  ``variance_percent`` is the variance as a percentage of the planned figure's size, rounded half
  up to one decimal place; it is ``None`` when nothing was planned to date.
- RAG compares the cumulative figures. With the default thresholds (green 0.95, amber 0.80) a
  benefit is Green when actual >= 95% of plan, *exactly* 95% included; Amber when actual >= 80%
  (80% included) and below 95%; Red below 80%. For a dis-benefit the same thresholds read as "no
  more than 105% (Green) or 120% (Amber) of the planned dis-benefit". Formally, with net planned P
  and variance V: Green when V >= (green - 1) * |P|, Amber when V >= (amber - 1) * |P|, else Red.
  When nothing was planned to date (P = 0) there is no RAG (``None``) unless the net actual is
  below zero (an unplanned dis-benefit), which is Red.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from openpmo.core.errors import ValidationError
from openpmo.core.money import FinancialYear, Month

_ZERO = Decimal(0)

Exact = Decimal | Fraction | int
"""A number held exactly: what RAG and percentages are computed from."""


class BenefitCategory(enum.StrEnum):
    """The four kinds of benefit in the register; a dis-benefit counts against totals."""

    CASHABLE = "cashable"
    NON_CASHABLE = "non-cashable"
    NON_FINANCIAL = "non-financial"
    DIS_BENEFIT = "dis-benefit"

    @property
    def sign(self) -> int:
        """+1, or -1 for a dis-benefit: what a recorded value counts for in a total."""
        return -1 if self is BenefitCategory.DIS_BENEFIT else 1


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True, slots=True)
class RagThresholds:
    """Shares of plan a benefit must reach to be Green or Amber (each boundary included)."""

    green: Decimal = Decimal("0.95")
    amber: Decimal = Decimal("0.80")

    def __post_init__(self) -> None:
        finite = self.green.is_finite() and self.amber.is_finite()
        if not (finite and Decimal(0) <= self.amber <= self.green):
            raise ValidationError(
                f"RAG thresholds must satisfy 0 <= amber <= green, got amber {self.amber} "
                f"and green {self.green}",
                where="thresholds",
            )

    def rate(self, planned: Exact, variance: Exact) -> Rag | None:
        """The RAG of a figure with net plan ``planned`` and net variance ``variance`` (exact)."""
        plan_num, plan_den = planned.as_integer_ratio()
        var_num, var_den = variance.as_integer_ratio()
        if plan_num == 0:
            return Rag.RED if var_num < 0 else None
        # variance >= (threshold - 1) * |planned|, cross-multiplied over positive denominators
        left = var_num * plan_den
        size = abs(plan_num) * var_den
        for colour, threshold in ((Rag.GREEN, self.green), (Rag.AMBER, self.amber)):
            t_num, t_den = threshold.as_integer_ratio()
            if left * t_den >= (t_num - t_den) * size:
                return colour
        return Rag.RED


def rounded_percent(variance: Exact, planned: Exact) -> Decimal | None:
    """``variance`` as a percentage of ``|planned|``, exactly rounded half up to 0.1; None if 0."""
    plan_num, plan_den = planned.as_integer_ratio()
    if plan_num == 0:
        return None
    var_num, var_den = variance.as_integer_ratio()
    # tenths of a percent = 1000 * variance / |planned|, as one fraction n / d with d > 0
    numerator = 1000 * var_num * plan_den
    denominator = var_den * abs(plan_num)
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(magnitude if numerator >= 0 else -magnitude).scaleb(-1)


@dataclass(frozen=True)
class Benefit:
    """One benefit of the register, as the tracker needs it.

    ``planned`` and ``actuals`` map months to values in ``unit`` (positive, dis-benefits
    included); a month absent from ``actuals`` has not been recorded. ``groups`` names what the
    benefit belongs to, for roll-ups: ``{"pillar": "P1", "work_package": "WP07"}``.
    """

    reference: str
    category: BenefitCategory
    planned: Mapping[Month, Decimal]
    actuals: Mapping[Month, Decimal] = field(default_factory=dict)
    unit: str = "£"
    groups: Mapping[str, str] = field(default_factory=dict)

    @property
    def first_month(self) -> Month | None:
        """The first month of the planned profile, from which actuals are expected."""
        return min(self.planned) if self.planned else None


@dataclass(frozen=True, slots=True)
class BenefitPosition:
    """Where one benefit stands as of a month. Values as recorded; ``variance`` is net."""

    reference: str
    category: BenefitCategory
    unit: str
    as_of: Month
    planned_in_month: Decimal
    actual_in_month: Decimal | None
    planned_cumulative: Decimal
    actual_cumulative: Decimal
    variance: Decimal
    variance_percent: Decimal | None
    rag: Rag | None
    missing_months: tuple[Month, ...]
    late_months: tuple[Month, ...]
    groups: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def sign(self) -> int:
        return self.category.sign

    @property
    def net_planned_cumulative(self) -> Decimal:
        return self.planned_cumulative * self.sign

    @property
    def net_actual_cumulative(self) -> Decimal:
        return self.actual_cumulative * self.sign

    @property
    def net_planned_in_month(self) -> Decimal:
        return self.planned_in_month * self.sign

    @property
    def net_actual_in_month(self) -> Decimal:
        """The in-month actual counted toward totals; a missing month counts nothing."""
        return _ZERO if self.actual_in_month is None else self.actual_in_month * self.sign


@dataclass(frozen=True, slots=True)
class RollUp:
    """The net totals of the benefits sharing a group key and a unit, as of a month.

    Every figure is the sum of its members' net figures (dis-benefits subtract); ``missing`` and
    ``late`` count member-months without an actual.
    """

    key: str
    unit: str
    as_of: Month
    members: tuple[str, ...]
    planned_in_month: Decimal
    actual_in_month: Decimal
    planned_cumulative: Decimal
    actual_cumulative: Decimal
    variance: Decimal
    variance_percent: Decimal | None
    rag: Rag | None
    missing: int
    late: int


def _check_grace(grace_months: int) -> None:
    if grace_months < 0:
        raise ValidationError(f"grace must be zero or more months, got {grace_months}")


def track_benefit(
    benefit: Benefit,
    as_of: Month,
    *,
    thresholds: RagThresholds = RagThresholds(),  # noqa: B008 - frozen, so safe to share
    grace_months: int = 1,
) -> BenefitPosition:
    """The position of one benefit as of ``as_of``: the plain, exact reference calculation."""
    _check_grace(grace_months)
    planned_cumulative = sum(
        (value for month, value in benefit.planned.items() if month <= as_of), _ZERO
    )
    actual_cumulative = sum(
        (value for month, value in benefit.actuals.items() if month <= as_of), _ZERO
    )
    first = benefit.first_month
    missing: tuple[Month, ...] = ()
    if first is not None:
        missing = tuple(m for m in Month.span(first, as_of) if m not in benefit.actuals)
    late = tuple(m for m in missing if as_of - m >= grace_months)
    sign = benefit.category.sign
    net_planned = planned_cumulative * sign
    variance = (actual_cumulative - planned_cumulative) * sign
    return BenefitPosition(
        reference=benefit.reference,
        category=benefit.category,
        unit=benefit.unit,
        as_of=as_of,
        planned_in_month=benefit.planned.get(as_of, _ZERO),
        actual_in_month=benefit.actuals.get(as_of),
        planned_cumulative=planned_cumulative,
        actual_cumulative=actual_cumulative,
        variance=variance,
        variance_percent=rounded_percent(variance, net_planned),
        rag=thresholds.rate(net_planned, variance),
        missing_months=missing,
        late_months=late,
        groups=benefit.groups,
    )


def track(
    benefits: Iterable[Benefit],
    as_of: Month,
    *,
    thresholds: RagThresholds = RagThresholds(),  # noqa: B008 - frozen, so safe to share
    grace_months: int = 1,
) -> list[BenefitPosition]:
    """The position of every benefit as of ``as_of`` (one at a time; see ``BenefitBook``)."""
    return [
        track_benefit(b, as_of, thresholds=thresholds, grace_months=grace_months) for b in benefits
    ]


class Grouped(Protocol):
    """What a roll-up key can look at: a ``Benefit`` or a ``BenefitPosition``."""

    @property
    def reference(self) -> str: ...

    @property
    def category(self) -> BenefitCategory: ...

    @property
    def unit(self) -> str: ...

    @property
    def groups(self) -> Mapping[str, str]: ...


GroupBy = str | Callable[[Grouped], str]


def group_key(by: GroupBy) -> Callable[[Grouped], str]:
    """A function naming the group of a benefit: from a group name such as ``"pillar"``, or
    ``by`` itself when it is a function (``lambda b: "ETP"`` for the whole programme)."""
    if callable(by):
        return by

    def key(item: Grouped) -> str:
        try:
            return item.groups[by]
        except KeyError:
            raise ValidationError(f"has no {by!r}", where=item.reference) from None

    return key


def roll_up(
    positions: Sequence[BenefitPosition],
    by: GroupBy,
    *,
    thresholds: RagThresholds = RagThresholds(),  # noqa: B008 - frozen, so safe to share
) -> list[RollUp]:
    """Net totals of ``positions`` by group and unit, ordered by group then unit.

    ``by`` is a group name (``"pillar"``) or a function of a position. Units are never mixed: a
    pillar with benefits in £ and in hours has one roll-up for each.
    """
    key = group_key(by)
    members: dict[tuple[str, str], list[BenefitPosition]] = {}
    for position in positions:
        members.setdefault((key(position), position.unit), []).append(position)
    result = []
    for (group, unit), group_members in sorted(members.items()):
        planned = sum((p.net_planned_cumulative for p in group_members), _ZERO)
        actual = sum((p.net_actual_cumulative for p in group_members), _ZERO)
        variance = sum((p.variance for p in group_members), _ZERO)
        result.append(
            RollUp(
                key=group,
                unit=unit,
                as_of=group_members[0].as_of,
                members=tuple(p.reference for p in group_members),
                planned_in_month=sum((p.net_planned_in_month for p in group_members), _ZERO),
                actual_in_month=sum((p.net_actual_in_month for p in group_members), _ZERO),
                planned_cumulative=planned,
                actual_cumulative=actual,
                variance=variance,
                variance_percent=rounded_percent(variance, planned),
                rag=thresholds.rate(planned, variance),
                missing=sum(len(p.missing_months) for p in group_members),
                late=sum(len(p.late_months) for p in group_members),
            )
        )
    return result


def return_on_investment(
    positions: Iterable[BenefitPosition], drawn: Decimal, *, currency: str = "£"
) -> Decimal | None:
    """Cashable benefits realised to date (in ``currency``) divided by the money drawn.

    ``None`` when nothing has been drawn. Only the cashable category counts: non-cashable savings
    free capacity rather than money, and dis-benefits are not cashable savings.
    """
    if drawn < 0:
        raise ValidationError(f"money drawn cannot be negative, got {drawn}", where="drawn")
    if drawn == 0:
        return None
    realised = sum(
        (
            p.actual_cumulative
            for p in positions
            if p.category is BenefitCategory.CASHABLE and p.unit == currency
        ),
        _ZERO,
    )
    return realised / drawn


def by_financial_year(values: Mapping[Month, Decimal]) -> dict[FinancialYear, Decimal]:
    """Monthly values added up by UK financial year (April to March), in year order."""
    totals: dict[FinancialYear, Decimal] = {}
    for month in sorted(values):
        year = month.financial_year
        totals[year] = totals.get(year, _ZERO) + values[month]
    return totals
