"""One benefit: its profiles against its actuals, month by month."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

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
    ShortfallExplanation,
)
from openpmo.benefits.selectors.register import _months_of, tracker_settings_for
from openpmo.benefits.selectors.tracker import _latest_actual_month
from openpmo.core.benefits import (
    BenefitBook,
    BenefitPosition,
    Month,
)


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
