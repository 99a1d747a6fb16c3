from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")


class StrategicPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPriority

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Pillar {n}")
    objective = "To make things better"


class StrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strand

    pillar = factory.SubFactory(PillarFactory)
    name = factory.Sequence(lambda n: f"Strand {n}")


class WorkPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPackage

    strand = factory.SubFactory(StrandFactory)
    reference = factory.Sequence(lambda n: f"WP-{n:04d}")
    name = factory.Sequence(lambda n: f"Work package {n}")
    stage = "discovery"
    rag_status = "green"
    budget_envelope = Decimal("100000.00")
    baseline_start = dt.date(2023, 4, 1)
    baseline_end = dt.date(2024, 3, 31)
