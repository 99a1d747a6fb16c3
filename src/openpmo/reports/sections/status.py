"""The overall status and programme summary sections, from the programme register."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from openpmo.portfolio.choices import DeliveryConfidence, RagStatus
from openpmo.portfolio.models import Pillar, WorkPackage
from openpmo.reports.sections._kit import (
    ZERO,
    Scope,
    Section,
    _section,
    column,
    day,
    fact,
    money,
    section,
    table,
)

_RAG_SCORE = {RagStatus.GREEN: 0, RagStatus.AMBER: 1, RagStatus.RED: 2}


_CONFIDENCE_ORDER = list(DeliveryConfidence)


def _weighted(packages: list[WorkPackage], attribute: str, scale: list[str]) -> str:
    """The budget-weighted average of ``attribute`` on ``scale`` (first is best), rounded."""
    weight = total = ZERO
    for wp in packages:
        value = getattr(wp, attribute)
        if not value:
            continue
        w = wp.budget_envelope or Decimal(1)
        weight += w
        total += w * scale.index(value)
    if not weight:
        return ""
    return scale[int((total / weight).to_integral_value())]


def prefill(scope: Scope) -> dict[str, str]:
    """The author's starting point: RAG, delivery confidence and why, from the register now."""
    packages = scope.work_packages()
    if scope.work_package is not None and packages:
        wp = packages[0]
        return {
            "overall_rag": wp.rag_status,
            "delivery_confidence": wp.delivery_confidence,
            "confidence_reason": wp.delivery_confidence_reason,
        }
    rag = _weighted(packages, "rag_status", [r.value for r in RagStatus])
    confidence = _weighted(packages, "delivery_confidence", [c.value for c in DeliveryConfidence])
    mix = Counter(wp.rag_status or "not set" for wp in packages)
    counts = ", ".join(f"{mix[k]} {k}" for k in ("green", "amber", "red", "not set") if mix[k])
    return {
        "overall_rag": rag,
        "delivery_confidence": confidence,
        "confidence_reason": (
            f"Pre-filled from the register: the budget-weighted RAG and confidence of "
            f"{len(packages)} work packages ({counts or 'none'}). Replace with your assessment."
        ),
    }


@section("status", "Overall status")
def status_section(scope: Scope) -> Section:
    packages = scope.work_packages()
    mix = Counter(wp.rag_status or "" for wp in packages)
    rows = [
        [
            wp.reference,
            wp.name,
            wp.strand.pillar.name,
            wp.get_stage_display(),
            wp.rag_status,
            wp.get_delivery_confidence_display() if wp.delivery_confidence else "",
            wp.delivery_confidence_reason,
            day(wp.baseline_end),
            day(wp.forecast_end),
        ]
        for wp in packages
    ]
    return _section(
        "status",
        "Overall status",
        facts=[
            fact("Work packages", len(packages), "int"),
            fact("Green", mix[RagStatus.GREEN], "int"),
            fact("Amber", mix[RagStatus.AMBER], "int"),
            fact("Red", mix[RagStatus.RED], "int"),
            fact("RAG not set", mix[""], "int"),
        ],
        tables=[
            table(
                "work_packages",
                "Work packages: RAG status and delivery confidence",
                [
                    column("Reference"),
                    column("Work package"),
                    column("Pillar"),
                    column("Stage"),
                    column("RAG", "rag"),
                    column("Delivery confidence"),
                    column("Reason"),
                    column("Baseline end", "date"),
                    column("Forecast end", "date"),
                ],
                rows,
            )
        ],
    )


@section("programme", "Programme summary")
def programme_section(scope: Scope) -> Section:
    """Pillars with their sponsors and the RAG mix of their work packages."""
    packages = scope.work_packages()
    pillars = list(
        Pillar.objects.filter(programme=scope.programme)
        .select_related("sponsor")
        .order_by("order", "name")
    )
    mix: dict[int, Counter[str]] = {p.pk: Counter() for p in pillars}
    budget: dict[int, Decimal] = {p.pk: ZERO for p in pillars}
    for wp in packages:
        mix[wp.strand.pillar_id][wp.rag_status or ""] += 1
        budget[wp.strand.pillar_id] += wp.budget_envelope or ZERO
    rows = [
        [
            p.name,
            str(p.sponsor) if p.sponsor else "",
            sum(mix[p.pk].values()),
            mix[p.pk]["green"],
            mix[p.pk]["amber"],
            mix[p.pk]["red"],
            mix[p.pk][""],
            money(budget[p.pk]),
        ]
        for p in pillars
    ]
    total = Counter(wp.rag_status or "" for wp in packages)
    rows.append(
        [
            "Programme",
            "",
            len(packages),
            total["green"],
            total["amber"],
            total["red"],
            total[""],
            money(sum(budget.values(), ZERO)),
        ]
    )
    return _section(
        "programme",
        "Programme summary",
        facts=[
            fact("Pillars", len(pillars), "int"),
            fact("Work packages", len(packages), "int"),
            fact("Budget envelopes", money(sum(budget.values(), ZERO)), "money"),
        ],
        tables=[
            table(
                "pillars",
                "Pillars and the RAG status of their work packages",
                [
                    column("Pillar"),
                    column("Sponsor"),
                    column("Work packages", "int"),
                    column("Green", "int"),
                    column("Amber", "int"),
                    column("Red", "int"),
                    column("Not set", "int"),
                    column("Budget envelopes", "money"),
                ],
                rows,
            )
        ],
        text=[scope.programme.description] if scope.programme.description else [],
    )
