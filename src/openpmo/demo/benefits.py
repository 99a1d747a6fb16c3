"""Illustrative benefits for the ETP demo: a benefit set for each of the six pillars, with
profiles and monthly actuals up to last month, so the tracker tells a story on any date.

Months below are written as in a programme whose delivery started in October 2022 and are moved
onto the demo's timeline (``_month``): "2023-04" is the seventh month of delivery, wherever that
falls. Actuals run from then to last month; the returns of the two benefits Hannah (the work
package manager who signs in) owns are due for last month and left for her to record.

Every figure here is invented (the report gives no benefit figures, §3.13) and marked
illustrative. Some benefits run ahead of plan, some behind; one dis-benefit costs more than
planned; carbon cuts and increases are benefits and dis-benefits in tCO2e; one benefit was
re-baselined; one actual is late and one is missing. Idempotent: what exists is left alone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpmo.benefits import services
from openpmo.benefits.models import (
    Benefit,
    SavingsLine,
    ShortfallExplanation,
    TrackerSettings,
)
from openpmo.common.services import SYSTEM
from openpmo.core.benefits import Month
from openpmo.core.money import FinancialYear

FIRST_ACTUAL = "2023-04"
DUE_FROM = {"wp-manager"}  # whose returns for last month the demo leaves for them to make
WOBBLE = [Decimal(x) for x in ("1.00", "0.96", "1.04", "1.00", "0.98", "1.02")]

ECONOMY = "A strong, inclusive, and sustainable economy"
HEALTH = "Health wellbeing and independence for all ages"

# reference, pillar, title, category, measure, unit, target, shape, first, last, work packages,
# owner, objective, confidence, factor (actual / planned), extra fields
BENEFITS: list[dict[str, Any]] = [
    {
        "reference": "BEN-AE-001",
        "pillar": "Automation and Efficiency",
        "title": "Staff hours released by automating Capita and Mosaic processes",
        "category": "non-cashable",
        "measure": "Hours of manual processing no longer needed",
        "unit": "hours",
        "target": "24000",
        "shape": "s-curve",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-CONT-002"],
        "owner": "analyst-2",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.12",
        "evidence_required": "Automation platform run logs: transactions × agreed minutes each",
    },
    {
        "reference": "BEN-AE-002",
        "pillar": "Automation and Efficiency",
        "title": "Integration platform licence consolidation",
        "category": "cashable",
        "measure": "Annual integration licence and support spend",
        "unit": "£",
        "target": "360000",
        "shape": "step",
        "first": "2023-10",
        "last": "2026-03",
        "work_packages": ["ETP-CONT-001"],
        "owner": "wp-manager",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.00",
        "missing": ["2024-01"],
        "evidence_required": "Supplier invoices against the 2022/23 baseline",
    },
    {
        "reference": "BEN-TC-001",
        "pillar": "Technology for Collaboration",
        "title": "Microsoft 365 licence optimisation",
        "category": "cashable",
        "measure": "Licence spend with Microsoft",
        "unit": "£",
        "target": "900000",
        "shape": "linear-ramp",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-O365-001"],
        "owner": "delivery-lead-1",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.08",
        "evidence_required": "Licence reconciliation report from the Microsoft 365 admin centre",
    },
    {
        "reference": "BEN-TC-002",
        "pillar": "Technology for Collaboration",
        "title": "Mileage avoided by meeting on Teams",
        "category": "non-cashable",
        "measure": "Staff mileage claims avoided (£)",
        "unit": "£",
        "target": "150000",
        "shape": "step",
        "first": "2023-04",
        "last": "2025-09",
        "work_packages": ["ETP-O365-002"],
        "owner": "analyst-2",
        "objective": ECONOMY,
        "confidence": "low",
        "factor": "0.85",
        "explanation": (
            "Office attendance rose after the hybrid working policy changed in spring 2024, so "
            "fewer journeys were replaced by Teams meetings than the profile assumed.",
            "Re-estimate with HR's attendance data at the next quarterly review; propose a "
            "re-baseline if the trend holds.",
        ),
    },
    {
        "reference": "BEN-TC-003",
        "pillar": "Technology for Collaboration",
        "title": "Business travel emissions avoided",
        "category": "non-financial",
        "measure": "Emissions from staff business mileage",
        "unit": "tCO2e",
        "target": "420",
        "shape": "step",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-O365-001", "ETP-WOW-001"],
        "owner": "analyst-2",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.05",
        "carbon_scope": "scope-3",
        "carbon_method": "Mileage claims avoided × DESNZ greenhouse gas conversion factors "
        "(average car, unknown fuel)",
    },
    {
        "reference": "BEN-CE-001",
        "pillar": "Citizen Engagement",
        "title": "Contacts avoided through online self-service on essex.gov.uk",
        "category": "non-financial",
        "measure": "Telephone and email contacts to the contact centre",
        "unit": "count",
        "target": "60000",
        "shape": "s-curve",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-DIGI-001"],
        "owner": "delivery-lead-2",
        "objective": HEALTH,
        "confidence": "medium",
        "factor": "0.72",
        "explanation": (
            "The new site went live three months late and the online forms for blue badges and "
            "school transport are not yet integrated, so callers cannot complete these online.",
            "Forms integration is scheduled for November; contact-centre scripts will point "
            "callers to the new forms from then.",
        ),
    },
    {
        "reference": "BEN-CE-002",
        "pillar": "Citizen Engagement",
        "title": "Web hosting contract saving after re-platforming",
        "category": "cashable",
        "measure": "Hosting and content management licence spend",
        "unit": "£",
        "target": "240000",
        "shape": "step",
        "first": "2024-01",
        "last": "2026-03",
        "work_packages": ["ETP-DIGI-001"],
        "owner": "analyst-2",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.00",
    },
    {
        "reference": "BEN-CE-003",
        "pillar": "Citizen Engagement",
        "title": "Dual running of the old and new intranet",
        "category": "dis-benefit",
        "measure": "Extra licence and hosting cost while both intranets run",
        "unit": "£",
        "target": "45000",
        "shape": "step",
        "first": "2023-04",
        "last": "2023-12",
        "work_packages": ["ETP-DIGI-002"],
        "owner": "analyst-2",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.25",
    },
    {
        "reference": "BEN-II-001",
        "pillar": "Innovation and Improvement",
        "title": "Process hours automated by the RPA platform",
        "category": "non-cashable",
        "measure": "Hours of repetitive work done by software robots",
        "unit": "hours",
        "target": "36000",
        "shape": "s-curve",
        "first": "2023-07",
        "last": "2026-03",
        "work_packages": ["ETP-INNOV-001"],
        "owner": "delivery-lead-3",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.15",
    },
    {
        "reference": "BEN-II-002",
        "pillar": "Innovation and Improvement",
        "title": "Cashable savings through the innovation sourcing pathway",
        "category": "cashable",
        "measure": "Contract savings on innovation procurements",
        "unit": "£",
        "target": "200000",
        "shape": "linear-ramp",
        "first": "2023-10",
        "last": "2025-12",
        "work_packages": ["ETP-SSIP-001"],
        "owner": "resource-manager",
        "objective": ECONOMY,
        "confidence": "low",
        "factor": "0.88",
        "explanation": (
            "Two of the five planned SME pilots moved to 2025 after Procurement's framework "
            "refresh.",
            "Both pilots are now on the new framework; savings expected from April 2025.",
        ),
    },
    {
        "reference": "BEN-PD-001",
        "pillar": "Platforms for Data",
        "title": "Retire legacy reporting servers and licences",
        "category": "cashable",
        "measure": "Reporting server, storage and licence spend",
        "unit": "£",
        "target": "600000",
        "shape": "step",
        "first": "2023-10",
        "last": "2026-03",
        "rebaseline": (
            "2024-04",
            "2026-03",
            "Data Hub full business case approved six months "
            "later than planned, so the legacy servers retire from April 2024.",
        ),
        "work_packages": ["ETP-DATA-001"],
        "owner": "architect",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "0.97",
    },
    {
        "reference": "BEN-PD-002",
        "pillar": "Platforms for Data",
        "title": "Analyst time saved by self-service data",
        "category": "non-cashable",
        "measure": "Hours analysts spend preparing routine reports",
        "unit": "hours",
        "target": "18000",
        "shape": "linear-ramp",
        "first": "2023-04",
        "last": "2025-09",
        "work_packages": ["ETP-DATA-002"],
        "owner": "wp-manager",
        "objective": HEALTH,
        "confidence": "medium",
        "factor": "0.90",
        "explanation": (
            "Take-up of the self-service dashboards is slower in adult social care than planned.",
            "Data champions in each service from October; training sessions booked.",
        ),
    },
    {
        "reference": "BEN-PD-003",
        "pillar": "Platforms for Data",
        "title": "Data Hub cloud compute emissions",
        "category": "dis-benefit",
        "measure": "Emissions of the Data Hub's cloud compute and storage",
        "unit": "tCO2e",
        "target": "60",
        "shape": "step",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-DATA-001"],
        "owner": "architect",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "0.90",
        "carbon_scope": "scope-3",
        "carbon_method": "Cloud provider's emissions dashboard (market-based), monthly",
    },
    {
        "reference": "BEN-PD-004",
        "pillar": "Platforms for Data",
        "title": "GIS licence rationalisation",
        "category": "cashable",
        "measure": "GIS licence and support spend",
        "unit": "£",
        "target": "150000",
        "shape": "step",
        "first": "2024-04",
        "last": "2026-03",
        "work_packages": ["ETP-GIS-001"],
        "owner": "architect",
        "objective": ECONOMY,
        "confidence": "low",
        "factor": "1.00",
        "missing": ["2024-02"],
    },
    {
        "reference": "BEN-RT-001",
        "pillar": "Renewing our technology",
        "title": "Data centre exit: power, cooling and maintenance saving",
        "category": "cashable",
        "measure": "On-premises data centre running costs",
        "unit": "£",
        "target": "720000",
        "shape": "s-curve",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-CLOUD-001"],
        "owner": "architect",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.10",
    },
    {
        "reference": "BEN-RT-002",
        "pillar": "Renewing our technology",
        "title": "Data centre exit: electricity emissions cut",
        "category": "non-financial",
        "measure": "Emissions from data centre electricity",
        "unit": "tCO2e",
        "target": "900",
        "shape": "s-curve",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-CLOUD-001"],
        "owner": "architect",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.10",
        "carbon_scope": "scope-2",
        "carbon_method": "Metered kWh against the 2022/23 baseline × DESNZ UK electricity factor",
    },
    {
        "reference": "BEN-RT-003",
        "pillar": "Renewing our technology",
        "title": "Mobile contract re-procurement saving",
        "category": "cashable",
        "measure": "Mobile voice and data contract spend",
        "unit": "£",
        "target": "480000",
        "shape": "step",
        "first": "2023-04",
        "last": "2025-03",
        "work_packages": ["ETP-NAV-001"],
        "owner": "resource-manager",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.00",
    },
    {
        "reference": "BEN-RT-004",
        "pillar": "Renewing our technology",
        "title": "Embodied emissions of replacement end user devices",
        "category": "dis-benefit",
        "measure": "Manufacturing emissions of the laptops issued",
        "unit": "tCO2e",
        "target": "350",
        "shape": "step",
        "first": "2023-04",
        "last": "2025-03",
        "work_packages": ["ETP-EUD-001"],
        "owner": "resource-manager",
        "objective": ECONOMY,
        "confidence": "high",
        "factor": "1.00",
        "carbon_scope": "scope-3",
        "carbon_method": "Manufacturer product carbon footprints × devices issued",
    },
    {
        "reference": "BEN-RT-005",
        "pillar": "Renewing our technology",
        "title": "End user devices: energy saving of efficient laptops",
        "category": "non-financial",
        "measure": "Emissions from device electricity use",
        "unit": "tCO2e",
        "target": "180",
        "shape": "linear-ramp",
        "first": "2023-04",
        "last": "2026-03",
        "work_packages": ["ETP-EUD-001"],
        "owner": "resource-manager",
        "objective": ECONOMY,
        "confidence": "medium",
        "factor": "1.00",
        "carbon_scope": "scope-2",
        "carbon_method": "Device power ratings × usage hours × DESNZ UK electricity factor",
    },
    {
        "reference": "BEN-RT-006",
        "pillar": "Renewing our technology",
        "title": "Social care platform: practitioner time saved",
        "category": "non-cashable",
        "measure": "Hours social workers spend on case recording",
        "unit": "hours",
        "target": "30000",
        "shape": "s-curve",
        "first": "2024-01",
        "last": "2026-03",
        "work_packages": ["ETP-SCP-001"],
        "owner": "analyst-2",
        "objective": HEALTH,
        "confidence": "low",
        "factor": "0.60",
        "explanation": (
            "The Mosaic replacement is Red: data migration testing found quality issues, so the "
            "new case recording forms reached only two of six teams.",
            "Migration fixes are in the October release; the remaining four teams move by January.",
        ),
    },
]

# The MTFS line: savings planned in each financial year from the start of delivery.
MTFS_SAVINGS = ["250000", "900000", "1400000", "1600000"]
CARBON_TARGET = Decimal("1500")
_ILLUSTRATIVE = " (Illustrative demonstration figure: the report states no benefit figures.)"


def _actual_value(planned: Decimal, factor: Decimal, index: int, unit: str) -> Decimal:
    step = Decimal(1) if unit == "count" else Decimal("0.01")
    return (planned * factor * WOBBLE[index % len(WOBBLE)]).quantize(step, rounding=ROUND_HALF_UP)


def _month(timeline: Any, text: str) -> Month:
    """A month written on the October 2022 calendar, moved onto the demo's timeline."""
    year, month = (int(part) for part in text.split("-"))
    day = timeline.month((year - 2022) * 12 + month - 10)
    return Month(day.year, day.month)


