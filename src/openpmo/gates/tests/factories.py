"""Gates rows for tests that need one without walking the whole workflow (factory_boy).

They write the rows directly, as the other apps' factories do: no permission check, no audit
record. Tests of the workflow itself (submit, quality-assure, decide) go through the services, and
a decision, which is immutable and moves money, is only ever made by ``decision_record``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from openpmo.gates.choices import AssessmentOutcome
from openpmo.gates.models import (
    BusinessCase,
    ChecklistItem,
    DelegatedAuthority,
    EqualityImpactAssessment,
    Gate,
    GateRequest,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.tests.factories import ProgrammeFactory, WorkPackageFactory


class GateFactory(factory.django.DjangoModelFactory):
    """The gate closing Discovery of a new programme (``stage``/``order`` to choose another)."""

    class Meta:
        model = Gate

    programme = factory.SubFactory(ProgrammeFactory)
    stage = Stage.DISCOVERY
    order = 1
    name = factory.LazyAttribute(lambda gate: Stage(gate.stage).label)
    purpose = "Is the idea worth a strategic outline case?"


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    gate = factory.SubFactory(GateFactory)
    text = factory.Sequence(lambda n: f"Checklist item {n}")
    order = factory.Sequence(lambda n: n)


class DelegatedAuthorityFactory(factory.django.DjangoModelFactory):
    """A Decision maker without limit (§7.1's default row)."""

    class Meta:
        model = DelegatedAuthority

    programme = factory.SubFactory(ProgrammeFactory)
    role = "Decision maker"
    limit = None


class EqualityImpactAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EqualityImpactAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"ECIA-F{n:05d}")
    title = "Equality impact of the change"
    assessed_on = dt.date(2024, 1, 10)
    characteristics = ["age", "disability"]
    outcome = AssessmentOutcome.NO_DISPROPORTIONATE_IMPACT


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    """Version 1 of a work package's draft case, for the gate of the package's stage."""

    class Meta:
        model = BusinessCase

    work_package = factory.SubFactory(WorkPackageFactory)
    gate = factory.SubFactory(
        GateFactory,
        programme=factory.SelfAttribute("..work_package.strand.pillar.programme"),
        stage=factory.SelfAttribute("..work_package.stage"),
    )
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda case: f"Business case for {case.work_package.name}")
    base_year = "2024/25"
    requested_funding = factory.LazyFunction(lambda: {"2024/25": "100000.00"})


class GateRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request at its business case's gate, asking for what the case asks."""

    class Meta:
        model = GateRequest

    business_case = factory.SubFactory(BusinessCaseFactory)
    work_package = factory.SelfAttribute("business_case.work_package")
    gate = factory.SelfAttribute("business_case.gate")
    requested = factory.SelfAttribute("business_case.requested_funding")
    requested_total = factory.LazyAttribute(
        lambda request: sum((Decimal(v) for v in request.requested.values()), Decimal(0))
    )
    submitted_at = factory.LazyFunction(timezone.now)
