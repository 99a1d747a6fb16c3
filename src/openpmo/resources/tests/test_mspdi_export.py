"""A work package's demand goes out as a Microsoft Project file (resources and assignments) and
comes back, through the project's own MSPDI reader, as the same work per role and month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.accounts.roles import Role
from openpmo.core.levelling.mspdi import read_resources
from openpmo.core.schedule import read_mspdi
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.resources import msproject
from openpmo.resources.models import Demand
from openpmo.resources.tests.factories import DemandFactory, ResourceRoleFactory

pytestmark = pytest.mark.django_db
MAY, JUNE, SEPTEMBER = dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2024, 9, 1)


@pytest.fixture
def demand(programme_tree):
    work_package = programme_tree
    programme = work_package.strand.pillar.programme
    analyst = ResourceRoleFactory(programme=programme, name="Analyst")
    developer = ResourceRoleFactory(programme=programme, name="Developer")
    for role, month, fte in (
        (analyst, MAY, "3.00"),
        (analyst, JUNE, "0.50"),
        (developer, MAY, "1.25"),
        (developer, SEPTEMBER, "0.10"),
    ):
        DemandFactory(work_package=work_package, role=role, month=month, fte=Decimal(fte))
    return work_package


def _by_role(rows) -> dict[str, dict[dt.date, Decimal]]:
    found: dict[str, dict[dt.date, Decimal]] = {}
    for row in rows:
        found.setdefault(row.role.name, {})[row.month] = row.fte
    return found


def test_exported_demand_reads_back_as_the_same_work_per_role(client, role_user, demand):
    client.force_login(role_user(Role.VIEWER))
    page = client.get(f"/resources/work-packages/{demand.pk}/demand/").content.decode()
    assert f"/resources/work-packages/{demand.pk}/demand/mspdi.xml" in page

    response = client.get(f"/resources/work-packages/{demand.pk}/demand/mspdi.xml")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.content

    expected = _by_role(Demand.objects.filter(work_package=demand).select_related("role"))
    assert msproject.demand_from_mspdi(data) == expected
    # Work in the file: FTE x the month's working days x 8 h (May 2024 has 23, June 20).
    resources, assignments = read_resources(data)
    names = {r.uid: r.name for r in resources}
    work = {}
    for a in assignments:
        work[names[a.resource_uid]] = work.get(names[a.resource_uid], 0) + a.work_minutes
    assert work["Analyst"] == round((3 * 23 + Decimal("0.5") * 20) * 480)
    assert read_mspdi(data).name.startswith(demand.reference)

    api = client.get(f"/api/resources/work-packages/{demand.pk}/demand/mspdi/")
    assert api.status_code == 200 and api.content == data


def test_the_file_imports_into_another_package_as_the_same_demand(client, role_user, demand):
    client.force_login(role_user(Role.PMO))
    data = client.get(f"/resources/work-packages/{demand.pk}/demand/mspdi.xml").content
    other = WorkPackageFactory(strand=demand.strand)
    response = client.post(
        f"/resources/work-packages/{other.pk}/demand/",
        {"upload-file": SimpleUploadedFile("demand.xml", data)},
    )
    assert response.status_code == 302
    rows = Demand.objects.filter(work_package=other).select_related("role")
    assert _by_role(rows) == _by_role(
        Demand.objects.filter(work_package=demand).select_related("role")
    )


def test_a_package_without_demand_exports_an_empty_plan(client, role_user, programme_tree):
    client.force_login(role_user(Role.VIEWER))
    data = client.get(f"/api/resources/work-packages/{programme_tree.pk}/demand/mspdi/").content
    assert read_resources(data) == ([], [])


def test_signed_out_people_get_no_file(client, demand):
    assert client.get(f"/api/resources/work-packages/{demand.pk}/demand/mspdi/").status_code in (
        401,
        403,
    )
    assert client.get(f"/resources/work-packages/{demand.pk}/demand/mspdi.xml").status_code in (
        302,
        403,
    )