def load(context: Any) -> None:
    programme = context.programme
    t = context.timeline
    people = context.people
    priorities = {p.title: p for p in programme.strategic_priorities.all()}
    for spec in BENEFITS:
        benefit = Benefit.objects.filter(reference=spec["reference"]).first()
        if benefit is None:
            benefit = services.benefit_create(
                actor=SYSTEM,
                pillar=context.pillars[spec["pillar"]],
                reference=spec["reference"],
                title=spec["title"],
                description=spec["measure"] + "." + _ILLUSTRATIVE,
                category=spec["category"],
                measure=spec["measure"],
                unit=spec["unit"],
                baseline_value=Decimal(0),
                baseline_date=_month(t, spec["first"]).first_day,
                target_value=Decimal(spec["target"]),
                target_date=_month(t, spec["last"]).last_day,
                owner=people[spec["owner"]],
                work_packages=[context.work_packages[r] for r in spec["work_packages"]],
                strategic_objective=priorities.get(spec["objective"]),
                confidence=spec["confidence"],
                evidence_required=spec.get(
                    "evidence_required", "Monthly return from the owner with its source"
                ),
                carbon_scope=spec.get("carbon_scope", ""),
                carbon_method=spec.get("carbon_method", ""),
                is_illustrative=True,
            )
            context.report.count("benefits")
        if not benefit.profiles.exists():
            services.profile_generate(
                actor=SYSTEM,
                benefit=benefit,
                shape=spec["shape"],
                total=Decimal(spec["target"]),
                first=_month(t, spec["first"]),
                last=_month(t, spec["last"]),
                is_illustrative=True,
            )
            context.report.count("benefit profiles")
            if "rebaseline" in spec:
                first, last, reason = spec["rebaseline"]
                services.profile_generate(
                    actor=SYSTEM,
                    benefit=benefit,
                    shape=spec["shape"],
                    total=Decimal(spec["target"]),
                    first=_month(t, first),
                    last=_month(t, last),
                    reason=reason,
                    is_illustrative=True,
                )
                context.report.count("benefit profiles")
        _load_actuals(context, benefit, spec)
    _load_explanations(context)
    first = FinancialYear.containing(t.start)
    years = [first + n for n in range(len(MTFS_SAVINGS))]
    for year, amount in zip((str(y) for y in years), MTFS_SAVINGS, strict=True):
        if not SavingsLine.objects.filter(programme=programme, financial_year=year).exists():
            services.savings_line_set(
                actor=SYSTEM,
                programme=programme,
                financial_year=year,
                planned_savings=Decimal(amount),
                is_illustrative=True,
            )
            context.report.count("MTFS savings lines")
    if not TrackerSettings.objects.filter(programme=programme).exists():
        services.tracker_settings_update(
            actor=SYSTEM, programme=programme, carbon_contribution_target=CARBON_TARGET
        )
        context.report.count("benefits tracker settings")


