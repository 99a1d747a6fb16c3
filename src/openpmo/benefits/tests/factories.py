from __future__ import annotations

from decimal import Decimal

import factory

from openpmo.accounts.tests.factories import UserFactory
from openpmo.benefits.models import Benefit, BenefitActual, BenefitProfile, ProfileMonth
from openpmo.core.benefits import Month
from openpmo.portfolio.tests.factories import PillarFactory


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"BEN-{n:04d}")
    title = factory.Sequence(lambda n: f"Benefit {n}")
    category = "cashable"
    measure = "Annual spend"
    unit = "£"
    target_value = Decimal("12000.00")
    owner = factory.SubFactory(UserFactory)
    pillar = factory.SubFactory(PillarFactory)

    @factory.post_generation
    def work_packages(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.work_packages.set(extracted)  # type: ignore[attr-defined]


def give_profile(
    benefit: Benefit, months: dict[str, str], *, number: int = 1, current: bool = True
) -> BenefitProfile:
    """A profile straight into the database (the services are tested on their own)."""
    if current:
        benefit.profiles.filter(is_current=True).update(is_current=False)
    profile = BenefitProfile.objects.create(
        benefit=benefit, number=number, method="entered", is_current=current
    )
    ProfileMonth.objects.bulk_create(
        ProfileMonth(profile=profile, month=Month.parse(m).first_day, value=Decimal(v))
        for m, v in months.items()
    )
    return profile


def give_actuals(benefit: Benefit, months: dict[str, str]) -> None:
    BenefitActual.objects.bulk_create(
        BenefitActual(
            benefit=benefit, month=Month.parse(m).first_day, value=Decimal(v), evidence="test"
        )
        for m, v in months.items()
    )
