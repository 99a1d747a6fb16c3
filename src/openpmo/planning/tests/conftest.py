from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from openpmo.accounts.roles import Role
from openpmo.planning.tests.factories import BusinessDriverFactory, DriverRatingFactory
from openpmo.portfolio.tests.factories import StrandFactory, WorkPackageFactory

TODAY = dt.date(2026, 6, 1)  # in 2026/27


@dataclass
class Portfolio:
    programme: object
    packages: dict
    drivers: list
    pmo: object


@pytest.fixture
def portfolio(db, role_user):
    """Four work packages rated against two drivers (70/30): budget envelopes in 2026/27."""
    strand = StrandFactory()
    programme = strand.pillar.programme
    drivers = [
        BusinessDriverFactory(programme=programme, name="Savings", weight=Decimal("0.7"), order=0),
        BusinessDriverFactory(programme=programme, name="Carbon", weight=Decimal("0.3"), order=1),
    ]
    specs = {
        "WP-A": (Decimal(400_000), "extreme", "none"),
        "WP-B": (Decimal(300_000), "strong", "strong"),
        "WP-C": (Decimal(300_000), "moderate", "extreme"),
        "WP-D": (Decimal(250_000), "low", "low"),
    }
    packages = {}
    for ref, (envelope, savings, carbon) in specs.items():
        package = WorkPackageFactory(strand=strand, reference=ref, budget_envelope=envelope)
        DriverRatingFactory(work_package=package, driver=drivers[0], rating=savings)
        DriverRatingFactory(work_package=package, driver=drivers[1], rating=carbon)
        packages[ref] = package
    return Portfolio(programme, packages, drivers, role_user(Role.PMO))
