from __future__ import annotations

import factory

from openpmo.risks.models import RaidAction, RaidItem


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
