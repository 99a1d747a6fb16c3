"""Demo business drivers for the ETP (idempotent): the two "Everyone's Essex" priorities the
report links to (§4.10), cashable savings, carbon, risk reduction and statutory / must-do, with
illustrative weights; each work package rated "strong" against the priorities it serves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpmo.common.services import SYSTEM
from openpmo.demo import etp
from openpmo.planning import services
from openpmo.planning.models import BusinessDriver

#: (driver, illustrative weight): the two priorities first, then the council's usual tests.
DRIVERS = [
    (etp.STRATEGIC_PRIORITIES[0], Decimal("0.25")),
    (etp.STRATEGIC_PRIORITIES[1], Decimal("0.25")),
    ("Cashable savings", Decimal("0.20")),
    ("Carbon reduction", Decimal("0.10")),
    ("Risk reduction", Decimal("0.10")),
    ("Statutory or must-do", Decimal("0.10")),
]


def load(context: Any) -> None:
    programme = context.programme
    if BusinessDriver.objects.filter(programme=programme).exists():
        return
    drivers = {}
    for name, weight in DRIVERS:
        drivers[name] = services.driver_create(
            actor=SYSTEM, programme=programme, name=name, weight=weight
        )
        context.report.count("business drivers")
    for package in context.work_packages.values():
        for priority in package.strategic_priorities.all():
            driver = drivers.get(priority.title)
            if driver is not None:
                services.rating_set(
                    actor=SYSTEM, work_package=package, driver=driver, rating="strong"
                )
