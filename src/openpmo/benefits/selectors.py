"""Reads of benefits data. Each does a fixed number of queries, however many benefits there are;
the tracker's figures come from the engine (``openpmo.core.benefits.BenefitBook``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from openpmo.audit.selectors import changes_after, end_of_day
from openpmo.benefits import funding
from openpmo.benefits.choices import NET_ZERO_YEAR, Unit
from openpmo.benefits.core_adapters import (
    PILLAR_GROUP,
    PROGRAMME_GROUP,
    WORK_PACKAGE_GROUP,
    grace_of,
    thresholds_of,
    to_core,
)
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    BenefitProfile,
    ProfileMonth,
    SavingsLine,
    ShortfallExplanation,
    TrackerSettings,
)
from openpmo.core.benefits import Benefit as CoreBenefit
from openpmo.core.benefits import (
    BenefitBook,
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

# -- the register ---------------------------------------------------------------------------


def benefit_list(
    *,
    programme: Programme | int | None = None,
    pillar: Pillar | int | None = None,
    category: str = "",
    unit: str = "",
    owner: int | None = None,
    search: str = "",
) -> QuerySet[Benefit]:
    """Benefits with what a list shows fetched up front (no query per row)."""
    benefits = Benefit.objects.select_related(
        "pillar__programme", "owner", "steady_state_owner", "strategic_objective"
    ).prefetch_related("work_packages")
    if programme:
        benefits = benefits.filter(pillar__programme=programme)
    if pillar:
        benefits = benefits.filter(pillar=pillar)
    if category:
        benefits = benefits.filter(category=category)
    if unit:
        benefits = benefits.filter(unit=unit)
    if owner:
        benefits = benefits.filter(Q(owner_id=owner) | Q(steady_state_owner_id=owner))
    if search:
        benefits = benefits.filter(
            Q(title__icontains=search)
            | Q(reference__icontains=search)
            | Q(description__icontains=search)
        )
    return benefits


def benefit_get(pk: int) -> Benefit:
    return (
        Benefit.objects.select_related(
            "pillar__programme",
            "pillar__sponsor",
            "owner",
            "steady_state_owner",
            "strategic_objective",
        )
        .prefetch_related("work_packages")
        .get(pk=pk)
    )


def tracker_settings_for(programme: Programme) -> TrackerSettings | None:
    return TrackerSettings.objects.filter(programme=programme).first()


def savings_lines_for(programme: Programme) -> list[SavingsLine]:
    return list(SavingsLine.objects.filter(programme=programme).order_by("financial_year"))


def _months_of(rows: Iterable[tuple[int, dt.date, Decimal]]) -> dict[int, dict[Month, Decimal]]:
    result: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    for benefit_id, day, value in rows:
        result[benefit_id][Month.of(day)] = value
    return result


def _as_text(queryset: QuerySet[Any], key: str) -> QuerySet[Any]:
    """(key, month, value) rows with the month and value as text: read that way, a register of
    a million monthly figures loads without a date and a float-to-Decimal conversion per row
    (the text of a decimal column is exact on PostgreSQL and SQLite alike)."""
    return (
        queryset.annotate(
            month_text=Cast("month", CharField()), value_text=Cast("value", CharField())
        )
        .order_by()  # no sort: the rows go into dictionaries
        .values_list(key, "month_text", "value_text")
    )


def _months_of_text(rows: Iterable[tuple[int, str, str]]) -> dict[int, dict[Month, Decimal]]:
    result: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    months: dict[str, Month] = {}
    for benefit_id, day, value in rows:
        key = day[:7]
        month = months.get(key)
        if month is None:
            month = months[key] = Month.parse(key)
        result[benefit_id][month] = Decimal(value)
    return result


# -- one benefit: its profiles against its actuals ------------------------------------------


@dataclass
class ProfileRow:
    """One month of a benefit's page: planned (current and original), actual and its state."""

    month: Month
    planned: Decimal | None
    original: Decimal | None
    actual: BenefitActual | None
    state: str  # "recorded", "missing", "late", "future"


@dataclass
class BenefitDetail:
    benefit: Benefit
    profiles: list[BenefitProfile]
    current: BenefitProfile | None
    original: BenefitProfile | None
    rows: list[ProfileRow]
    position: BenefitPosition | None
    explanations: list[ShortfallExplanation]
    as_of: Month

    @property
    def rebaselined(self) -> bool:
        return (
            self.current is not None and self.original is not None and self.current != self.original
        )


