"""The ETP's gates as demo data: the default gates, the report's own decision FP/527/10/22 with
its equality impact assessment, and an illustrative history of gate requests and decisions.

Idempotent: the gates are created only where missing, the report's decision only if no decision
carries its Forward Plan reference, and a work package's history only if it has no gate request
yet. Everything is written through ``services`` as the system, naming the real decision makers.

Facts from the report (seed §2, §6.1, §7.1, §8, Appendix 2): FP/527/10/22 approved on 24/11/2022
by the Cabinet Member for Finance, Resources and Corporate Affairs, after the S151 officer and the
Monitoring Officer were consulted on 13/10/2022; a drawdown of £2.304m profiled as Table 1; the
Equalities Comprehensive Impact Assessment ECIA458492761 (13 October 2022) found no
disproportionately adverse impact. The finance demo already records that drawdown in the reserve
ledger (Table 2), so the decision links to those entries instead of drawing the money twice.

Everything after it is illustrative and marked so: the work packages' requests, business cases,
decisions, dates and conditions, placed on the demo's timeline (``histories``). Approvals by the
Board move stage without money; the Cabinet Member's approvals release money, drawn from the
reserve in the same transaction and linked to the decision (never a drawdown without one). There
are always decided, returned, waiting (with the PMO, and with the Cabinet Member) and draft
requests. Each history starts at the stage the register creates the work package at
(``FIRST_STAGES``); its approvals carry it to the register's stage, through the gate rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpmo.common.services import SYSTEM
from openpmo.core.money import FinancialYear
from openpmo.demo import finance as finance_demo
from openpmo.demo.timeline import Timeline
from openpmo.gates import selectors, services
from openpmo.gates.choices import ProtectedCharacteristic
from openpmo.gates.models import Decision, EqualityImpactAssessment, GateRequest

LONDON = ZoneInfo("Europe/London")
SEED_REFERENCE = "FP/527/10/22"
SEED_ASSESSMENT = "ECIA458492761"
CORE_TEAM = {
    "2022/23": "369000.00",
    "2023/24": "762000.00",
    "2024/25": "777000.00",
    "2025/26": "396000.00",
}
NO_NEW_MONEY = (
    "No new money: the work is funded from the withdrawals already approved for programmes in "
    "progress (Table 2). Illustrative."
)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)


def load(context: Any) -> None:
    programme = context.programme
    if not programme.gates.exists():
        for _gate in services.gates_create_defaults(actor=SYSTEM, programme=programme):
            context.report.count("gates")
    _seed_decision(context, programme)
    finance_demo.record_printed_table(context, programme)
    for reference, steps in histories(context.timeline):
        work_package = context.work_packages.get(reference)
        if work_package is None or GateRequest.objects.filter(work_package=work_package).exists():
            continue
        _replay(context, work_package, steps)
    for reference, (this_year, next_year) in DRAFTS:
        work_package = context.work_packages.get(reference)
        if work_package is None or work_package.business_cases.exists():
            continue
        t = context.timeline
        requested = {str(t.this_year): this_year}
        if next_year:
            requested[str(t.next_year)] = next_year
        _business_case(context, work_package, {"submitted": t.days_ago(3), "requested": requested})


def _seed_decision(context: Any, programme: Any) -> None:
    assessment = EqualityImpactAssessment.objects.filter(reference=SEED_ASSESSMENT).first()
    if assessment is None:
        assessment = services.equality_assessment_create(
            actor=SYSTEM,
            programme=programme,
            reference=SEED_ASSESSMENT,
            title="Technology Services Enabling Technology Programme – Resourcing the Programme Team",
            assessed_on=dt.date(2022, 10, 13),
            characteristics=[c.value for c in ProtectedCharacteristic],
            outcome="no_disproportionate_impact",
            mitigations=(
                "None needed: the proposals will not have a disproportionately adverse impact on "
                "any people with a particular characteristic (§8.3). The nine characteristics are "
                "those of §8.2; the report's Appendix 2 gives the assessment's summary only."
            ),
        )
        context.report.count("equality impact assessments")
    if Decision.objects.filter(programme=programme, forward_plan_reference=SEED_REFERENCE).exists():
        return
    services.funding_decision_record(
        actor=SYSTEM,
        programme=programme,
        decided_by=context.people["decision-maker"],
        decision_maker_title=(
            "Councillor Christopher Whitbread, Cabinet Member for Finance, Resources and "
            "Corporate Affairs"
        ),
        subject=(
            "Technology Services Enabling Technology Programme – Resourcing the Programme Team: "
            "drawdown of £2.304m for the core team"
        ),
        released=CORE_TEAM,
        decided_on=dt.date(2022, 11, 24),
        forward_plan_reference=SEED_REFERENCE,
        s151_officer=(
            "Executive Director, Corporate Services (S151 Officer): Stephanie Mitchener on behalf "
            "of Nicole Wood"
        ),
        s151_consulted_on=dt.date(2022, 10, 13),
        monitoring_officer="Director, Legal and Assurance (Monitoring Officer): Paul Turner",
        monitoring_officer_consulted_on=dt.date(2022, 10, 13),
        equality_assessment=EqualityImpactAssessment.objects.get(reference=SEED_ASSESSMENT),
        rationale=(
            "2.1 Approve the drawdown from the Technology and Digitisation Reserve of £2.304m "
            "profiled in accordance with Table 1 to establish the core delivery team across the "
            "three-year delivery of the Enabling Technology Programme. 2.2 Officers to bring back "
            "a report to the Cabinet Member after 12 months to assess how the delivery team is "
            "functioning. Recommended option: the hybrid mix of in-house delivery and third "
            "parties (§5.4)."
        ),
    )
    context.report.count("gate decisions")


# The stage each replayed history starts at: the register creates the work package there, and
# the history's approvals carry it to the stage the register gives it.
FIRST_STAGES = {
    "ETP-DATA-001": "discovery",
    "ETP-SCP-001": "fbc",
    "ETP-EUD-001": "fbc",
    "ETP-O365-001": "fbc",
    "ETP-NAV-002": "fbc",
    "ETP-DIGI-001": "fbc",
    "ETP-CEIOT-001": "soc",
    "ETP-GIS-001": "obc",
    "ETP-INNOV-001": "obc",
    "ETP-CONT-001": "obc",
    "ETP-SSCP-001": "fbc",
}
FP = "FP/{:03d}/{:%m/%y} (illustrative)"


def _approved_by_board(day: dt.date) -> tuple[str, dt.date, str, str, list[Any]]:
    return ("approved", day, "board-chair", NO_NEW_MONEY, [])


def _release(day: dt.date, number: int) -> tuple[str, dt.date, str, str, list[Any]]:
    """An approval by the Cabinet Member that releases everything requested (drawn in the same
    transaction, each drawdown linked to this decision)."""
    return ("release", day, "decision-maker", FP.format(number, day), [])


def _on(t: Timeline, month: int, day: int) -> dt.date:
    return t.clamp(t.month(month) + dt.timedelta(days=day - 1))


def _fy(day: dt.date) -> str:
    return str(FinancialYear.containing(day))


def _nfy(day: dt.date) -> str:
    return str(FinancialYear.containing(day).next())


def _data_hub_history(t: Timeline) -> list[tuple[str, list[dict[str, Any]]]]:
    """The Data Hub: through every gate so far, its Full Business Case now with the board."""
    return [
        (
            "ETP-DATA-001",
            [
                {
                    "stage": "discovery",
                    "submitted": _on(t, 1, 5),
                    "qa": ("forward", _on(t, 1, 7), ""),
                    "decision": _approved_by_board(_on(t, 1, 14)),
                },
                {
                    "stage": "soc",
                    "submitted": _on(t, 4, 6),
                    "qa": (
                        "forward",
                        _on(t, 4, 10),
                        "Strategic fit with the Data Strategy is clear.",
                    ),
                    "decision": (
                        "approved_with_conditions",
                        _on(t, 4, 22),
                        "board-chair",
                        NO_NEW_MONEY,
                        [
                            (
                                "Confirm where the data platform is hosted with the Future Cloud "
                                "Strategy before the Outline Business Case",
                                "architect",
                                _on(t, 7, 28),
                            )
                        ],
                    ),
                },
                {
                    "stage": "obc",
                    "submitted": _on(t, 8, 5),
                    "requested": {_fy(_on(t, 8, 5)): "150000.00"},
                    "qa": ("forward", _on(t, 8, 9), ""),
                    "decision": _release(_on(t, 8, 21), 41),
                },
                {
                    "stage": "fbc",
                    "submitted": t.days_ago(21),
                    "requested": {str(t.this_year): "650000.00", str(t.next_year): "900000.00"},
                    "qa": ("forward", t.days_ago(14), "Ready for the Cabinet Member: a drawdown."),
                    "decision": None,
                },
            ],
        ),
    ]


def _released_histories(t: Timeline) -> list[tuple[str, list[dict[str, Any]]]]:
    """Full Business Cases approved and their money released."""
    return [
        (
            "ETP-SCP-001",
            [
                {
                    "stage": "fbc",
                    "submitted": _on(t, 2, 7),
                    "requested": {_fy(_on(t, 2, 7)): "800000.00", _nfy(_on(t, 2, 7)): "900000.00"},
                    "qa": ("forward", _on(t, 2, 10), ""),
                    "decision": _release(_on(t, 2, 23), 12),
                }
            ],
        ),
        (
            "ETP-EUD-001",
            [
                {
                    "stage": "fbc",
                    "submitted": _on(t, 1, 3),
                    "requested": {_fy(_on(t, 1, 3)): "600000.00", _nfy(_on(t, 1, 3)): "700000.00"},
                    "qa": ("forward", _on(t, 1, 6), ""),
                    "decision": _release(_on(t, 1, 19), 7),
                }
            ],
        ),
        (
            "ETP-O365-001",
            [
                {
                    "stage": "fbc",
                    "submitted": _on(t, 0, 10),
                    "requested": {_fy(_on(t, 0, 10)): "240000.00"},
                    "qa": ("forward", _on(t, 0, 14), ""),
                    "decision": _release(_on(t, 0, 27), 3),
                }
            ],
        ),
        (
            "ETP-NAV-002",
            [
                {
                    "stage": "fbc",
                    "submitted": _on(t, 0, 4),
                    "requested": {_fy(_on(t, 0, 4)): "500000.00", _nfy(_on(t, 0, 4)): "400000.00"},
                    "qa": ("forward", _on(t, 0, 6), ""),
                    "decision": _release(_on(t, 0, 20), 2),
                }
            ],
        ),
        (
            "ETP-DIGI-001",
            [
                {
                    "stage": "fbc",
                    "submitted": _on(t, 0, 2),
                    "requested": {_fy(_on(t, 0, 2)): "350000.00"},
                    "qa": ("forward", _on(t, 0, 5), ""),
                    "decision": _release(_on(t, 0, 18), 1),
                }
            ],
        ),
    ]


def _refused_histories(t: Timeline) -> list[tuple[str, list[dict[str, Any]]]]:
    """Cases deferred, returned by the PMO or rejected by the board."""
    return [
        (
            "ETP-CEIOT-001",
            [
                {
                    "stage": "soc",
                    "submitted": _on(t, 10, 3),
                    "qa": ("forward", _on(t, 10, 11), ""),
                    "decision": (
                        "deferred",
                        _on(t, 10, 26),
                        "board-chair",
                        "Deferred until the Data Hub's Outline Business Case settles the data "
                        "platform the pilots depend on; resubmit with the care providers' data "
                        "sharing agreements. Illustrative.",
                        [],
                    ),
                }
            ],
        ),
        (
            "ETP-GIS-001",
            [
                {
                    "stage": "obc",
                    "submitted": _on(t, 11, 2),
                    "qa": (
                        "return",
                        _on(t, 11, 9),
                        "The options leave out the run costs of the hosted option; add them and "
                        "the data migration risk.",
                    ),
                    "decision": None,
                },
                {
                    "stage": "obc",
                    "submitted": _on(t, 12, 12),
                    "qa": ("forward", _on(t, 12, 16), ""),
                    "decision": (
                        "rejected",
                        _on(t, 13, 5),
                        "board-chair",
                        "Rejected: the preferred option's benefit-cost ratio is below 1 and the "
                        "current GIS contract can be extended for two years; re-scope within the "
                        "Platforms for Data pillar. Illustrative.",
                        [],
                    ),
                },
            ],
        ),
    ]


def _open_histories(t: Timeline) -> list[tuple[str, list[dict[str, Any]]]]:
    """Requests still in flight: returned, with the PMO, or forwarded."""
    return [
        (
            "ETP-SSCP-001",
            [
                {
                    "stage": "fbc",
                    "submitted": t.days_ago(30),
                    "requested": {str(t.this_year): "300000.00", str(t.next_year): "450000.00"},
                    "qa": (
                        "return",
                        t.days_ago(26),
                        "Add the supplier's quote for the finance integration and the exit "
                        "costs of the current contract.",
                    ),
                    "decision": None,
                }
            ],
        ),
        (
            "ETP-INNOV-001",
            [
                {
                    "stage": "obc",
                    "submitted": t.days_ago(4),
                    "requested": {str(t.this_year): "180000.00", str(t.next_year): "220000.00"},
                    "qa": None,
                    "decision": None,
                }
            ],
        ),
        (
            "ETP-CONT-001",
            [
                {
                    "stage": "obc",
                    "submitted": t.days_ago(12),
                    "requested": {str(t.this_year): "120000.00"},
                    "qa": ("forward", t.days_ago(8), ""),
                    "decision": None,
                }
            ],
        ),
    ]


def histories(t: Timeline) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each work package's gate history, dated on the demo's timeline.

    A step: gate stage, submitted, optional requested money by year, quality assurance
    (``("forward" | "return", date, comments)`` or None: still with the PMO) and decision
    (``(outcome, date, decider, rationale or forward plan reference, conditions)`` or None).
    """
    return [
        *_data_hub_history(t),
        *_released_histories(t),
        *_refused_histories(t),
        *_open_histories(t),
    ]


