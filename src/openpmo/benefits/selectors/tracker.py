"""The benefits tracker: each benefit's and group's curve to date, in-year figures, savings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from openpmo.benefits import funding
from openpmo.benefits.choices import Unit
from openpmo.benefits.core_adapters import (
    PILLAR_GROUP,
    PROGRAMME_GROUP,
    WORK_PACKAGE_GROUP,
)
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    ShortfallExplanation,
)
from openpmo.benefits.selectors.register import Register, register_load, savings_lines_for
from openpmo.core.benefits import (
    BenefitCategory,
    BenefitPosition,
    CurvePoint,
    Month,
    Rag,
    RagThresholds,
    RollUp,
    return_on_investment,
)
from openpmo.core.money import FinancialYear
from openpmo.portfolio.models import Pillar, Programme, WorkPackage


def _latest_actual_month(programme: Programme) -> Month | None:
    latest = BenefitActual.objects.filter(benefit__pillar__programme=programme).aggregate(
        last=Max("month")
    )["last"]
    return Month.of(latest) if latest else None


def default_as_of(programme: Programme) -> Month:
    """The month the tracker opens on: the latest month with an actual, else this month."""
    return _latest_actual_month(programme) or Month.of(timezone.localdate())


@dataclass
class BenefitLine:
    """One benefit's row in the tracker."""

    benefit: Benefit
    position: BenefitPosition
    explanation: ShortfallExplanation | None
    work_packages: list[str]

    @property
    def needs_explanation(self) -> bool:
        return self.position.rag in (Rag.AMBER, Rag.RED)

    @property
    def in_month_state(self) -> str:
        """ "recorded", "late", "missing" (due, not yet late) or "not due"."""
        if self.position.actual_in_month is not None:
            return "recorded"
        if self.position.as_of in self.position.late_months:
            return "late"
        if self.position.as_of in self.position.missing_months:
            return "missing"
        return "not due"


@dataclass
class GroupLine:
    """A roll-up row (a pillar, a work package or the programme) in one unit."""

    label: str
    roll_up: RollUp
    pillar: Pillar | None = None


@dataclass
class SavingsYear:
    """One financial year of cashable savings against the MTFS line."""

    year: FinancialYear
    mtfs: Decimal | None
    planned: Decimal
    realised: Decimal
    complete: bool  # the year has ended by the as-of month
    started: bool  # the year has begun by the as-of month

    @property
    def against_mtfs(self) -> Decimal | None:
        """Realised less the MTFS line; None before the year begins (nothing to compare yet)."""
        if self.mtfs is None or not self.started:
            return None
        return self.realised - self.mtfs


@dataclass
class Tracker:
    programme: Programme
    as_of: Month
    pillar: Pillar | None
    thresholds: RagThresholds
    grace_months: int
    benefits: list[BenefitLine]
    by_pillar: list[GroupLine]
    by_work_package: list[GroupLine]
    programme_totals: list[GroupLine]
    chart_unit: str
    curve: list[CurvePoint]
    savings: list[SavingsYear]
    cashable_realised: Decimal
    drawn: Decimal | None
    roi: Decimal | None
    first_month: Month | None
    last_month: Month | None
    explanations_due: int = 0
    pillars: list[Pillar] = field(default_factory=list)

    @property
    def months(self) -> list[Month]:
        """The months a person may choose, newest first."""
        if self.first_month is None or self.last_month is None:
            return [self.as_of]
        last = max(self.last_month, self.as_of)
        return list(reversed(list(Month.span(min(self.first_month, self.as_of), last))))


def _cashable_pounds(item: Any) -> str:
    return (
        "cashable"
        if item.category is BenefitCategory.CASHABLE and item.unit == Unit.POUNDS
        else "other"
    )


def _curve_to(points: list[CurvePoint], as_of: Month) -> list[CurvePoint]:
    """A cumulative curve whose actual line stops at ``as_of``: later actuals are not known yet
    in a report for that month (they are not drawn, nor tabled)."""
    stop = next((p for p in reversed(points) if p.month <= as_of), None)
    return [
        p
        if p.month <= as_of
        else CurvePoint(
            p.month, p.planned_cumulative, stop.actual_cumulative if stop else Decimal(0)
        )
        for p in points
    ]


