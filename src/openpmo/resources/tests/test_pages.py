"""Pages, API, Excel import/export, the core team against Table 1 and the report sections."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from tests.shared_data import shared_file

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.finance.tests.factories import TeamCostPlanFactory, TeamRoleFactory
from openpmo.reports.sections import Scope
from openpmo.resources import excel, msproject, team
from openpmo.resources.models import Contract, Demand, Person, Supplier
from openpmo.resources.report_sections import capacity_section, team_section
from openpmo.resources.tests.factories import DemandFactory, PersonFactory, ResourceRoleFactory

MAY = dt.date(2024, 5, 1)


@pytest.fixture
def setup(programme_tree):
    work_package = programme_tree
    programme = work_package.strand.pillar.programme
    role = ResourceRoleFactory(programme=programme, name="Analyst")
    PersonFactory(role=role, programme=programme, name="Asha")
    DemandFactory(work_package=work_package, role=role, month=MAY, fte=Decimal(3))
    return programme, role, work_package


def workbook(header, *rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_heat_map_table_drill_down_and_what_if(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(role_user(Role.VIEWER))
    page = client.get("/resources/", {"role": role.pk, "month": "2024-05-01"}).content.decode()
    assert "3.00 / 1.00" in page and "over" in page  # the data table beside the heat map
    assert "<svg" in page and "Analyst, May 2024: 3.00 of 1.00 FTE" in page
    assert f"/resources/work-packages/{work_package.pk}/demand/" in page  # the drill-down
    before = Person.objects.count()
    page = client.get(
        "/resources/",
        {"what_if": "1", "hire_role": role.pk, "hire_count": 2, "hire_from": "2024-05-01"},
    ).content.decode()
    assert "Largest shortfall by role" in page
    assert Person.objects.count() == before


def test_a_what_if_missing_its_month_is_an_error_not_a_crash(client, role_user, setup):
    programme, role, _ = setup
    client.force_login(role_user(Role.VIEWER))
    response = client.get("/resources/", {"what_if": "1", "hire_role": role.pk})
    assert response.status_code == 400
    assert "Say how many to hire and from which month." in response.content.decode()


def test_people_import_names_every_bad_row_and_adds_nobody(client, role_user, setup):
    programme, role, _ = setup
    client.force_login(role_user(Role.PMO))
    upload = workbook(
        excel.PEOPLE_COLUMNS,
        ["Bo", "Analyst", "Permanent", 1, "2024-04-01", None, None, ""],
        ["Cy", "Juggler", "Permanent", 1, "2024-04-01", None, None, ""],
        ["Di", "Analyst", "Permanent", -1, "someday", None, None, ""],
    )
    before = (Person.objects.count(), AuditRecord.objects.count())
    response = client.post("/resources/people/", {"upload-file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, Role: &#x27;Juggler&#x27; is not a role of this programme." in page
    assert "Row 4, FTE: -1 is negative." in page
    assert "Row 4, Available from: &#x27;someday&#x27; is not a date" in page
    assert (Person.objects.count(), AuditRecord.objects.count()) == before


def test_people_import_then_export_round_trip(client, role_user, setup):
    programme, role, _ = setup
    client.force_login(role_user(Role.PMO))
    upload = workbook(
        excel.PEOPLE_COLUMNS,
        ["Bo", "analyst", "Fixed-term", "0.5", "2024-04-01", "2025-03-31", 400, "SQL"],
    )
    client.post("/resources/people/", {"upload-file": upload})
    bo = Person.objects.get(name="Bo")
    assert (bo.employment, bo.fte, bo.day_rate) == ("fixed_term", Decimal("0.5"), Decimal(400))
    assert AuditRecord.objects.filter(action="person.created").count() == 1
    exported = load_workbook(io.BytesIO(client.get("/resources/people/export.xlsx").content))
    names = [row[0] for row in exported.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Asha", "Bo"]


def test_a_viewer_cannot_import_people(client, role_user, setup):
    client.force_login(role_user(Role.VIEWER))
    upload = workbook(
        excel.PEOPLE_COLUMNS, ["Bo", "Analyst", "Permanent", 1, "2024-04-01", None, None, ""]
    )
    response = client.post("/resources/people/", {"upload-file": upload})
    assert response.status_code == 403
    assert not Person.objects.filter(name="Bo").exists()


def test_demand_import_replaces_a_package_profile(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(role_user(Role.PMO))
    upload = workbook(
        excel.DEMAND_COLUMNS,
        [work_package.reference, "Analyst", "2024-06-01", 1.5],
        [work_package.reference, "Analyst", "2024-07-01", 0.5],
    )
    client.post(f"/resources/work-packages/{work_package.pk}/demand/", {"upload-file": upload})
    assert sorted(Demand.objects.values_list("month", "fte", "source")) == [
        (dt.date(2024, 6, 1), Decimal("1.50"), "excel"),
        (dt.date(2024, 7, 1), Decimal("0.50"), "excel"),
    ]


def test_api_sets_demand_and_reports_capacity(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(work_package.owner)
    response = client.post(
        f"/api/resources/work-packages/{work_package.pk}/demand/",
        {"rows": [{"role": role.pk, "month": "2024-06-01", "fte": "-1"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and Demand.objects.count() == 1
    response = client.post(
        f"/api/resources/work-packages/{work_package.pk}/demand/",
        {"rows": [{"role": role.pk, "month": "2024-06-01", "fte": "0.5"}]},
        content_type="application/json",
    )
    assert response.status_code == 200 and len(response.json()) == 2
    capacity = client.get("/api/resources/capacity/", {"programme": programme.pk}).json()
    assert capacity["months"] == ["2024-05-01", "2024-06-01"]
    assert capacity["roles"][0]["cells"][0] == {
        "capacity": "1.00",
        "demand": "3.00",
        "over": True,
        "packages": [work_package.reference],
    }


def test_levelling_page_names_a_package_that_can_never_fit(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(role_user(Role.VIEWER))
    page = client.get("/resources/levelling/").content.decode()
    assert f"activity {work_package.reference}: needs 300 of Analyst" in page


@pytest.fixture
def core_team(setup):
    """Two Table 1 posts from April 2022: one filled on time, one filled three months late."""
    programme, role, _ = setup
    plan = TeamCostPlanFactory(programme=programme)
    on_time = TeamRoleFactory(
        plan=plan, name="Lead", start=dt.date(2022, 4, 1), end=dt.date(2023, 3, 31)
    )
    late = TeamRoleFactory(
        plan=plan, name="Analyst", start=dt.date(2022, 4, 1), end=dt.date(2023, 3, 31)
    )
    PersonFactory(
        role=role, programme=programme, team_role=on_time, available_from=dt.date(2022, 4, 1)
    )
    PersonFactory(
        role=role, programme=programme, team_role=late, available_from=dt.date(2022, 7, 1)
    )
    return plan


def test_a_late_start_flags_the_money_drawn_beyond_need(core_team):
    position = team.team_position(core_team, as_at=dt.date(2023, 1, 31))
    assert [(p.role.name, p.started_late) for p in position.posts] == [
        ("Analyst", True),
        ("Lead", False),
    ]
    assert position.vacancies == []
    # April to June 2022 of a £36,500 post: 91 days at £100 a day
    assert position.to_return == Decimal("9100.00")


def test_as_at_a_date_before_anyone_started_every_post_is_vacant(core_team):
    position = team.team_position(core_team, as_at=dt.date(2022, 3, 31))
    assert len(position.vacancies) == 2
    assert position.to_return == sum(position.planned_by_year, Decimal(0))


def test_the_team_section_of_the_twelve_month_review(core_team, setup):
    programme, role, work_package = setup
    team_part = team_section(Scope(programme=programme, period=dt.date(2023, 1, 1)))
    facts = {f["label"]: f["value"] for f in team_part["facts"]}
    assert facts["Beyond need, to return to the reserve"] == "9100.00"
    assert facts["Posts filled late"] == 1
    assert "return to the reserve (§6.1.5)" in team_part["text"][0]


def test_the_capacity_section_of_the_board_pack(setup):
    programme, role, work_package = setup
    capacity = capacity_section(Scope(programme=programme, period=MAY))
    facts = {f["label"]: f["value"] for f in capacity["facts"]}
    assert facts["Largest shortfall (FTE)"] == "2.00"
    assert capacity["tables"][1]["rows"][0] == [
        "Analyst",
        "2024-05",
        "2.00",
        work_package.reference,
    ]


def test_core_team_page(client, role_user, core_team):
    client.force_login(role_user(Role.FINANCE))
    page = client.get("/resources/core-team/", {"as_at": "2023-01-31"}).content.decode()
    assert "£9,100" in page and "late" in page


MSPDI = shared_file("schedules/MPSPLIBtoMPP_6_mp_j30_a2_nr1.mspdi.xml")


def test_demand_from_microsoft_project_assignments(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(role_user(Role.PMO))
    data = MSPDI.read_bytes()
    names = list(msproject.demand_from_mspdi(data))
    for name in names[:-1]:
        ResourceRoleFactory(programme=programme, name=name)
    before = list(Demand.objects.values_list("pk", "fte"))
    response = client.post(
        f"/resources/work-packages/{work_package.pk}/demand/",
        {"upload-file": SimpleUploadedFile("plan.xml", data)},
    )
    assert response.status_code == 400
    assert (
        f"These resources are not roles of the programme: {names[-1]}." in response.content.decode()
    )
    assert list(Demand.objects.values_list("pk", "fte")) == before
    ResourceRoleFactory(programme=programme, name=names[-1])
    client.post(
        f"/resources/work-packages/{work_package.pk}/demand/",
        {"upload-file": SimpleUploadedFile("plan.xml", data)},
    )
    saved = Demand.objects.filter(work_package=work_package, role__name="R 1")
    assert {d.month: d.fte for d in saved} == msproject.demand_from_mspdi(data)["R 1"]
    assert {d.source for d in Demand.objects.all()} == {"ms_project"}


def test_pmo_registers_a_partner_and_its_contract(client, role_user, setup):
    programme, role, work_package = setup
    client.force_login(role_user(Role.PMO))
    client.post(
        "/resources/suppliers/", {"supplier-name": "Acme Digital", "supplier-kind": "partner"}
    )
    supplier = Supplier.objects.get(name="Acme Digital")
    contract = {
        "contract-supplier": supplier.pk,
        "contract-reference": "ACME-1",
        "contract-value": "-5",
        "contract-start": "2024-04-01",
        "contract-end": "2025-03-31",
        "contract-deliverables": "Data platform discovery",
        "contract-work_packages": [work_package.pk],
    }
    refused = client.post("/resources/suppliers/", contract)
    assert refused.status_code == 400 and not Contract.objects.exists()
    contract["contract-value"] = "150000"
    client.post("/resources/suppliers/", contract)
    saved = Contract.objects.get()
    assert (saved.value, list(saved.work_packages.all())) == (Decimal(150000), [work_package])
    page = client.get("/resources/suppliers/").content.decode()
    assert "ACME-1" in page and "£150,000" in page and work_package.reference in page
    assert (
        AuditRecord.objects.filter(action__in=["supplier.created", "contract.created"]).count() == 2
    )
