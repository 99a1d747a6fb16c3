from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from openpmo.risks.models import RaidAction, RaidItem, TaskHit


class RaidItemFactory(factory.django.DjangoModelFactory):
    """A work-package-level risk of ``work_package`` (give one), scored 3 x 4."""

    class Meta:
        model = RaidItem

    kind = "risk"
    reference = factory.Sequence(lambda n: f"R-{n + 100:03d}")
    title = factory.Sequence(lambda n: f"Risk {n}")
    category = "delivery"
    level = "work_package"
    programme = factory.LazyAttribute(lambda o: o.work_package.strand.pillar.programme)
    strand = factory.LazyAttribute(lambda o: o.work_package.strand)
    pillar = factory.LazyAttribute(lambda o: o.work_package.strand.pillar)
    inherent_probability = 3
    inherent_impact = 4


class RaidActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RaidAction

    item = factory.SubFactory(RaidItemFactory)
    description = factory.Sequence(lambda n: f"Action {n}")


def dated_with_a_risk(work_package):
    """``work_package`` dated 3 April 2023 to 29 March 2024 (52 weeks, 260 working days), with one
    risk on it (R-001: even odds of 5/10/20 days' delay and £1,000/£2,000/£5,000)."""
    work_package.forecast_start = dt.date(2023, 4, 3)
    work_package.forecast_end = dt.date(2024, 3, 29)
    work_package.save()
    risk = RaidItemFactory(
        work_package=work_package,
        reference="R-001",
        chance=Decimal("0.5"),
        delay_min=Decimal(5),
        delay_likely=Decimal(10),
        delay_max=Decimal(20),
        cost_min=Decimal(1000),
        cost_likely=Decimal(2000),
        cost_max=Decimal(5000),
    )
    TaskHit.objects.create(item=risk, work_package=work_package)
    return work_package
