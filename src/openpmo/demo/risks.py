"""ETP demo data for the RAID register: the seed report's own risks (§3.3–3.4, §5.1, §5.3,
§6.1.8) and assumptions (§3.9, §6.1.1), in its words where it has them, plus a credible register
around them. Every score, owner, date, action and quantification is illustrative (the report
states none). Idempotent: items are matched by title, appetites by category, and the stored
simulation by its being illustrative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpmo.common.services import SYSTEM
from openpmo.risks import services
from openpmo.risks.choices import ItemKind, Level
from openpmo.risks.models import RaidItem, RiskAppetite, RiskMatrix, SimulationRun

D = dt.date.fromisoformat
# Actions fall due around now: a few overdue by days or weeks, most in the coming weeks.
ACTION_DUE_IN_DAYS = [-20, 12, -6, 25, 5, 40, 60, 18, 90]
# Work package risks the generated register adds (title, category, (P, I), response).
WORK_PACKAGE_RISKS = [
    ("Supplier cannot resource the {name} work in time", "delivery", (3, 3), "treat"),
    ("Data migration for {name} finds poor source data", "technology", (3, 4), "treat"),
    ("Users are not ready to adopt {name}", "delivery", (2, 3), "treat"),
    ("Costs of {name} rise above the envelope", "financial", (3, 4), "treat"),
    ("{name} cannot meet accessibility or data protection duties", "compliance", (2, 4), "treat"),
]

APPETITE = [
    # category, highest acceptable score, statement (illustrative)
    ("financial", 12, "Cautious: the reserve is finite and every drawdown is a Cabinet decision."),
    ("delivery", 15, "Open within a stage: gates release money for the next stage only (§3.10)."),
    ("reputational", 9, "Cautious: services to residents must not be seen to fail."),
    (
        "compliance",
        6,
        "Averse: statutory, data protection and accessibility duties are not traded.",
    ),
    (
        "technology",
        16,
        "Open to innovation where it scales (§3.8), averse to staying on end-of-life systems (§5.1).",
    ),
]

# title, kind, level, where (work package reference / strand code / pillar name / None),
# category, owner, (P, I) inherent, (P, I) residual, response, proximity date, description,
# quantification {chance, cost (min, likely, max), delay (min, likely, max), hits}
ITEMS: list[dict[str, Any]] = [
    {
        "title": "Extended use of legacy and end-of-life technology",
        "kind": "risk",
        "level": Level.PROGRAMME,
        "category": "technology",
        "owner": "pmo",
        "inherent": (4, 5),
        "residual": (3, 4),
        "response": "treat",
        "proximity": "2023-09-30",
        "description": (
            '§5.1: failure to act now "will expose the organisation to significant risk, through '
            'extended use of legacy and end of life technology", degrading its ability to deliver '
            "the service models of Everyone's Essex."
        ),
        "mitigation": "Prioritise the replacement work packages with end-of-life dates at the next gate.",
        "actions": [
            ("List systems past or within 12 months of end of support", "architect", "2023-01-31"),
            ("Bring end-of-life exposure to the portfolio board each quarter", "pmo", "2023-03-31"),
        ],
    },
    {
        "title": "Recruitment of skilled staff in a buoyant jobs market",
        "kind": "risk",
        "level": Level.PROGRAMME,
        "category": "delivery",
        "owner": "resource-manager",
        "inherent": (4, 4),
        "residual": (3, 4),
        "response": "treat",
        "proximity": "2023-03-31",
        "description": (
            '§5.3: "with a buoyant jobs market we are unlikely to attract the skilled candidates '
            'we need"; §6.1.2: recruitment challenges may change the profile of the core team.'
        ),
        "mitigation": (
            "Hybrid model (§5.4): partners cover skills gaps while posts are filled; flex the "
            "Table 1 profile within the £2.304m."
        ),
        "quantified": {
            "chance": "0.50",
            "cost": ("40000", "110000", "240000"),
            "delay": ("10", "30", "70"),
            "hits": ["ETP-DATA-001", "ETP-SCP-001", "ETP-CONT-001"],
        },
        "actions": [
            (
                "Agree a partner call-off for interim business analysts",
                "resource-manager",
                "2022-12-16",
            ),
            (
                "Review the core team profile against Table 1 after the first round",
                "pmo",
                "2023-02-28",
            ),
        ],
    },
    {
        "title": "Redundancy costs of core team posts lasting more than two years",
        "kind": "risk",
        "level": Level.PROGRAMME,
        "category": "financial",
        "owner": "finance",
        "inherent": (3, 3),
        "residual": (2, 3),
        "response": "tolerate",
        "proximity": "2027-03-31",
        "description": (
            '§6.1.8: recruiting the core team for more than two years means staff "may attract '
            'redundancy and associated costs following delivery of the programme". The scale is '
            "unknown (it depends on the people recruited); the Director of Technology Services "
            "monitors it."
        ),
        "mitigation": (
            "Re-deployment to vacancies arising through turnover, and the Technology Services "
            "future operating model (§6.1.8)."
        ),
        "quantified": {"chance": "0.40", "cost": ("25000", "80000", "190000")},
        "actions": [
            (
                "Model redundancy exposure by post from start dates (Table 1)",
                "finance",
                "2023-06-30",
            ),
        ],
    },
    {
        "title": "Funding shortfall: indicative costs exceed the reserve",
        "kind": "risk",
        "level": Level.PROGRAMME,
        "category": "financial",
        "owner": "finance",
        "inherent": (3, 5),
        "residual": (3, 5),
        "response": "treat",
        "proximity": "2023-06-30",
        "description": (
            '§3.3–3.4: "there is no guarantee that the funding that is in place is sufficient to '
            'meet the full extent of the captured ambition"; where indicative costs exceed the '
            "funding available, prioritisation decisions will be needed."
        ),
        "mitigation": "Gated release of funds; prioritise the portfolio against the reserve's envelope.",
        "quantified": {"chance": "0.35", "cost": ("500000", "1500000", "3500000")},
        "actions": [
            (
                "Run prioritisation scenarios against the residual balance of Table 2",
                "pmo",
                "2023-04-28",
            ),
        ],
    },
    {
        "title": "Programme depends on existing resources if the core team is not in place",
        "kind": "risk",
        "level": Level.PROGRAMME,
        "category": "delivery",
        "owner": "pmo",
        "inherent": (3, 4),
        "residual": (2, 3),
        "response": "treat",
        "proximity": "2022-12-31",
        "description": (
            "§6.1.6: without the core team, delivery depends on existing resources becoming "
            "available and benefits are realised more slowly."
        ),
    },
    {
        "title": "Mosaic contract ends before the replacement platform is live",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-SCP-001",
        "category": "delivery",
        "owner": "analyst-2",
        "inherent": (3, 5),
        "residual": (3, 4),
        "response": "treat",
        "proximity": "2025-03-31",
        "description": "Data migration and social care practice sign-off take longer than planned.",
        "mitigation": "Negotiate a short extension option with the incumbent supplier now.",
        "quantified": {
            "chance": "0.30",
            "cost": ("80000", "150000", "320000"),
            "delay": ("15", "35", "70"),
            "hits": ["ETP-SCP-001"],
        },
        "actions": [
            ("Agree an extension option with the incumbent supplier", "analyst-2", "2023-09-29")
        ],
    },
    {
        "title": "Poor source data quality slows the Data Hub",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-DATA-001",
        "category": "technology",
        "owner": "architect",
        "inherent": (4, 3),
        "residual": (3, 3),
        "response": "treat",
        "proximity": "2023-10-31",
        "quantified": {
            "chance": "0.40",
            "cost": ("20000", "45000", "100000"),
            "delay": ("10", "20", "45"),
            "hits": ["ETP-DATA-001"],
        },
    },
    {
        "title": "Device supply chain delays the end user device refresh",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-EUD-001",
        "category": "delivery",
        "owner": "resource-manager",
        "inherent": (3, 3),
        "residual": (2, 3),
        "response": "transfer",
        "proximity": "2023-06-30",
        "quantified": {"chance": "0.25", "delay": ("10", "25", "50"), "hits": ["ETP-EUD-001"]},
    },
    {
        "title": "Supplier capacity for the WAN and LAN refresh",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-NAV-002",
        "category": "delivery",
        "owner": "architect",
        "inherent": (3, 4),
        "residual": (3, 4),
        "response": "treat",
        "proximity": "2023-12-31",
        "escalate": (
            "The same supplier serves the mobile contract and contact centre tooling: the risk "
            "is to the whole strand, not one work package."
        ),
        "quantified": {
            "chance": "0.30",
            "cost": ("30000", "60000", "150000"),
            "delay": ("10", "20", "40"),
            "hits": ["ETP-NAV-002", "ETP-NAV-003"],
        },
    },
    {
        "title": "Re-platformed internet fails accessibility regulations",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-DIGI-001",
        "category": "compliance",
        "owner": "wp-manager",
        "inherent": (2, 4),
        "residual": (1, 4),
        "response": "treat",
        "proximity": "2023-09-30",
        "description": "Public sector bodies must meet WCAG 2.2 AA; an audit finding would be public.",
    },
    {
        "title": "Second TS Business Analyst post not filled in the first round",
        "kind": "risk",
        "level": Level.WORK_PACKAGE,
        "where": "ETP-CONT-001",
        "category": "delivery",
        "owner": "wp-manager",
        "inherent": (3, 3),
        "residual": (3, 3),
        "response": "treat",
        "raise_issue": (
            "TS Business Analyst post vacant after the first recruitment round",
            "Outline business case work on the integration platform is running behind.",
            3,
        ),
    },
    {
        "title": "TS Leadership Team capacity stretched across business as usual and the programme",
        "kind": "issue",
        "level": Level.PROGRAMME,
        "category": "delivery",
        "owner": "pmo",
        "inherent": (5, 4),
        "description": (
            '§5.1: the scale of the work "is not sustainable alongside other critical TS activity".'
        ),
        "actions": [
            ("Hand programme management to the PMO Manager on appointment", "pmo", "2023-01-31")
        ],
    },
    {
        "title": "Inflation of 5% in 2023/24 and 2% a year after",
        "kind": "assumption",
        "level": Level.PROGRAMME,
        "category": "financial",
        "owner": "finance",
        "inherent": (3, 3),
        "description": "§6.1.1: the annual inflationary assumption behind Table 1.",
    },
    {
        "title": "Outline business cases complete by Q1 2023",
        "kind": "assumption",
        "level": Level.PROGRAMME,
        "category": "delivery",
        "owner": "pmo",
        "inherent": (3, 4),
        "proximity": "2023-06-30",
        "description": "§3.9: subject to onboarding the proposed capacity.",
    },
    {
        "title": "Partners accept obligations for specific deliverables",
        "kind": "assumption",
        "level": Level.PILLAR,
        "where": "Renewing our technology",
        "category": "delivery",
        "owner": "sponsor-3",
        "inherent": (2, 3),
        "description": "§5.4: the hybrid model places obligations on partners for specific deliverables.",
    },
]


def _scores(spec: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if "inherent" in spec:
        data["inherent_probability"], data["inherent_impact"] = spec["inherent"]
    if "residual" in spec:
        data["residual_probability"], data["residual_impact"] = spec["residual"]
    return data


def _quantified(spec: dict[str, Any], context: Any) -> tuple[dict[str, Any], list[Any]]:
    q = spec.get("quantified")
    if not q:
        return {}, []
    data: dict[str, Any] = {"chance": Decimal(q["chance"])}
    if "cost" in q:
        data["cost_min"], data["cost_likely"], data["cost_max"] = (Decimal(v) for v in q["cost"])
    if "delay" in q:
        data["delay_min"], data["delay_likely"], data["delay_max"] = (
            Decimal(v) for v in q["delay"]
        )
    hits = [
        (context.work_packages[ref], None)
        for ref in q.get("hits", [])
        if ref in context.work_packages
    ]
    return data, hits


def _day(timeline: Any, text: str) -> dt.date:
    """A day written on the October 2022 calendar, moved onto the demo's timeline."""
    day = D(text)
    return timeline.month((day.year - 2022) * 12 + day.month - 10) + dt.timedelta(days=day.day - 1)


