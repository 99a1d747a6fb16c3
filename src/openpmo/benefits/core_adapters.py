"""ORM rows -> ``openpmo.core.benefits`` inputs, in one place. No arithmetic here: the tracker's
sums, variances, RAG and roll-ups are the engine's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from openpmo.benefits.choices import Unit
from openpmo.benefits.models import Benefit, TrackerSettings
from openpmo.core.benefits import Benefit as CoreBenefit
from openpmo.core.benefits import BenefitCategory, Month, RagThresholds

PROGRAMME_GROUP = "programme"
PILLAR_GROUP = "pillar"
WORK_PACKAGE_GROUP = "work_package"
NO_WORK_PACKAGE = "(no work package)"


def quantum_for(unit: str) -> Decimal:
    """The step a generated profile is rounded to: whole items for counts, else hundredths."""
    return Decimal(1) if unit == Unit.COUNT else Decimal("0.01")


def work_package_key(references: Iterable[str]) -> str:
    """The roll-up group of a benefit's work packages. A benefit shared by several work packages
    is one group ("A + B"), so it is counted once and every total still adds up."""
    ordered = sorted(references)
    return " + ".join(ordered) if ordered else NO_WORK_PACKAGE


def to_core(
    benefit: Benefit,
    *,
    planned: Mapping[Month, Decimal],
    actuals: Mapping[Month, Decimal],
    work_package_references: Iterable[str] = (),
) -> CoreBenefit:
    """The engine's view of one register row, with its current profile and recorded actuals."""
    return CoreBenefit(
        reference=benefit.reference,
        category=BenefitCategory(benefit.category),
        planned=dict(planned),
        actuals=dict(actuals),
        unit=benefit.unit,
        groups={
            PROGRAMME_GROUP: str(benefit.pillar.programme_id),
            PILLAR_GROUP: str(benefit.pillar_id),
            WORK_PACKAGE_GROUP: work_package_key(work_package_references),
        },
    )


def thresholds_of(settings: TrackerSettings | None) -> RagThresholds:
    if settings is None:
        return RagThresholds()
    return RagThresholds(green=settings.green_threshold, amber=settings.amber_threshold)


def grace_of(settings: TrackerSettings | None) -> int:
    return 1 if settings is None else settings.grace_months
