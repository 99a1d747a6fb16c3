"""Load the ETP demo data, placed on a timeline that runs through the date it is loaded.

Idempotent: what already exists (matched by its natural key) is left as it is, so running it twice
adds nothing and never overwrites changes made in the app. A database keeps the date it was first
loaded as at (the programme's start of delivery is 18 months before it), so a later run with no
date, or with another one, completes the same story instead of starting a second one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.accounts.services import roles_ensure, user_roles_set
from openpmo.common.services import SYSTEM
from openpmo.demo import (
    benefits,
    delivery,
    etp,
    finance,
    gates,
    milestones,
    planning,
    reports,
    resources,
    risks,
)
from openpmo.demo.generate import work_packages as generated_work_packages
from openpmo.demo.timeline import MONTHS_BEFORE_NOW, Timeline, add_months
from openpmo.portfolio import services
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage

HEALTH_STRANDS = {"SCP", "CEIOT", "EDU", "ATSC"}
ECONOMY_STRANDS = {"DATA", "DIGI", "SSIP", "INNOV", "CLOUD", "CONT", "CUST", "IDP"}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    credentials: list[tuple[str, str, str, str]] = field(default_factory=list)
    as_of: dt.date | None = None

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


@dataclass
class DemoContext:
    """What the register part of the demo made, for each domain's ``load(context)``."""

    programme: Programme
    people: dict[str, User]
    pillars: dict[str, Pillar]
    strands: dict[str, Strand]
    work_packages: dict[str, WorkPackage]
    report: LoadReport
    timeline: Timeline


# The domains' demo data, in dependency order (each module's ``load(context)``).
DOMAIN_DEMOS: list[Callable[[Any], None]] = [
    finance.load,
    gates.load,
    finance.load_spend,
    benefits.load,
    delivery.load,
    milestones.load,
    risks.load,
    reports.load,
    planning.load,
    resources.load,
]


def _credentials_file() -> Path:
    return Path(settings.ENV.var_dir) / "demo-credentials.json"


def _demo_passwords() -> dict[str, str]:
    """One password per sign-in account: ``OPENPMO_DEMO_PASSWORD`` if set, else random, kept in
    ``var/`` (never in the code or the repository) so each run prints the same details."""
    path = _credentials_file()
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    fixed = os.environ.get("OPENPMO_DEMO_PASSWORD", "")
    passwords = {}
    for username, *_rest, can_sign_in in etp.PEOPLE:
        if can_sign_in:
            passwords[username] = fixed or stored.get(username) or secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)
    return passwords


def _people(report: LoadReport) -> dict[str, User]:
    passwords = _demo_passwords()
    people: dict[str, User] = {}
    for username, first, last, title, roles, can_sign_in in etp.PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, job_title=title)
            if can_sign_in:
                user.set_password(passwords[username])
            else:
                user.set_unusable_password()
            user.save()
            user_roles_set(user=user, roles=list(roles))
            report.count("people")
        elif can_sign_in and not user.check_password(passwords[username]):
            # The account exists with a password we do not know: show it as unknown, keep it.
            passwords[username] = "(unchanged: set before this run)"
        people[username] = user
        if can_sign_in:
            report.credentials.append(
                (
                    username,
                    passwords[username],
                    ", ".join(r.value for r in roles),
                    etp.TRY_FIRST[username],
                )
            )
    return people


def _programme(timeline: Timeline, report: LoadReport) -> Programme:
    programme = Programme.objects.filter(short_name=etp.PROGRAMME["short_name"]).first()
    if programme is None:
        programme = services.programme_create(
            actor=SYSTEM,
            **etp.PROGRAMME,
            start_date=timeline.start,
            end_date=timeline.end,
            source=etp.SOURCE,
        )
        report.count("programmes")
    return programme