def _load_actuals(context: Any, benefit: Benefit, spec: dict[str, Any]) -> None:
    profile = benefit.current_profile
    if profile is None:
        return
    planned = {Month.of(row.month): row.value for row in profile.months.all()}
    recorded = {Month.of(d) for d in benefit.actuals.values_list("month", flat=True)}
    t = context.timeline
    skipped = {_month(t, m) for m in spec.get("missing", [])}
    last = Month.of(t.last_month)
    if spec["owner"] in DUE_FROM:
        skipped.add(last)
    factor = Decimal(spec["factor"])
    start = min(planned)
    returns = {}
    for index, month in enumerate(Month.span(_month(t, FIRST_ACTUAL), last)):
        if month < start or month in recorded or month in skipped:
            continue
        # After a profile ends the owner still returns the month (nothing, once dual running
        # stops): an actual of zero is a figure; a missing one is not.
        value = _actual_value(planned.get(month, Decimal(0)), factor, index, benefit.unit)
        evidence = f"Illustrative monthly return for {month}: {benefit.evidence_required}"
        returns[month] = (value, evidence)
    if returns:
        services.actuals_record_many(
            actor=SYSTEM, benefit=benefit, values=returns, is_illustrative=True
        )
        for _returned in returns:
            context.report.count("benefit actuals")


def _load_explanations(context: Any) -> None:
    for spec in BENEFITS:
        if "explanation" not in spec:
            continue
        benefit = Benefit.objects.get(reference=spec["reference"])
        t = context.timeline
        month = Month.of(t.last_month)
        if spec["owner"] in DUE_FROM:
            month = month - 1  # last month's return is still due: explain the one before
        if ShortfallExplanation.objects.filter(benefit=benefit, month=month.first_day).exists():
            continue
        explanation, action = spec["explanation"]
        services.shortfall_explain(
            actor=SYSTEM,
            benefit=benefit,
            month=month,
            explanation=explanation + " (Illustrative.)",
            recovery_action=action,
            is_illustrative=True,
        )
        context.report.count("shortfall explanations")