def in_year(points: list[CurvePoint], as_of: Month) -> dict[FinancialYear, tuple[Decimal, Decimal]]:
    """Planned and realised (to ``as_of``) in each financial year, from a cumulative curve: the
    cumulative figure at the year's last month less the one before the year began."""
    result: dict[FinancialYear, tuple[Decimal, Decimal]] = {}
    before_planned = before_actual = Decimal(0)
    by_month = {p.month: p for p in points}
    if not points:
        return result
    years = FinancialYear.span(points[0].month.financial_year, points[-1].month.financial_year)
    for year in years:
        end = Month(year.start_year + 1, 3)
        last = by_month.get(end) or points[-1]
        realised_point = (
            by_month.get(min(end, as_of)) if as_of >= Month(year.start_year, 4) else None
        )
        planned = last.planned_cumulative - before_planned
        realised = (
            (realised_point.actual_cumulative - before_actual) if realised_point else Decimal(0)
        )
        result[year] = (planned, realised)
        before_planned = last.planned_cumulative
        before_actual = realised_point.actual_cumulative if realised_point else before_actual
    return result


def _benefit_lines(
    programme: Programme,
    register: Register,
    positions: list[BenefitPosition],
    chosen: Month,
    pillar: Pillar | None,
) -> list[BenefitLine]:
    """Each benefit in scope with its position and the shortfall explanation given for the month."""
    explanations = {
        e.benefit_id: e
        for e in ShortfallExplanation.objects.filter(
            benefit__pillar__programme=programme, month=chosen.first_day
        ).select_related("given_by")
    }
    return [
        BenefitLine(
            benefit=benefit,
            position=position,
            explanation=explanations.get(benefit.pk),
            work_packages=register.work_packages.get(benefit.pk, []),
        )
        for benefit, position in zip(register.benefits, positions, strict=True)
        if pillar is None or benefit.pillar_id == pillar.pk
    ]


def _pillar_lines(
    register: Register, chosen: Month, pillar: Pillar | None, pillars: dict[int, Pillar]
) -> list[GroupLine]:
    """Each pillar's roll-up by unit (only ``pillar``'s when given), in the pillars' order."""
    book, thresholds, grace = register.book, register.thresholds, register.grace_months
    by_pillar = [
        GroupLine(label=str(pillars[int(r.key)]), roll_up=r, pillar=pillars[int(r.key)])
        for r in book.roll_up(chosen, PILLAR_GROUP, thresholds=thresholds, grace_months=grace)
        if pillar is None or int(r.key) == pillar.pk
    ]
    order = {p.pk: (p.order, p.name) for p in pillars.values()}
    by_pillar.sort(key=lambda g: (order[g.pillar.pk], g.roll_up.unit))  # type: ignore[union-attr]
    return by_pillar


def _work_package_lines(
    register: Register, chosen: Month, pillar: Pillar | None
) -> list[GroupLine]:
    """Each work package's roll-up by unit, for those delivering a benefit in scope."""
    book, thresholds, grace = register.book, register.thresholds, register.grace_months
    in_scope = {
        b.reference for b in register.benefits if pillar is None or b.pillar_id == pillar.pk
    }
    return [
        GroupLine(label=r.key, roll_up=r)
        for r in book.roll_up(chosen, WORK_PACKAGE_GROUP, thresholds=thresholds, grace_months=grace)
        if set(r.members) & in_scope
    ]


def _programme_lines(programme: Programme, register: Register, chosen: Month) -> list[GroupLine]:
    book, thresholds, grace = register.book, register.thresholds, register.grace_months
    return [
        GroupLine(label=programme.short_name or str(programme), roll_up=r)
        for r in book.roll_up(chosen, PROGRAMME_GROUP, thresholds=thresholds, grace_months=grace)
    ]


def _pounds_curve(
    programme: Programme, register: Register, pillar: Pillar | None, last: Month, chart_unit: str
) -> list[CurvePoint]:
    """The cumulative £ curve of the programme, or of ``pillar``."""
    if pillar is None:
        curves = register.book.curves(PROGRAMME_GROUP, last=last)
        return curves.get((str(programme.pk), chart_unit), [])
    curves = register.book.curves(PILLAR_GROUP, last=last)
    return curves.get((str(pillar.pk), chart_unit), [])