def _register(
    programme: Programme, people: dict[str, User], timeline: Timeline, report: LoadReport
) -> tuple[dict[str, Pillar], dict[str, Strand]]:
    priorities = {}
    for title in etp.STRATEGIC_PRIORITIES:
        priority = StrategicPriority.objects.filter(programme=programme, title=title).first()
        if priority is None:
            priority = services.strategic_priority_create(
                actor=SYSTEM, programme=programme, title=title
            )
            report.count("strategic priorities")
        priorities[title] = priority

    pillars = {}
    for order, (name, objective, sponsor) in enumerate(etp.PILLARS, start=1):
        pillar = Pillar.objects.filter(programme=programme, name=name).first()
        if pillar is None:
            pillar = services.pillar_create(
                actor=SYSTEM,
                programme=programme,
                name=name,
                objective=objective,
                sponsor=people[sponsor],
                order=order,
                is_illustrative=False,
            )
            report.count("pillars")
        pillars[name] = pillar

    rows = [(p, n, c, d, s, False) for p, n, c, d, s in etp.STRANDS] + [
        (p, n, c, d, "", True) for p, n, c, d in etp.ILLUSTRATIVE_STRANDS
    ]
    strands = {}
    for pillar_name, name, code, description, status, illustrative in rows:
        strand = Strand.objects.filter(pillar__programme=programme, name=name).first()
        if strand is None:
            if status:
                description = (description + " " if description else "") + {
                    "complete": "(Appendix 1: already underway; would have to complete without the ETP.)",
                    "terminate": "(Appendix 1: already underway; would stop for lack of resource without the ETP.)",
                }[status]
            if illustrative:
                description += " (Illustrative: the report names 16 of its 22 strands.)"
            strand = services.strand_create(
                actor=SYSTEM,
                pillar=pillars[pillar_name],
                name=name,
                description=description,
                is_illustrative=illustrative,
            )
            report.count("strands")
        strands[code] = strand
    _work_packages(strands, people, priorities, timeline, report)
    return pillars, strands


def _work_packages(
    strands: dict[str, Strand],
    people: dict[str, User],
    priorities: dict[str, StrategicPriority],
    timeline: Timeline,
    report: LoadReport,
) -> None:
    economy, health = (priorities[t] for t in etp.STRATEGIC_PRIORITIES)
    existing = set(WorkPackage.objects.values_list("reference", flat=True))
    first_stage = gates.FIRST_STAGES
    for spec in generated_work_packages(MONTHS_BEFORE_NOW):
        if spec.reference in existing:
            continue
        rng = random.Random(spec.reference)  # noqa: S311 (demo data, not security)
        start, end = timeline.month(spec.first_month), timeline.month_end(spec.last_month)
        slip = 0
        if spec.stage in ("delivery", "fbc") and spec.rag in ("amber", "red"):
            slip = rng.randint(1, 2) if spec.rag == "amber" else rng.randint(2, 4)
        linked = ([economy] if spec.strand in ECONOMY_STRANDS else []) + (
            [health] if spec.strand in HEALTH_STRANDS else []
        )
        services.work_package_create(
            actor=SYSTEM,
            strand=strands[spec.strand],
            reference=spec.reference,
            name=spec.name,
            # A work package whose gate history the demo replays starts where that history does.
            stage=first_stage.get(spec.reference, spec.stage),
            rag_status=spec.rag,
            delivery_confidence=spec.confidence,
            owner=people[spec.owner],
            budget_envelope=Decimal(spec.budget),
            baseline_start=start,
            baseline_end=end,
            forecast_start=start,
            forecast_end=add_months(end, slip + 1) - dt.timedelta(days=1) if slip else end,
            strategic_priorities=linked,
            is_illustrative=True,
        )
        report.count("work packages")


def _anchor(as_of: dt.date | None) -> dt.date:
    """The date the demo is (or was first) loaded as at."""
    programme = Programme.objects.filter(short_name=etp.PROGRAMME["short_name"]).first()
    if programme is not None and programme.start_date is not None:
        stored = add_months(programme.start_date, MONTHS_BEFORE_NOW)
        if as_of is None or (as_of.year, as_of.month) != (stored.year, stored.month):
            return stored.replace(day=15)
        return as_of
    return as_of or timezone.localdate()


@transaction.atomic
def load_etp(as_of: dt.date | None = None) -> LoadReport:
    timeline = Timeline(_anchor(as_of))
    report = LoadReport(as_of=timeline.as_of)
    roles_ensure()
    people = _people(report)
    programme = _programme(timeline, report)
    pillars, strands = _register(programme, people, timeline, report)
    context = DemoContext(
        programme=programme,
        people=people,
        pillars=pillars,
        strands=strands,
        work_packages={
            wp.reference: wp
            for wp in WorkPackage.objects.filter(strand__pillar__programme=programme)
        },
        report=report,
        timeline=timeline,
    )
    for load in DOMAIN_DEMOS:
        load(context)
    return report
