"""The benefits register: benefits, their profiles and actuals as at a day, in few queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from openpmo.audit.selectors import changes_after, end_of_day
from openpmo.benefits.core_adapters import (
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
    TrackerSettings,
)
from openpmo.common.db import filter_given, search_text
from openpmo.core.benefits import Benefit as CoreBenefit
from openpmo.core.benefits import (
    BenefitBook,
    Month,
    RagThresholds,
)
from openpmo.portfolio.models import Pillar, Programme


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
    benefits = filter_given(
        benefits, pillar__programme=programme, pillar=pillar, category=category, unit=unit
    )
    if owner:
        benefits = benefits.filter(Q(owner_id=owner) | Q(steady_state_owner_id=owner))
    return search_text(benefits, search, ("title", "reference", "description"))


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