def _members(
    register: Register, pillar: Pillar | None, work_package: WorkPackage | None
) -> set[str] | None:
    """The benefits the savings cover: those of ``pillar`` and ``work_package`` (all when None)."""
    if pillar is None and work_package is None:
        return None
    return {
        b.reference
        for b in register.benefits
        if (pillar is None or b.pillar_id == pillar.pk)
        and (work_package is None or work_package.reference in register.work_packages.get(b.pk, []))
    }


def tracker(
    programme: Programme,
    *,
    as_of: Month | None = None,
    pillar: Pillar | None = None,
    register: Register | None = None,
    work_package: WorkPackage | None = None,
    as_at: dt.date | None = None,
) -> Tracker:
    """The benefits tracker of ``programme`` for ``as_of``: planned against actual by benefit, work
    package, pillar and programme; the cumulative curve; cashable savings against the MTFS line;
    and ROI to date. Programme totals always cover the whole programme; ``pillar`` narrows the
    benefit, work package and chart views and the cashable savings realised, as does
    ``work_package`` (to the benefits it delivers). With ``as_at`` the register is read as it
    stood at the end of that day (see ``register_rows``)."""
    register = register or register_load(programme, as_at=as_at)
    chosen = as_of or default_as_of(programme)
    book, thresholds, grace = register.book, register.thresholds, register.grace_months
    positions = book.positions(chosen, thresholds=thresholds, grace_months=grace)
    pillars = {b.pillar_id: b.pillar for b in register.benefits}
    lines = _benefit_lines(programme, register, positions, chosen, pillar)
    last = max(register.last_month or chosen, chosen)
    chart_unit = Unit.POUNDS.value
    curve = _pounds_curve(programme, register, pillar, last, chart_unit)
    savings, realised = _savings(register, chosen, last, _members(register, pillar, work_package))
    drawn = funding.money_drawn(programme, chosen)
    roi = return_on_investment(positions, drawn) if drawn is not None else None
    return Tracker(
        programme=programme,
        as_of=chosen,
        pillar=pillar,
        thresholds=thresholds,
        grace_months=grace,
        benefits=lines,
        by_pillar=_pillar_lines(register, chosen, pillar, pillars),
        by_work_package=_work_package_lines(register, chosen, pillar),
        programme_totals=_programme_lines(programme, register, chosen),
        chart_unit=chart_unit,
        curve=_curve_to(curve, chosen),
        savings=savings,
        cashable_realised=realised,
        drawn=drawn,
        roi=roi,
        first_month=register.first_month,
        last_month=register.last_month,
        explanations_due=sum(
            1 for line in lines if line.needs_explanation and not line.explanation
        ),
        pillars=sorted(pillars.values(), key=lambda p: (p.order, p.name)),
    )


def _savings(
    register: Register, as_of: Month, last: Month, members: set[str] | None = None
) -> tuple[list[SavingsYear], Decimal]:
    """Cashable £ planned and realised by financial year, beside the MTFS savings line, of the
    benefits named in ``members`` (every benefit when None)."""

    def cashable(item: Any) -> str:
        if members is not None and item.reference not in members:
            return "other"
        return _cashable_pounds(item)

    curves = register.book.curves(cashable, last=last)
    points = curves.get(("cashable", Unit.POUNDS.value), [])
    years = in_year(points, as_of)
    lines = {line.financial_year: line for line in savings_lines_for(register.programme)}
    all_years = sorted(
        set(years) | {FinancialYear.parse(y) for y in lines}, key=lambda y: y.start_year
    )
    result = [
        SavingsYear(
            year=year,
            mtfs=lines[str(year)].planned_savings if str(year) in lines else None,
            planned=years.get(year, (Decimal(0), Decimal(0)))[0],
            realised=years.get(year, (Decimal(0), Decimal(0)))[1],
            complete=Month(year.start_year + 1, 3) <= as_of,
            started=Month(year.start_year, 4) <= as_of,
        )
        for year in all_years
    ]
    position = register.book.roll_up(as_of, cashable)
    realised = next(
        (r.actual_cumulative for r in position if r.key == "cashable" and r.unit == Unit.POUNDS),
        Decimal(0),
    )
    return result, realised
