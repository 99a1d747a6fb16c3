from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from openpmo.portfolio.tests.factories import ProgrammeFactory, WorkPackageFactory
from openpmo.resources.models import (
    Absence,
    Contract,
    Demand,
    PackageSourcing,
    Person,
    ResourceRole,
    Supplier,
)


class ResourceRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceRole

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Role {n}")
    partner_day_rate = Decimal("600.00")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    programme = factory.SelfAttribute("role.programme")
    role = factory.SubFactory(ResourceRoleFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    employment = "permanent"
    fte = Decimal("1.00")
    available_from = dt.date(2024, 4, 1)
    day_rate = Decimal("300.00")


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    person = factory.SubFactory(PersonFactory)
    start = dt.date(2024, 8, 5)
    end = dt.date(2024, 8, 9)
    reason = "Holiday"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Supplier {n}")
    kind = "partner"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    supplier = factory.SubFactory(SupplierFactory)
    reference = factory.Sequence(lambda n: f"C-{n:03d}")
    value = Decimal("120000.00")
    start = dt.date(2024, 4, 1)
    end = dt.date(2025, 3, 31)


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    work_package = factory.SubFactory(WorkPackageFactory)
    role = factory.SubFactory(
        ResourceRoleFactory,
        programme=factory.SelfAttribute("..work_package.strand.pillar.programme"),
    )
    month = dt.date(2024, 5, 1)
    fte = Decimal("1.00")


class PackageSourcingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackageSourcing

    work_package = factory.SubFactory(WorkPackageFactory)
    mode = "in_house"
