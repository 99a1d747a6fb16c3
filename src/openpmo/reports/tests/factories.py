"""Reports for tests that need one without the workflow (factory_boy). The rows are written
directly: no permission check, audit record or snapshot; the workflow's own tests (create,
submit, approve, freeze) go through ``reports.services``."""

from __future__ import annotations

import datetime as dt

import factory

from openpmo.portfolio.tests.factories import PillarFactory, WorkPackageFactory
from openpmo.reports.choices import ReportKind
from openpmo.reports.models import Report


class PillarReportFactory(factory.django.DjangoModelFactory):
    """A draft pillar highlight report for March 2024."""

    class Meta:
        model = Report

    pillar = factory.SubFactory(PillarFactory)
    programme = factory.SelfAttribute("pillar.programme")
    kind = ReportKind.PILLAR_HIGHLIGHT
    period = dt.date(2024, 3, 1)
    title = factory.LazyAttribute(lambda r: f"{r.pillar.name}: highlight report, March 2024")
    progress_this_period = "Went well"
    next_period = "More of the same"


class WorkPackageReportFactory(PillarReportFactory):
    """A draft work package highlight report for March 2024."""

    pillar = None
    work_package = factory.SubFactory(WorkPackageFactory)
    programme = factory.SelfAttribute("work_package.strand.pillar.programme")
    kind = ReportKind.WORK_PACKAGE_HIGHLIGHT
    title = factory.LazyAttribute(
        lambda r: f"{r.work_package.reference}: highlight report, March 2024"
    )