def benefit_detail(benefit: Benefit, *, as_of: Month | None = None) -> BenefitDetail:
    """A benefit with every profile version, its actuals month by month, and its position."""
    profiles = list(benefit.profiles.select_related("created_by").order_by("number"))
    current = next((p for p in profiles if p.is_current), None)
    original = profiles[0] if profiles else None
    planned_by_profile = _months_of(
        ProfileMonth.objects.filter(profile__benefit=benefit).values_list(
            "profile_id", "month", "value"
        )
    )
    actuals = {
        Month.of(a.month): a
        for a in BenefitActual.objects.filter(benefit=benefit).select_related("recorded_by")
    }
    planned = planned_by_profile.get(current.pk, {}) if current else {}
    first_planned = planned_by_profile.get(original.pk, {}) if original else {}
    settings = tracker_settings_for(benefit.pillar.programme)
    today = Month.of(timezone.localdate())
    chosen = as_of or _latest_actual_month(benefit.pillar.programme) or today
    core = to_core(
        benefit,
        planned=planned,
        actuals={m: a.value for m, a in actuals.items()},
        work_package_references=[wp.reference for wp in benefit.work_packages.all()],
    )
    position = None
    if planned or actuals:
        position = BenefitBook([core]).positions(
            chosen, thresholds=thresholds_of(settings), grace_months=grace_of(settings)
        )[0]
    months = sorted({*planned, *first_planned, *actuals})
    rows = []
    if months:
        missing = set(position.missing_months) if position else set()
        late = set(position.late_months) if position else set()
        for month in Month.span(months[0], months[-1]):
            state = (
                "recorded"
                if month in actuals
                else "late"
                if month in late
                else "missing"
                if month in missing
                else "future"
            )
            rows.append(
                ProfileRow(
                    month=month,
                    planned=planned.get(month),
                    original=first_planned.get(month),
                    actual=actuals.get(month),
                    state=state,
                )
            )
    explanations = list(benefit.explanations.select_related("given_by").order_by("-month"))
    return BenefitDetail(
        benefit=benefit,
        profiles=profiles,
        current=current,
        original=original,
        rows=rows,
        position=position,
        explanations=explanations,
        as_of=chosen,
    )


# -- the tracker ------------------------------------------------------------------------------


def _latest_actual_month(programme: Programme) -> Month | None:
    latest = BenefitActual.objects.filter(benefit__pillar__programme=programme).aggregate(
        last=Max("month")
    )["last"]
    return Month.of(latest) if latest else None


def default_as_of(programme: Programme) -> Month:
    """The month the tracker opens on: the latest month with an actual, else this month."""
    return _latest_actual_month(programme) or Month.of(timezone.localdate())


@dataclass
class Register:
    """A programme's benefits loaded once, as register rows and as the engine's book."""

    programme: Programme
    benefits: list[Benefit]
    book: BenefitBook
    settings: TrackerSettings | None
    work_packages: dict[int, list[str]]
    first_month: Month | None
    last_month: Month | None

    @property
    def thresholds(self) -> RagThresholds:
        return thresholds_of(self.settings)

    @property
    def grace_months(self) -> int:
        return grace_of(self.settings)


@dataclass
class RegisterRows:
    """A programme's benefits as loaded: register rows, work package references, and the
    engine's ``Benefit`` for each (current profile and recorded actuals)."""

    benefits: list[Benefit]
    work_packages: dict[int, list[str]]
    core: list[CoreBenefit]


def _profiles_in_force(programme: Programme, as_at: dt.date) -> list[int]:
    """Each benefit's profile in force at the end of ``as_at``: the latest made by then, or its
    first when every profile was made later (a register loaded after the fact)."""
    chosen: dict[int, tuple[bool, int, int]] = {}
    cutoff = end_of_day(as_at)
    for pk, benefit_id, number, created_at in (
        BenefitProfile.objects.filter(benefit__pillar__programme=programme)
        .values_list("pk", "benefit_id", "number", "created_at")
        .order_by()
    ):
        made = created_at < cutoff
        # Rank: a profile made by then beats one made later; among those made by then the
        # latest wins, among those made later the first.
        rank = (made, number if made else -number, pk)
        if benefit_id not in chosen or rank > chosen[benefit_id]:
            chosen[benefit_id] = rank
    return [rank[2] for rank in chosen.values()]