# Business cases in draft, ready for their owner to finish and submit (the "draft" requests):
# (work package, money asked for this year and next).
DRAFTS = [
    ("ETP-DATA-002", ("45000.00", "")),
    ("ETP-CLOUD-001", ("95000.00", "160000.00")),
]


def _replay(context: Any, work_package: Any, steps: list[dict[str, Any]]) -> None:
    for step in steps:
        work_package.refresh_from_db()
        case = _business_case(context, work_package, step)
        request = services.gate_request_submit(
            actor=SYSTEM,
            work_package=work_package,
            gate=case.gate,
            business_case=case,
            submitted_at=_at(step["submitted"]),
            is_illustrative=True,
        )
        context.report.count("gate requests")
        if step["qa"] is None:
            continue
        action, day, comments = step["qa"]
        services.gate_request_quality_assure(
            actor=SYSTEM,
            gate_request=request,
            forward=action == "forward",
            comments=comments,
            at=_at(day),
        )
        if step["decision"] is None:
            continue
        outcome, day, decider, rationale, conditions = step["decision"]
        money: dict[str, Any] = {}
        if outcome == "release":
            outcome = "approved"
            money = {
                "released": request.requested,
                "forward_plan_reference": rationale,
                "s151_officer": "Executive Director, Corporate Services (S151 Officer)",
                "s151_consulted_on": day - dt.timedelta(days=7),
            }
            rationale = "Approved: the drawdown requested for the next stage. Illustrative."
        services.decision_record(
            actor=SYSTEM,
            decided_by=context.people[decider],
            gate_request=request,
            outcome=outcome,
            decided_on=day,
            rationale=rationale,
            conditions=[
                {"description": text, "owner": context.people[owner], "due_on": due}
                for text, owner, due in conditions
            ],
            is_illustrative=True,
            **money,
        )
        context.report.count("gate decisions")


