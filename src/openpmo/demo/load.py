"""Load the ETP demo data. Idempotent: what already exists (matched by its natural key) is left
as it is, so running it twice adds nothing and never overwrites changes made in the app."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from openpmo.accounts.models import User
from openpmo.accounts.services import roles_ensure, user_roles_set
from openpmo.common.services import SYSTEM
from openpmo.demo import etp
from openpmo.portfolio import services
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage

HEALTH_STRANDS = {"SCP", "CEIOT", "EDU"}
ECONOMY_STRANDS = {"DATA", "DIGI", "SSIP", "INNOV", "CLOUD", "CONT"}


@dataclass
class DemoContext:
    """What the register part of the demo made, for each domain's own ``demo.load(context)``."""

    programme: Programme
    people: dict[str, User]
    pillars: dict[str, Pillar]
    strands: dict[str, Strand]
    work_packages: dict[str, WorkPackage]
    report: LoadReport


# Domain apps whose ``openpmo.<app>.demo`` module adds demo data, in dependency order.
DOMAIN_DEMOS = ["finance", "gates", "benefits", "delivery", "risks", "reports", "planning"]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


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


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@transaction.atomic
def load_etp() -> LoadReport:
    report = LoadReport()
    roles_ensure()
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
                (username, passwords[username], ", ".join(r.value for r in roles))
            )

    programme = Programme.objects.filter(short_name=etp.PROGRAMME["short_name"]).first()
    if programme is None:
        data = dict(
            etp.PROGRAMME,
            start_date=_date(etp.PROGRAMME["start_date"]),
            end_date=_date(etp.PROGRAMME["end_date"]),
            source=etp.SOURCE,
        )
        programme = services.programme_create(actor=SYSTEM, **data)
        report.count("programmes")

    priorities = {}
    for title in etp.STRATEGIC_PRIORITIES:
        priority = StrategicPriority.objects.filter(programme=programme, title=title).first()
        if priority is None:
            priority = services.strategic_priority_create(
                actor=SYSTEM, programme=programme, title=title
            )
            report.count("strategic priorities")
        priorities[title] = priority
    economy, health = (priorities[t] for t in etp.STRATEGIC_PRIORITIES)

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

    strands = {}
    for pillar_name, name, code, description, status in etp.STRANDS:
        strand = Strand.objects.filter(pillar__programme=programme, name=name).first()
        if strand is None:
            if status:
                description = (description + " " if description else "") + {
                    "complete": "(Appendix 1: already underway; would have to complete without the ETP.)",
                    "terminate": "(Appendix 1: already underway; would stop for lack of resource without the ETP.)",
                }[status]
            strand = services.strand_create(
                actor=SYSTEM,
                pillar=pillars[pillar_name],
                name=name,
                description=description,
                is_illustrative=False,
            )
            report.count("strands")
        strands[code] = strand

    counters: dict[str, int] = {}
    for code, name, stage, rag, confidence, owner, budget, start, end in etp.WORK_PACKAGES:
        counters[code] = counters.get(code, 0) + 1
        reference = f"ETP-{code}-{counters[code]:03d}"
        if WorkPackage.objects.filter(reference=reference).exists():
            continue
        linked = ([economy] if code in ECONOMY_STRANDS else []) + (
            [health] if code in HEALTH_STRANDS else []
        )
        services.work_package_create(
            actor=SYSTEM,
            strand=strands[code],
            reference=reference,
            name=name,
            stage=stage,
            rag_status=rag,
            delivery_confidence=confidence,
            owner=people[owner],
            budget_envelope=Decimal(budget),
            baseline_start=_date(start),
            baseline_end=_date(end),
            forecast_start=_date(start),
            forecast_end=_date(end),
            strategic_priorities=linked,
            is_illustrative=True,
        )
        report.count("work packages")

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
    )
    for app in DOMAIN_DEMOS:
        try:
            module = importlib.import_module(f"openpmo.{app}.demo")
        except ModuleNotFoundError as missing:
            if missing.name != f"openpmo.{app}.demo":
                raise
            continue
        module.load(context)
    return report
