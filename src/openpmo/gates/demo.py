"""The ETP's gates as demo data: the default gates, the report's own decision FP/527/10/22 with
its equality impact assessment, and an illustrative history of gate requests and decisions.

Idempotent: the gates are created only where missing, the report's decision only if no decision
carries its Forward Plan reference, and a work package's history only if it has no gate request
yet. Everything is written through ``services`` as the system, naming the real decision makers.

Facts from the report (seed §2, §6.1, §7.1, §8, Appendix 2): FP/527/10/22 approved on 24/11/2022
by the Cabinet Member for Finance, Resources and Corporate Affairs, after the S151 officer and the
Monitoring Officer were consulted on 13/10/2022; a drawdown of £2.304m profiled as Table 1; the
Equalities Comprehensive Impact Assessment ECIA458492761 (13 October 2022) found no
disproportionately adverse impact. The decision draws that money from the reserve whose
contributions and withdrawals the finance demo records (Table 2): no drawdown without a decision.

Everything else is illustrative and marked so: the work packages' requests, business cases,
decisions, dates and conditions. Those past approvals release no new money (the work was funded
from the withdrawals Table 2 already approves): extra drawdowns would change the ledger that
reproduces Table 2. The money waits in open requests, for the Cabinet Member to approve in the
app. To replay a history through the gate rules, a work package that the register shows at a
later stage is first set back to Discovery; the approvals then carry it to where it was.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpmo.common.services import SYSTEM
from openpmo.core.money import FinancialYear
from openpmo.gates import selectors, services
from openpmo.gates.choices import ProtectedCharacteristic
from openpmo.gates.models import Decision, EqualityImpactAssessment, GateRequest
from openpmo.portfolio.services import work_package_stage_correct

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


def _at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 0), tzinfo=LONDON)


def load(context: Any) -> None:
    programme = context.programme
    if not programme.gates.exists():
        for _gate in services.gates_create_defaults(actor=SYSTEM, programme=programme):
            context.report.count("gates")
    _seed_decision(context, programme)
    for reference, steps in HISTORIES:
        work_package = context.work_packages.get(reference)
        if work_package is None or GateRequest.objects.filter(work_package=work_package).exists():
            continue
        _replay(context, work_package, steps)


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


# Each step: (gate stage, business case, submitted, quality assurance, decision).
# quality assurance: ("forward" | "return", date, comments) or None (still awaiting the PMO)
# decision: (outcome, date, decider username, rationale, conditions) or None (still waiting)
HISTORIES: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "ETP-DATA-001",
        [
            {
                "stage": "discovery",
                "submitted": "2022-12-05",
                "qa": ("forward", "2022-12-07", ""),
                "decision": ("approved", "2022-12-14", "board", NO_NEW_MONEY, []),
            },
            {
                "stage": "soc",
                "submitted": "2023-02-06",
                "qa": ("forward", "2023-02-10", "Strategic fit with the Data Strategy is clear."),
                "decision": (
                    "approved_with_conditions",
                    "2023-02-22",
                    "board",
                    NO_NEW_MONEY,
                    [
                        (
                            "Confirm where the data platform is hosted with the Future Cloud "
                            "Strategy before the Outline Business Case",
                            "architect",
                            "2023-04-28",
                        )
                    ],
                ),
            },
            {
                "stage": "obc",
                "submitted": "2023-06-05",
                "qa": ("forward", "2023-06-09", ""),
                "decision": ("approved", "2023-06-21", "board", NO_NEW_MONEY, []),
            },
            {
                "stage": "fbc",
                "submitted": "2023-10-02",
                "requested": {"2023/24": "650000.00", "2024/25": "900000.00"},
                "qa": ("forward", "2023-10-09", "Ready for the Cabinet Member: a drawdown."),
                "decision": None,
            },
        ],
    ),
    (
        "ETP-SCP-001",
        [
            {
                "stage": stage,
                "submitted": submitted,
                "qa": ("forward", forwarded, ""),
                "decision": ("approved", decided, "board", NO_NEW_MONEY, []),
            }
            for stage, submitted, forwarded, decided in (
                ("discovery", "2022-05-09", "2022-05-11", "2022-05-20"),
                ("soc", "2022-07-04", "2022-07-06", "2022-07-15"),
                ("obc", "2022-09-05", "2022-09-08", "2022-09-20"),
                ("fbc", "2022-11-07", "2022-11-10", "2022-11-23"),
            )
        ],
    ),
    (
        "ETP-CEIOT-001",
        [
            {
                "stage": "soc",
                "submitted": "2023-04-03",
                "qa": ("forward", "2023-04-11", ""),
                "decision": (
                    "deferred",
                    "2023-04-26",
                    "board",
                    "Deferred until the Data Hub's Outline Business Case settles the data platform "
                    "the pilots depend on; resubmit with the care providers' data sharing "
                    "agreements. Illustrative.",
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
                "submitted": "2023-05-02",
                "qa": (
                    "return",
                    "2023-05-09",
                    "The options leave out the run costs of the hosted option; add them and the "
                    "data migration risk.",
                ),
                "decision": None,
            },
            {
                "stage": "obc",
                "submitted": "2023-06-12",
                "qa": ("forward", "2023-06-16", ""),
                "decision": (
                    "rejected",
                    "2023-07-05",
                    "board",
                    "Rejected: the preferred option's benefit-cost ratio is below 1 and the "
                    "current GIS contract can be extended for two years; re-scope within the "
                    "Platforms for Data pillar. Illustrative.",
                    [],
                ),
            },
        ],
    ),
    (
        "ETP-INNOV-001",
        [
            {
                "stage": "obc",
                "submitted": "2023-09-18",
                "requested": {"2023/24": "180000.00", "2024/25": "220000.00"},
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
                "submitted": "2023-10-16",
                "requested": {"2023/24": "120000.00"},
                "qa": ("forward", "2023-10-23", ""),
                "decision": None,
            }
        ],
    ),
]


def _replay(context: Any, work_package: Any, steps: list[dict[str, Any]]) -> None:
    target = work_package.stage
    first = steps[0]["stage"]
    if work_package.stage != first:
        work_package = work_package_stage_correct(
            actor=SYSTEM,
            work_package=work_package,
            stage=first,
            reason="Demo data: set back to replay its gate history from its first gate.",
        )
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
        services.decision_record(
            actor=SYSTEM,
            decided_by=context.people[decider],
            gate_request=request,
            outcome=outcome,
            decided_on=dt.date.fromisoformat(day),
            rationale=rationale,
            conditions=[
                {"description": text, "owner": context.people[owner], "due_on": due}
                for text, owner, due in conditions
            ],
            is_illustrative=True,
        )
        context.report.count("gate decisions")
    work_package.refresh_from_db()
    if work_package.stage != target:  # pragma: no cover - a history that does not fit the register
        raise AssertionError(f"{work_package}: history ends at {work_package.stage}, not {target}")


def _business_case(context: Any, work_package: Any, step: dict[str, Any]) -> Any:
    """A new business case version for the work package's next gate, every mandatory item met."""
    gate = selectors.next_gate_for(work_package)
    submitted = dt.date.fromisoformat(step["submitted"])
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