def load(context: Any) -> None:
    _matrix_and_appetite(context)
    action_number = 0
    for spec in ITEMS:
        if RaidItem.objects.filter(programme=context.programme, title=spec["title"]).exists():
            continue
        item = _item_create(context, spec)
        if item is None:
            continue
        action_number = _item_follow_up(context, spec, item, action_number)
    _work_package_risks(context)
    _simulation_load(context)


def _matrix_and_appetite(context: Any) -> None:
    """The programme's risk matrix and its appetite by category, where not set yet."""
    programme = context.programme
    if not RiskMatrix.objects.filter(programme=programme).exists():
        services.risk_matrix_update(actor=SYSTEM, programme=programme)
        context.report.count("risk matrices")
    for category, score, statement in APPETITE:
        if not RiskAppetite.objects.filter(programme=programme, category=category).exists():
            services.risk_appetite_set(
                actor=SYSTEM,
                programme=programme,
                category=category,
                max_score=score,
                statement=statement,
                is_illustrative=True,
            )
            context.report.count("risk appetite statements")


def _item_create(context: Any, spec: dict[str, Any]) -> Any:
    """The RAID item of ``spec`` at its level; None when its work package is not in the demo."""
    programme = context.programme
    people = context.people
    t = context.timeline
    where: dict[str, Any] = {}
    level = spec["level"]
    if level == Level.WORK_PACKAGE:
        if spec["where"] not in context.work_packages:
            return None
        where["work_package"] = context.work_packages[spec["where"]]
    elif level == Level.PILLAR:
        where["pillar"] = context.pillars[spec["where"]]
    quantified, hits = _quantified(spec, context)
    item = services.raid_item_create(
        actor=SYSTEM,
        programme=programme,
        kind=spec["kind"],
        level=level,
        hits=hits,
        **where,
        title=spec["title"],
        description=spec.get("description", ""),
        category=spec["category"],
        owner=people.get(spec["owner"]),
        raised_on=t.start,
        proximity_date=_day(t, spec["proximity"]) if spec.get("proximity") else None,
        response=spec.get("response", ""),
        mitigation=spec.get("mitigation", ""),
        is_illustrative=True,
        **_scores(spec),
        **quantified,
    )
    context.report.count(f"RAID {ItemKind(spec['kind']).label.lower()}s")
    return item