def register_rows(
    programme: Programme, *, only: Q | None = None, as_at: dt.date | None = None
) -> RegisterRows:
    """Every benefit of ``programme`` (or those matching ``only``) with its current profile and
    actuals: four queries whatever the size of the register. With ``as_at``, as they stood at the
    end of that day: the profile then in force, and actuals corrected since wound back through
    the audit trail."""
    benefits_query = Benefit.objects.filter(pillar__programme=programme)
    if only is not None:
        benefits_query = benefits_query.filter(only)
    benefits = list(
        benefits_query.select_related("pillar", "owner").order_by(
            "pillar__order", "pillar__name", "reference"
        )
    )
    scope = Q(benefit__pillar__programme=programme)
    if only is not None:
        scope &= Q(benefit__in=benefits_query)
    links: dict[int, list[str]] = defaultdict(list)
    for benefit_id, reference in (
        Benefit.work_packages.through.objects.filter(scope)
        .order_by("workpackage__reference")
        .values_list("benefit_id", "workpackage__reference")
    ):
        links[benefit_id].append(reference)
    if as_at is None:
        profile_scope = Q(profile__is_current=True, profile__benefit__pillar__programme=programme)
    else:
        profile_scope = Q(profile__in=_profiles_in_force(programme, as_at))
    if only is not None:
        profile_scope &= Q(profile__benefit__in=benefits_query)
    planned = _months_of_text(
        _as_text(ProfileMonth.objects.filter(profile_scope), "profile__benefit_id")
    )
    recorded = BenefitActual.objects.filter(scope)
    if as_at is not None:
        recorded = recorded.filter(month__lte=as_at)  # a later month is not known yet
    actuals = _months_of_text(_as_text(recorded, "benefit_id"))
    if as_at is not None:
        _actuals_as_at(actuals, as_at)
    core = [
        to_core(
            benefit,
            planned=planned.get(benefit.pk, {}),
            actuals=actuals.get(benefit.pk, {}),
            work_package_references=links.get(benefit.pk, []),
        )
        for benefit in benefits
    ]
    return RegisterRows(benefits=benefits, work_packages=dict(links), core=core)


def _actuals_as_at(actuals: dict[int, dict[Month, Decimal]], as_at: dt.date) -> None:
    """Wind back, in place, the actuals corrected after the end of ``as_at`` (audit trail)."""
    changed = changes_after(BenefitActual, ["value"], as_at)
    if not changed:
        return
    rows = BenefitActual.objects.filter(pk__in=[int(pk) for pk in changed])
    for pk, benefit_id, month in rows.values_list("pk", "benefit_id", "month"):
        value = changed[str(pk)].get("value")
        if benefit_id in actuals and value is not None:
            actuals[benefit_id][Month.of(month)] = Decimal(str(value))


