"""Demo resource pool and demand (illustrative: the report sizes the core team, not who works on
what). Six roles; a pool of people (permanent, fixed-term, partner, contractor and SME backfill)
whose dates sit on the demo's timeline, some still to start; a delivery partner with its
contract; and, for each work package at Full Business Case or in delivery, its demand by role
and month across its forecast dates, with some packages delivered by the partner or hybrid.

Deterministic (each package's demand is drawn from a generator seeded with its reference) and
idempotent: a role, person or supplier already there (by name), and a package that already has
demand or a sourcing, are left as they are. Everything goes through the resources services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from openpmo.common.services import SYSTEM
from openpmo.demo.timeline import add_months
from openpmo.portfolio.choices import Stage
from openpmo.resources import services
from openpmo.resources.choices import Employment, Sourcing, SupplierKind
from openpmo.resources.models import Demand, PackageSourcing, Person, ResourceRole, Supplier

# (role, a partner's day rate)
ROLES = [
    ("Project manager", Decimal("650")),
    ("Business analyst", Decimal("550")),
    ("Developer", Decimal("600")),
    ("Data engineer", Decimal("625")),
    ("Solution architect", Decimal("800")),
    ("Change and training lead", Decimal("500")),
]
# (name, role, employment, FTE, starts (months after delivery began), ends (months) or None)
PEOPLE = [
    ("Ruth Ellison", "Project manager", Employment.PERMANENT, "1", 0, None),
    ("Kofi Asante", "Project manager", Employment.PERMANENT, "1", 0, None),
    ("Lena Novak", "Project manager", Employment.FIXED_TERM, "1", 3, 27),
    ("Imran Malik", "Project manager", Employment.CONTRACTOR, "1", 12, 24),
    ("Jess Harper", "Business analyst", Employment.PERMANENT, "1", 0, None),
    ("Tariq Hussain", "Business analyst", Employment.PERMANENT, "0.8", 0, None),
    ("Mei Lin", "Business analyst", Employment.FIXED_TERM, "1", 6, 30),
    ("Callum Reid", "Business analyst", Employment.SME_BACKFILL, "0.6", 9, 21),
    ("Sofia Costa", "Developer", Employment.PERMANENT, "1", 0, None),
    ("Dan Whitfield", "Developer", Employment.PERMANENT, "1", 0, None),
    ("Priyanka Das", "Developer", Employment.FIXED_TERM, "1", 4, 28),
    ("Marek Zielinski", "Developer", Employment.PARTNER, "1", 8, 32),
    ("Ellie Brooks", "Developer", Employment.PARTNER, "1", 8, 32),
    ("Sean Doyle", "Developer", Employment.CONTRACTOR, "1", 20, 30),
    ("Amara Obi", "Data engineer", Employment.PERMANENT, "1", 0, None),
    ("Hugo Lambert", "Data engineer", Employment.FIXED_TERM, "1", 10, 34),
    ("Rachel Moss", "Solution architect", Employment.PERMANENT, "1", 0, None),
    ("Victor Alves", "Solution architect", Employment.CONTRACTOR, "0.5", 6, 18),
    ("Joanne Pike", "Change and training lead", Employment.PERMANENT, "1", 0, None),
    ("Wes Taylor", "Change and training lead", Employment.SME_BACKFILL, "0.5", 12, 24),
]
SUPPLIER = "Illustrative Digital Partnership Ltd"
CONTRACT = "ETP-DP-01"
DAY_RATE = Decimal("600")
# Which part of a package's months each role works in (start and end as shares of its span).
WINDOWS = {
    "Project manager": (0.0, 1.0),
    "Business analyst": (0.0, 0.5),
    "Solution architect": (0.0, 0.4),
    "Developer": (0.25, 0.85),
    "Data engineer": (0.25, 0.85),
    "Change and training lead": (0.6, 1.0),
}
DEMAND_STAGES = {Stage.FULL_BUSINESS_CASE, Stage.DELIVERY}
MAX_MONTHS = 24


def load(context: Any) -> None:
    roles = _roles(context)
    supplier = _pool(context, roles)
    partnered = _demand(context, roles)
    _contract(context, supplier, partnered)


def _roles(context: Any) -> dict[str, ResourceRole]:
    programme = context.programme
    existing = {r.name: r for r in ResourceRole.objects.filter(programme=programme)}
    for name, rate in ROLES:
        if name not in existing:
            existing[name] = services.resource_role_create(
                actor=SYSTEM, programme=programme, name=name, partner_day_rate=rate
            )
            context.report.count("resource roles")
    return existing


def _pool(context: Any, roles: dict[str, ResourceRole]) -> Supplier:
    programme, timeline = context.programme, context.timeline
    supplier = Supplier.objects.filter(programme=programme, name=SUPPLIER).first()
    if supplier is None:
        supplier = services.supplier_create(
            actor=SYSTEM,
            programme=programme,
            name=SUPPLIER,
            kind=SupplierKind.PARTNER,
            contact="Illustrative: partnership manager",
            notes="Illustrative delivery partner for the hybrid model (§3.18, §5.4).",
        )
        context.report.count("suppliers")
    named = set(Person.objects.filter(programme=programme).values_list("name", flat=True))
    for name, role, employment, fte, starts, ends in PEOPLE:
        if name in named:
            continue
        partner = employment == Employment.PARTNER
        services.person_create(
            actor=SYSTEM,
            programme=programme,
            name=name,
            role=roles[role],
            employment=employment,
            fte=Decimal(fte),
            available_from=timeline.month(starts),
            available_to=timeline.month_end(ends) if ends is not None else None,
            day_rate=DAY_RATE if partner or employment == Employment.CONTRACTOR else None,
            supplier=supplier if partner else None,
            skills="Illustrative",
        )
        context.report.count("people in the resource pool")
    return supplier


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end and len(months) < MAX_MONTHS:
        months.append(month)
        month = add_months(month, 1)
    return months


def _demand(context: Any, roles: dict[str, ResourceRole]) -> list[Any]:
    """Each package's demand (seeded by its reference); returns the packages a partner serves."""
    packages = sorted(context.work_packages.values(), key=lambda wp: wp.reference)
    with_demand = set(
        Demand.objects.filter(work_package__in=packages).values_list("work_package_id", flat=True)
    )
    sourced = set(
        PackageSourcing.objects.filter(work_package__in=packages).values_list(
            "work_package_id", flat=True
        )
    )
    partnered = []
    others = [name for name, _ in ROLES if name != "Project manager"]
    for package in packages:
        if package.stage not in DEMAND_STAGES or not package.is_illustrative:
            continue
        if package.forecast_start is None or package.forecast_end is None:
            continue
        rng = random.Random(f"demand:{package.reference}")  # noqa: S311 (demo data)
        months = _months(package.forecast_start, package.forecast_end)
        chosen = ["Project manager", *rng.sample(others, rng.randint(1, 3))]
        if package.pk not in with_demand and months:
            rows = []
            for role in chosen:
                first, last = WINDOWS[role]
                span = months[int(first * len(months)) : max(round(last * len(months)), 1)]
                fte = Decimal(rng.randint(1, 3 if role == "Project manager" else 6)) / 10
                rows += [(roles[role], month, fte) for month in span or months[:1]]
            services.demand_set(
                actor=SYSTEM, work_package=package, rows=rows, source="typed", replace=True
            )
            context.report.count("work packages with demand")
        draw = random.Random(f"sourcing:{package.reference}").random()  # noqa: S311
        if draw < 0.3:
            partnered.append(package)
            if package.pk not in sourced:
                mode = Sourcing.PARTNER if draw < 0.1 else Sourcing.HYBRID
                services.sourcing_set(
                    actor=SYSTEM,
                    work_package=package,
                    mode=mode,
                    partner_share=Decimal("1") if mode == Sourcing.PARTNER else Decimal("0.5"),
                )
                context.report.count("partner or hybrid work packages")
    return partnered


def _contract(context: Any, supplier: Supplier, partnered: list[Any]) -> None:
    if supplier.contracts.filter(reference=CONTRACT).exists():
        return
    timeline = context.timeline
    services.contract_create(
        actor=SYSTEM,
        supplier=supplier,
        reference=CONTRACT,
        value=Decimal("1200000"),
        start=timeline.month(6),
        end=timeline.month_end(30),
        deliverables="Illustrative: build and roll-out capacity for the partner and hybrid work "
        "packages.",
        work_packages=partnered,
    )
    context.report.count("supplier contracts")