def _item_follow_up(context: Any, spec: dict[str, Any], item: Any, action_number: int) -> int:
    """The item's actions (due dates taken in turn from ACTION_DUE_IN_DAYS, counting on from
    ``action_number``), its escalation and the issue it raises; the count of actions so far."""
    people = context.people
    t = context.timeline
    for description, owner, _due in spec.get("actions", []):
        days = ACTION_DUE_IN_DAYS[action_number % len(ACTION_DUE_IN_DAYS)]
        action_number += 1
        services.raid_action_create(
            actor=SYSTEM,
            item=item,
            description=description,
            owner=people.get(owner),
            due_on=t.as_of + dt.timedelta(days=days),
            is_illustrative=True,
        )
        context.report.count("RAID actions")
    if "escalate" in spec:
        services.raid_item_escalate(actor=SYSTEM, item=item, reason=spec["escalate"])
    if "raise_issue" in spec:
        title, description, impact = spec["raise_issue"]
        services.issue_raise_from_risk(
            actor=SYSTEM,
            risk=item,
            title=title,
            description=description,
            inherent_impact=impact,
        )
        context.report.count("RAID issues")
    return action_number


def _simulation_load(context: Any) -> None:
    """One illustrative Monte Carlo run of the programme's risks, seeded."""
    programme = context.programme
    if not SimulationRun.objects.filter(programme=programme, is_illustrative=True).exists():
        run = services.simulation_run_create(
            actor=SYSTEM,
            programme=programme,
            iterations=2_000,
            seed=20221003,
            is_illustrative=True,
        )
        services.simulation_run_execute(run.pk)
        context.report.count("simulation runs")


