from __future__ import annotations

import factory

from openpmo.planning.models import BusinessDriver, DriverRating
from openpmo.portfolio.tests.factories import ProgrammeFactory, WorkPackageFactory


class BusinessDriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessDriver

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Driver {n}")
    weight = 0


class DriverRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DriverRating

    work_package = factory.SubFactory(WorkPackageFactory)
    driver = factory.SubFactory(BusinessDriverFactory)
    rating = "moderate"