def _business_case(context: Any, work_package: Any, step: dict[str, Any]) -> Any:
    """A new business case version for the work package's next gate, every mandatory item met."""
    gate = selectors.next_gate_for(work_package)
    submitted = step["submitted"]
    base_year = FinancialYear.containing(submitted)
    assessment = None
    if gate.requires_equality_assessment:
        assessment = _assessment(context, work_package, submitted)
    requested = step.get("requested", {})
    budget = Decimal(work_package.budget_envelope or 0)
    earlier = work_package.business_cases.order_by("number").first()
    if earlier is not None:  # later versions keep the first one's base year (year 0)
        base_year = FinancialYear.parse(earlier.base_year)
    case = services.business_case_create(
        actor=SYSTEM,
        work_package=work_package,
        title=f"{work_package.name}: {gate.name}",
        strategic_case=(
            f"Why {work_package.name.lower()} matters to the {work_package.strand.pillar.name} "
            f"pillar: {work_package.strand.pillar.objective}. Illustrative."
        ),
        benefits_summary="Productivity, resilience and lower run costs (§3.13). Illustrative.",
        risks="Capacity to adopt change alongside business as usual (§3.22). Illustrative.",
        base_year=str(base_year),
        requested_funding=requested,
        checklist_answers={
            str(item.pk): {"met": True, "evidence": "Illustrative evidence"}
            for item in gate.checklist.all()
        },
        equality_assessment=assessment,
        is_illustrative=True,
    )
    if not case.options.exclude(is_do_nothing=True).exists() and budget:
        years = [base_year, base_year.next()]
        services.business_case_option_save(
            actor=SYSTEM,
            business_case=case,
            name="Proceed with a delivery partner",
            description="The hybrid mix of §5.4 applied to this work package. Illustrative.",
            is_recommended=True,
            costs={"Delivery": {str(y): str(budget / 2) for y in years}},
            benefits={"Savings": {str(base_year + 2): str(budget * Decimal("1.3"))}},
            optimism_bias={"Delivery": "0.10"},
        )
    context.report.count("business cases")
    return case


def _assessment(context: Any, work_package: Any, day: dt.date) -> Any:
    reference = f"ECIA-{work_package.reference}"
    assessment = EqualityImpactAssessment.objects.filter(reference=reference).first()
    if assessment is None:
        assessment = services.equality_assessment_create(
            actor=SYSTEM,
            programme=context.programme,
            reference=reference,
            title=f"{work_package.name} (illustrative)",
            assessed_on=day,
            characteristics=["age", "disability", "race", "religion_or_belief", "sex"],
            outcome="no_disproportionate_impact",
            mitigations="Accessible design (WCAG 2.2 AA) and assisted digital support. Illustrative.",
            is_illustrative=True,
        )
        context.report.count("equality impact assessments")
    return assessment
