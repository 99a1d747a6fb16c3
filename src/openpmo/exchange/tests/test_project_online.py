"""A Project Online export (OData feeds saved as CSV, an MSPDI file per project and a mapping
file) becomes work packages with owners, dates, budgets and schedules; what cannot be mapped is
reported; resource demand becomes each work package's demand by role and month (FTE)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from openpmo.accounts.roles import Role
from openpmo.delivery.models import ScheduleTask
from openpmo.delivery.tests.test_exchange import small_project
from openpmo.exchange.models import ImportBatch
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.tests.factories import ProgrammeFactory
from openpmo.resources.models import Demand, ResourceRole

pytestmark = pytest.mark.django_db

MAPPING = """
programme: ETP
reference: Project Code
fields:
  Pillar: pillar
  Workstream: strand
  Project Status: rag_status
  Approved Budget: budget_envelope
  Phase: stage
values:
  rag_status: {On track: Green, At risk: Amber, Off track: Red}
  stage: {Initiate: Discovery, Execute: Delivery}
defaults:
  pillar_objective: Carried over from Project Online
resources:
  names: {Dev Team: Developer}
  type_column: Role
  types: {Business Analyst: Business analyst}
"""
PROJECTS = (
    "ProjectId,ProjectName,ProjectOwnerName,ProjectStartDate,ProjectFinishDate,"
    "ProjectBaseline0StartDate,ProjectBaseline0FinishDate,Project Code,Pillar,Workstream,"
    "Project Status,Approved Budget,Phase,Benefits Lead\n"
    "3f2a9c1e-0000-4000-8000-000000000001,Imported plan,Priya Shah,2024-04-08T08:00:00,"
    "2024-07-01T17:00:00,2024-04-01T08:00:00,2024-06-28T17:00:00,ETP-PO-001,"
    "Platforms for Data,Data platform,At risk,250000,Execute,Sam\n"
    "3f2a9c1e-0000-4000-8000-000000000002,Second,Priya Shah,2024-05-01T08:00:00,"
    "2024-09-30T17:00:00,,,ETP-PO-002,Platforms for Data,Data platform,Sideways,,Initiate,Jo\n"
)
RESOURCES = (
    "ResourceId,ResourceName,ResourceEmailAddress,Role\n"
    "r1,Priya Shah,priya.shah@council.gov.uk,Business Analyst\nr2,Dev Team,,\n"
    "r3,Agency Tester,,Tester\n"
)
ASSIGNMENTS = (
    "ProjectId,TaskId,ResourceId,AssignmentWork,AssignmentStartDate,AssignmentFinishDate\n"
    "3f2a9c1e-0000-4000-8000-000000000001,t1,r2,120,2024-04-08T08:00:00,2024-05-01T17:00:00\n"
    "3f2a9c1e-0000-4000-8000-000000000001,t2,r2,80,2024-05-02T08:00:00,2024-06-01T17:00:00\n"
    "3f2a9c1e-0000-4000-8000-000000000001,t3,r1,44,2024-04-01T08:00:00,2024-04-30T17:00:00\n"
    "3f2a9c1e-0000-4000-8000-000000000002,t9,r3,16,2024-05-06T08:00:00,2024-05-07T17:00:00\n"
)
TASKS = (
    "ProjectId,ProjectName,TaskId,TaskName\n3f2a9c1e-0000-4000-8000-000000000002,Second,t9,Plan\n"
)


@pytest.fixture
def export(tmp_path, role_user):
    programme = ProgrammeFactory(short_name="ETP")
    for name in ("Developer", "Business analyst"):
        ResourceRole.objects.create(programme=programme, name=name)
    role_user(Role.PMO, username="pmo")
    role_user(Role.WORK_PACKAGE_MANAGER, email="priya.shah@council.gov.uk")
    files = {
        "mapping.yaml": MAPPING,
        "Projects.csv": PROJECTS,
        "Resources.csv": RESOURCES,
        "Assignments.csv": ASSIGNMENTS,
        "Tasks.csv": TASKS,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "mspdi").mkdir()
    (tmp_path / "mspdi" / "Imported plan.xml").write_bytes(small_project())
    (tmp_path / "mspdi" / "Unknown project.xml").write_bytes(small_project())
    return tmp_path


def _run(folder, *extra: str, out: io.StringIO | None = None) -> str:
    out = out or io.StringIO()
    call_command(
        "import_project_online",
        "--as=pmo",
        f"--mapping={folder / 'mapping.yaml'}",
        f"--projects={folder / 'Projects.csv'}",
        f"--resources={folder / 'Resources.csv'}",
        f"--assignments={folder / 'Assignments.csv'}",
        f"--tasks={folder / 'Tasks.csv'}",
        f"--schedules={folder / 'mspdi'}",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_a_value_with_no_mapping_is_reported_and_nothing_is_imported(export):
    # "Sideways" has no RAG in the mapping; the field is left empty and reported. The run
    # without --commit only reports.
    text = _run(export)
    assert "Would import: 2 work packages created" in text
    assert "Project Status “Sideways” has no OpenPMO value" in text
    assert "not mapped  column Benefits Lead" in text
    assert "Unknown project.xml: no project of that name or id" in text
    assert "ETP-PO-002: 1 tasks but no MSPDI file" in text
    assert "demand  ETP-PO-001  Dev Team  200 h  2024-04-08 to 2024-06-01" in text
    assert WorkPackage.objects.count() == 0


def test_the_export_becomes_work_packages_with_schedules_owners_baselines_and_demand(export):
    _run(export, "--commit")

    wp = WorkPackage.objects.get(reference="ETP-PO-001")
    assert wp.name == "Imported plan"
    assert wp.owner.email == "priya.shah@council.gov.uk"
    assert (wp.stage, wp.rag_status, wp.budget_envelope) == ("delivery", "amber", Decimal("250000"))
    assert (str(wp.baseline_start), str(wp.baseline_end)) == ("2024-04-01", "2024-06-28")
    assert (str(wp.forecast_start), str(wp.forecast_end)) == ("2024-04-08", "2024-07-01")
    assert wp.strand.pillar.name == "Platforms for Data"
    names = set(
        ScheduleTask.objects.filter(schedule__work_package=wp).values_list("name", flat=True)
    )
    assert {"Design", "Build", "Full Business Case approval", "Board workshop"} <= names
    second = WorkPackage.objects.get(reference="ETP-PO-002")
    assert (second.stage, second.rag_status) == ("discovery", "")
    batch = ImportBatch.objects.get()
    hours = {
        (d["work_package"], d["resource"]): d["hours"] for d in batch.summary["resource_demand"]
    }
    assert hours[("ETP-PO-001", "Dev Team")] == "200"
    assert {
        "work_package": "ETP-PO-001",
        "role": "Developer",
        "month": "2024-04-01",
        "fte": "0.64",
    } in (batch.summary["demand_fte"])
    assert batch.summary["unmapped_columns"] == ["Benefits Lead"]


def test_a_bad_row_stops_the_whole_import(export):
    projects = export / "Projects.csv"
    projects.write_text(PROJECTS.replace("250000", "a lot"), encoding="utf-8")
    with pytest.raises(CommandError, match="problems: nothing imported"):
        _run(export, "--commit")
    assert WorkPackage.objects.count() == 0
    assert ScheduleTask.objects.count() == 0


def test_a_mapping_to_a_field_openpmo_does_not_have_is_refused(export):
    (export / "mapping.yaml").write_text("programme: ETP\nfields: {Colour: colour}\n")
    with pytest.raises(CommandError, match="colour are not OpenPMO fields"):
        _run(export, "--commit")


# --- resource demand ---------------------------------------------------------------------------
APRIL, MAY, JUNE = dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 6, 1)
# April 2024 has 22 working days (176 h at 8 h a day), May 23 (184 h).
# Dev Team: 120 h over the 18 working days 8 Apr - 1 May: 113.33 h in April (0.64 FTE) and
# 6.67 h in May; plus 80 h 2 May - 1 Jun, all in May: 86.67 h (0.47 FTE).
# Priya Shah (Role "Business Analyst"): 44 h in April: 0.25 FTE.
EXPECTED = {
    ("Developer", APRIL): Decimal("0.64"),
    ("Developer", MAY): Decimal("0.47"),
    ("Business analyst", APRIL): Decimal("0.25"),
}


def _demand(reference: str) -> dict[tuple[str, dt.date], tuple[Decimal, str]]:
    return {
        (d.role.name, d.month): (d.fte, d.source)
        for d in Demand.objects.filter(work_package__reference=reference)
    }


def test_assignments_become_demand_by_role_and_month_in_fte(export):
    text = _run(export, "--commit")

    assert _demand("ETP-PO-001") == {key: (fte, "project_online") for key, fte in EXPECTED.items()}
    assert "demand set  ETP-PO-001  Developer  2024-04  0.64 FTE" in text


def test_hours_per_day_sets_what_a_full_time_month_is(export):
    mapping = export / "mapping.yaml"
    mapping.write_text(MAPPING + "  hours_per_day: 7.5\n", encoding="utf-8")
    _run(export, "--commit")
    # 44 h over April's 22 days of 7.5 h (165 h).
    assert _demand("ETP-PO-001")[("Business analyst", APRIL)][0] == Decimal("0.27")


def test_a_resource_the_mapping_does_not_name_is_reported_not_guessed(export):
    text = _run(export, "--commit")
    assert "not mapped  resource Agency Tester (ETP-PO-002: 16 h): no role" in text
    assert _demand("ETP-PO-002") == {}
    batch = ImportBatch.objects.get()
    assert batch.summary["unmapped_resources"][0].startswith("Agency Tester (ETP-PO-002")


def test_reimport_replaces_project_online_demand_and_leaves_typed_demand_alone(export):
    _run(export, "--commit")
    wp = WorkPackage.objects.get(reference="ETP-PO-001")
    developer = ResourceRole.objects.get(name="Developer")
    # Someone types demand for June and overrides May by hand.
    Demand.objects.create(work_package=wp, role=developer, month=JUNE, fte=Decimal("0.5"))
    Demand.objects.filter(work_package=wp, role=developer, month=MAY).update(
        fte=Decimal("1.00"), source="typed"
    )

    text = _run(export, "--commit")
    after_second = _demand("ETP-PO-001")
    assert after_second == {
        ("Developer", APRIL): (Decimal("0.64"), "project_online"),
        ("Developer", MAY): (Decimal("1.00"), "typed"),
        ("Developer", JUNE): (Decimal("0.50"), "typed"),
        ("Business analyst", APRIL): (Decimal("0.25"), "project_online"),
    }
    assert "kept the typed demand (Project Online says 0.47 FTE)" in text
    assert _run(export, "--commit") and _demand("ETP-PO-001") == after_second

    # The analyst's assignment is gone from the next export: its demand goes, typed stays.
    (export / "Assignments.csv").write_text(
        "\n".join(line for line in ASSIGNMENTS.splitlines() if ",t3," not in line) + "\n",
        encoding="utf-8",
    )
    _run(export, "--commit")
    assert set(_demand("ETP-PO-001")) == {
        ("Developer", APRIL),
        ("Developer", MAY),
        ("Developer", JUNE),
    }


def test_one_bad_assignment_row_saves_nothing_and_is_named(export):
    (export / "Assignments.csv").write_text(
        ASSIGNMENTS.replace(",r1,44,", ",r1,a lot,"), encoding="utf-8"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problems: nothing imported"):
        _run(export, "--commit", out=out)
    assert "Assignments row 4, AssignmentWork: “a lot” is not a number of hours" in out.getvalue()
    assert WorkPackage.objects.count() == 0
    assert Demand.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_a_role_the_programme_does_not_have_is_refused_and_nothing_saved(export):
    ResourceRole.objects.filter(name="Business analyst").delete()
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        _run(export, "--commit", out=out)
    assert "“Business analyst” is not a resource role of ETP" in out.getvalue()
    assert (WorkPackage.objects.count(), Demand.objects.count()) == (0, 0)


def test_a_project_without_assignment_rows_takes_demand_from_its_mspdi_file(export):
    from openpmo.core.levelling.mspdi import MspdiAssignment, MspdiResource, add_resources

    # "Design" (task 2) runs 8-12 April 2024; 40 h of Dev Team on it: 40 / 176 = 0.23 FTE.
    data = add_resources(
        small_project(),
        [MspdiResource(1, "Dev Team")],
        [MspdiAssignment(1, task_uid=2, resource_uid=1, units=1.0, work_minutes=40 * 60)],
    )
    (export / "mspdi" / "Second.xml").write_bytes(data)
    (export / "Assignments.csv").write_text(
        "\n".join(line for line in ASSIGNMENTS.splitlines() if ",t9," not in line) + "\n",
        encoding="utf-8",
    )
    _run(export, "--commit")
    assert _demand("ETP-PO-002") == {("Developer", APRIL): (Decimal("0.23"), "project_online")}
    # ETP-PO-001 has rows in the Assignments export: its MSPDI file's work is not added to them.
    assert _demand("ETP-PO-001")[("Developer", APRIL)][0] == Decimal("0.64")
