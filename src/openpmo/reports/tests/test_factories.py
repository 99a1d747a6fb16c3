"""The reports factories build draft reports the model accepts."""

from __future__ import annotations

import pytest

from openpmo.reports.tests.factories import PillarReportFactory, WorkPackageReportFactory

pytestmark = pytest.mark.django_db


def test_pillar_and_work_package_reports_are_drafts_of_their_programme():
    pillar_report = PillarReportFactory()
    package_report = WorkPackageReportFactory()
    assert pillar_report.programme == pillar_report.pillar.programme
    assert package_report.pillar is None
    assert package_report.programme == package_report.work_package.strand.pillar.programme
    for report in (pillar_report, package_report):
        assert report.status == "draft"
        report.full_clean()