def register_load(
    programme: Programme, *, only: Q | None = None, as_at: dt.date | None = None
) -> Register:
    """The register as ``register_rows`` gives it, held in the engine's ``BenefitBook``, with the
    programme's tracker settings: five queries whatever the size of the register."""
    rows = register_rows(programme, only=only, as_at=as_at)
    book = BenefitBook(rows.core)
    # The book spans the first to the last month holding any planned value or actual.
    first = Month.from_index(book.base) if book.width else None
    last = Month.from_index(book.base + book.width - 1) if book.width else None
    return Register(
        programme=programme,
        benefits=rows.benefits,
        book=book,
        settings=tracker_settings_for(programme),
        work_packages=rows.work_packages,
        first_month=first,
        last_month=last,
    )


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
    explanations = {
        e.benefit_id: e
        for e in ShortfallExplanation.objects.filter(
            benefit__pillar__programme=programme, month=chosen.first_day
        ).select_related("given_by")
    }
    lines = [
        BenefitLine(
            benefit=benefit,
            position=position,
            explanation=explanations.get(benefit.pk),
            work_packages=register.work_packages.get(benefit.pk, []),
        )
        for benefit, position in zip(register.benefits, positions, strict=True)
        if pillar is None or benefit.pillar_id == pillar.pk
    ]
    by_pillar = [
        GroupLine(label=str(pillars[int(r.key)]), roll_up=r, pillar=pillars[int(r.key)])
        for r in book.roll_up(chosen, PILLAR_GROUP, thresholds=thresholds, grace_months=grace)
        if pillar is None or int(r.key) == pillar.pk
    ]
    order = {p.pk: (p.order, p.name) for p in pillars.values()}
    by_pillar.sort(key=lambda g: (order[g.pillar.pk], g.roll_up.unit))  # type: ignore[union-attr]
    in_scope = {
        b.reference for b in register.benefits if pillar is None or b.pillar_id == pillar.pk
    }
    by_work_package = [
        GroupLine(label=r.key, roll_up=r)
        for r in book.roll_up(chosen, WORK_PACKAGE_GROUP, thresholds=thresholds, grace_months=grace)
        if set(r.members) & in_scope
    ]
    programme_totals = [
        GroupLine(label=programme.short_name or str(programme), roll_up=r)
        for r in book.roll_up(chosen, PROGRAMME_GROUP, thresholds=thresholds, grace_months=grace)
    ]
    last = max(register.last_month or chosen, chosen)
    chart_unit = Unit.POUNDS.value
    if pillar is None:
        curves = book.curves(PROGRAMME_GROUP, last=last)
        curve = curves.get((str(programme.pk), chart_unit), [])
    else:
        curves = book.curves(PILLAR_GROUP, last=last)
        curve = curves.get((str(pillar.pk), chart_unit), [])
    members = None
    if pillar is not None or work_package is not None:
        members = {
            b.reference
            for b in register.benefits
            if (pillar is None or b.pillar_id == pillar.pk)
            and (
                work_package is None
                or work_package.reference in register.work_packages.get(b.pk, [])
            )
        }
    savings, realised = _savings(register, chosen, last, members)
    drawn = funding.money_drawn(programme, chosen)
    roi = return_on_investment(positions, drawn) if drawn is not None else None
    return Tracker(
        programme=programme,
        as_of=chosen,
        pillar=pillar,
        thresholds=thresholds,
        grace_months=grace,
        benefits=lines,
        by_pillar=by_pillar,
        by_work_package=by_work_package,
        programme_totals=programme_totals,
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


# -- carbon -----------------------------------------------------------------------------------


@dataclass
class CarbonItem:
    benefit: Benefit
    expected: Decimal  # net: reductions positive, increases (dis-benefits) negative
    expected_by_2030: Decimal
    realised: Decimal
    position: BenefitPosition
    work_packages: list[str]


@dataclass
class CarbonYear:
    year: FinancialYear
    by_pillar: list[tuple[Pillar, Decimal, Decimal]]  # (pillar, expected, realised)
    expected: Decimal
    realised: Decimal

    @property
    def before_net_zero(self) -> bool:
        return self.year.start_year + 1 <= NET_ZERO_YEAR


@dataclass
class CarbonSummary:
    programme: Programme
    as_of: Month
    items: list[CarbonItem]
    years: list[CarbonYear]
    pillars: list[Pillar]
    by_scope: list[tuple[str, Decimal, Decimal]]  # (scope label, expected by 2030, realised)
    expected_by_2030: Decimal
    realised: Decimal
    target: Decimal | None
    curve: list[CurvePoint]


def carbon_summary(programme: Programme, *, as_of: Month | None = None) -> CarbonSummary:
    """Each carbon benefit and dis-benefit (unit tCO2e), collated by pillar and financial year,
    against the 2030 net-zero ambition. Expected and realised are net tonnes cut: an increase
    (a dis-benefit) counts against the cuts."""
    register = register_load(programme, only=Q(unit=Unit.TONNES_CO2E))
    chosen = as_of or default_as_of(programme)
    book = register.book
    net_zero = Month(NET_ZERO_YEAR, 3)
    last = max(register.last_month or chosen, chosen)
    positions = book.positions(
        chosen, thresholds=register.thresholds, grace_months=register.grace_months
    )
    final = book.positions(max(last, net_zero))
    by_2030 = book.positions(net_zero)
    items = [
        CarbonItem(
            benefit=benefit,
            expected=end.net_planned_cumulative,
            expected_by_2030=at_2030.net_planned_cumulative,
            realised=now.net_actual_cumulative,
            position=now,
            work_packages=register.work_packages.get(benefit.pk, []),
        )
        for benefit, now, end, at_2030 in zip(
            register.benefits, positions, final, by_2030, strict=True
        )
    ]
    pillars = sorted({b.pillar for b in register.benefits}, key=lambda p: (p.order, p.name))
    pillar_years = {
        key: in_year(points, chosen)
        for (key, _unit), points in book.curves(PILLAR_GROUP, last=last).items()
    }
    programme_points = book.curves(PROGRAMME_GROUP, last=last).get(
        (str(programme.pk), Unit.TONNES_CO2E.value), []
    )
    programme_years = in_year(programme_points, chosen)
    years = [
        CarbonYear(
            year=year,
            by_pillar=[
                (p, *pillar_years.get(str(p.pk), {}).get(year, (Decimal(0), Decimal(0))))
                for p in pillars
            ],
            expected=figures[0],
            realised=figures[1],
        )
        for year, figures in programme_years.items()
    ]
    scope_of = {b.reference: b.get_carbon_scope_display() for b in register.benefits}
    scope_key: Callable[[Any], str] = lambda item: scope_of[item.reference]  # noqa: E731
    scopes_now = {r.key: r for r in book.roll_up(chosen, scope_key)}
    scopes_2030 = {r.key: r for r in book.roll_up(net_zero, scope_key)}
    by_scope = [
        (label, scopes_2030[label].planned_cumulative, scopes_now[label].actual_cumulative)
        for label in sorted(scopes_2030)
    ]
    totals_2030 = book.roll_up(net_zero, PROGRAMME_GROUP)
    totals_now = book.roll_up(chosen, PROGRAMME_GROUP)
    return CarbonSummary(
        programme=programme,
        as_of=chosen,
        items=items,
        years=years,
        pillars=pillars,
        by_scope=by_scope,
        expected_by_2030=totals_2030[0].planned_cumulative if totals_2030 else Decimal(0),
        realised=totals_now[0].actual_cumulative if totals_now else Decimal(0),
        target=register.settings.carbon_contribution_target if register.settings else None,
        curve=_curve_to(programme_points, chosen),
    )
