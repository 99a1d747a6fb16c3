"""The resources pages take a team workbook within OPENPMO_MAX_SPREADSHEET_MB and a Microsoft
Project file within OPENPMO_MAX_SCHEDULE_MB, refusing larger ones by name; nothing saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.resources.models import Demand, Person

pytestmark = pytest.mark.django_db


def _state():
    return Person.objects.count(), Demand.objects.count(), AuditRecord.objects.count()


def test_oversize_people_and_demand_files_are_refused_by_name(monkeypatch, client, role_user):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    work_package = WorkPackageFactory()
    monkeypatch.setenv("OPENPMO_MAX_SPREADSHEET_MB", str(4 / 1024))
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", str(4 / 1024))
    client.force_login(role_user(Role.PMO))
    before = _state()
    people = client.post(
        "/resources/people/", {"upload-file": SimpleUploadedFile("team.xlsx", b"P" * 5000)}
    )
    assert people.status_code == 400
    assert "team.xlsx is 5 KB: the largest spreadsheet accepted is 4 KB." in people.content.decode()
    demand = client.post(
        f"/resources/work-packages/{work_package.pk}/demand/",
        {"upload-file": SimpleUploadedFile("plan.xml", b"<" * 6000)},
    )
    assert demand.status_code == 400
    assert "plan.xml is 6 KB: the largest schedule file accepted is 4 KB." in (
        demand.content.decode()
    )
    assert _state() == before
