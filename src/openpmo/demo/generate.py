"""The rest of the ETP's "about 200 work packages" (§1.4), generated from a fixed seed.

The report names strands, not work packages: beside the ones the demo names by hand
(``etp.NAMED_WORK_PACKAGES``), each strand gets plausible work packages (a topic of the strand
and a phase of work), with an owner, dates placed on the demo's timeline, the stage those dates
imply today, a RAG status and a budget. The same seed gives the same register on every machine;
everything generated is illustrative.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from openpmo.demo import etp

SEED = 20221124  # the date of the founding decision
TOTAL = 200

# A few topics for each strand, in the strand's own terms.
TOPICS = {
    "CONT": ["Contact strategy", "Supplier integration", "API gateway", "Case system connectors"],
    "SSCP": ["SSCP finance integration", "SSCP reporting", "SSCP identity", "SSCP data migration"],
    "O365": [
        "SharePoint migration",
        "Teams governance",
        "Power Platform",
        "Records in Microsoft 365",
    ],
    "M365F": ["Guest access", "Sensitivity labels", "Tenant-to-tenant sharing"],
    "WOW": ["Meeting room technology", "Hybrid working kit", "Desk booking", "Digital skills"],
    "DIGI": ["Online forms", "Content design", "Search", "Accessibility remediation"],
    "CEIOT": ["Care home sensors", "Community alarms", "Resident profiles", "Demand analytics"],
    "INNOV": ["RPA finance processes", "RPA HR processes", "Innovation lab", "Chatbot pilots"],
    "SSIP": ["SME supplier network", "Innovation challenges", "Sourcing playbook"],
    "DATA": ["Data warehouse", "Data pipelines", "Self-service dashboards", "Data quality"],
    "GIS": ["Map services", "Address gazetteer", "Field mobile mapping"],
    "EUD": ["Laptop refresh", "Mobile device management", "Printing", "Device recycling"],
    "NAV": ["Wi-Fi", "SD-WAN", "Telephony", "Contact centre routing"],
    "SCP": ["Case recording", "Provider portal", "Finance module", "Data migration"],
    "CLOUD": ["Landing zone", "Server migration", "Backup to cloud", "Cost management"],
    "EDU": ["Admissions", "School transport", "SEND case management", "Education data returns"],
    "IDP": ["Invoice scanning", "Post room digitisation", "Form recognition"],
    "PCS": ["NHS shared workspace", "District council sharing", "Provider collaboration"],
    "CUST": ["Resident account", "Notifications", "Payments", "Appointments"],
    "ATSC": ["Home sensors", "Medication reminders", "Falls detection"],
    "MDM": ["Person index", "Property index", "Retention schedules", "Archive migration"],
    "CYBER": ["Security operations", "Backup and recovery", "PSN compliance", "Identity hardening"],
}
PHASES = [
    "discovery",
    "pilot",
    "procurement",
    "build",
    "rollout wave 1",
    "rollout wave 2",
    "training and adoption",
    "decommissioning",
]
# Who manages work packages where: Hannah (the WP manager who signs in) works only in the two
# pillars Daniel (the sponsor who signs in) sponsors, so her sponsor sees all of her work.
OWNERS_IN_SPONSORS_PILLARS = ["wp-manager", "wp-manager", "analyst-2", "architect"]
OTHER_OWNERS = [
    "analyst-2",
    "architect",
    "resource-manager",
    "delivery-lead-1",
    "delivery-lead-2",
    "delivery-lead-3",
    "delivery-lead-4",
]
CONFIDENCE = {
    "green": ["green", "amber_green"],
    "amber": ["amber_green", "amber", "amber", "amber_red"],
    "red": ["amber_red", "red"],
    "": [""],
}


@dataclass(frozen=True)
class WorkPackageSpec:
    reference: str
    strand: str
    name: str
    stage: str
    rag: str
    confidence: str
    owner: str
    budget: int
    first_month: int  # months after the start of delivery
    last_month: int


def stage_for(first: int, last: int, now: int, rng: random.Random) -> str:
    """The stage a work package's dates imply at month ``now`` of delivery."""
    if last < now:
        return "closure" if rng.random() < 0.85 else "delivery"  # a few overrun their dates
    if first > now + 2:
        return "discovery"
    elapsed = (now - first) / max(last - first, 1)
    for limit, stage in ((0.1, "discovery"), (0.25, "soc"), (0.4, "obc"), (0.5, "fbc")):
        if elapsed < limit:
            return stage
    return "delivery"


def _rag(stage: str, rng: random.Random) -> str:
    if stage == "discovery" and rng.random() < 0.4:
        return ""
    if stage == "closure":
        return rng.choice(["green", "green", "amber"])
    return rng.choices(["green", "amber", "red", ""], weights=[45, 38, 12, 5])[0]


def _budget(rng: random.Random) -> int:
    pounds = math.exp(rng.gauss(math.log(180_000), 0.8))
    return int(min(max(round(pounds / 5_000) * 5_000, 25_000), 2_500_000))


def _quotas(codes: list[str], generated: int, rng: random.Random) -> dict[str, int]:
    quotas = {code: rng.randint(6, 10) for code in codes}
    index = 0
    while sum(quotas.values()) != generated:
        code = codes[index % len(codes)]
        step = 1 if sum(quotas.values()) < generated else -1
        if quotas[code] + step >= 3:
            quotas[code] += step
        index += 1
    return quotas


def work_packages(now: int = 18) -> list[WorkPackageSpec]:
    """Every demo work package, named and generated: ``TOTAL`` of them, the same on every run."""
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    pillar_of = {code: pillar for pillar, _name, code, *_ in etp.STRANDS}
    pillar_of.update({code: pillar for pillar, _name, code, _d in etp.ILLUSTRATIVE_STRANDS})
    sponsor_of = {name: sponsor for name, _objective, sponsor in etp.PILLARS}
    specs: list[WorkPackageSpec] = []
    counters: dict[str, int] = {}
    for code, name, stage, rag, confidence, owner, budget, first, last in etp.NAMED_WORK_PACKAGES:
        counters[code] = counters.get(code, 0) + 1
        specs.append(
            WorkPackageSpec(
                f"ETP-{code}-{counters[code]:03d}",
                code,
                name,
                stage,
                rag,
                confidence,
                owner,
                budget,
                first,
                last,
            )
        )
    codes = list(pillar_of)
    quotas = _quotas(codes, TOTAL - len(specs), rng)
    for code in codes:
        owners = (
            OWNERS_IN_SPONSORS_PILLARS if sponsor_of[pillar_of[code]] == "sponsor" else OTHER_OWNERS
        )
        combos = [(topic, phase) for phase in PHASES for topic in TOPICS[code]]
        rng.shuffle(combos)
        for topic, phase in combos[: quotas[code]]:
            counters[code] = counters.get(code, 0) + 1
            first = rng.randint(-6, 30)
            last = min(first + rng.randint(4, 24), 40)
            stage = stage_for(first, last, now, rng)
            rag = _rag(stage, rng)
            specs.append(
                WorkPackageSpec(
                    reference=f"ETP-{code}-{counters[code]:03d}",
                    strand=code,
                    name=f"{topic}: {phase}",
                    stage=stage,
                    rag=rag,
                    confidence=rng.choice(CONFIDENCE[rag]),
                    owner=rng.choice(owners),
                    budget=_budget(rng),
                    first_month=first,
                    last_month=last,
                )
            )
    return specs