def _work_package_risks(context: Any) -> None:
    """One risk on every seventh generated work package still being delivered or shaped."""
    t = context.timeline
    packages = [
        wp
        for ref, wp in sorted(context.work_packages.items())
        if wp.stage != "closure" and ": " in wp.name
    ]
    for index, wp in enumerate(packages[::7]):
        title, category, (probability, impact), response = WORK_PACKAGE_RISKS[
            index % len(WORK_PACKAGE_RISKS)
        ]
        title = title.format(name=wp.name.lower())
        title = title[0].upper() + title[1:]
        if RaidItem.objects.filter(programme=context.programme, title=title).exists():
            continue
        residual = max(probability - 1 + index % 2, 1)
        item = services.raid_item_create(
            actor=SYSTEM,
            programme=context.programme,
            kind="risk",
            level=Level.WORK_PACKAGE,
            hits=[],
            work_package=wp,
            title=title,
            description="Raised by the work package manager at the monthly review. Illustrative.",
            category=category,
            owner=wp.owner,
            raised_on=t.days_ago(30 + 11 * index % 200),
            proximity_date=t.as_of + dt.timedelta(days=30 + 9 * index % 150),
            response=response,
            mitigation="Agreed with the supplier at the last checkpoint. Illustrative.",
            is_illustrative=True,
            inherent_probability=probability,
            inherent_impact=impact + index % 2,
            residual_probability=residual,
            residual_impact=impact,
        )
        context.report.count("RAID risks")
        services.raid_action_create(
            actor=SYSTEM,
            item=item,
            description="Review the mitigation with the supplier",
            owner=wp.owner,
            due_on=t.as_of + dt.timedelta(days=ACTION_DUE_IN_DAYS[index % 9]),
            is_illustrative=True,
        )
        context.report.count("RAID actions")
