"""A Project Online export (OData feeds saved as CSV, an MSPDI file per project and a mapping
file) becomes work packages with owners, dates, budgets and schedules; what cannot be mapped is
reported; resource demand is kept with the import."""

from __future__ import annotations

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
    "ResourceId,ResourceName,ResourceEmailAddress\n"
    "r1,Priya Shah,priya.shah@council.gov.uk\nr2,Dev Team,\n"
)
ASSIGNMENTS = (
    "ProjectId,TaskId,ResourceId,AssignmentWork,AssignmentStartDate,AssignmentFinishDate\n"
    "3f2a9c1e-0000-4000-8000-000000000001,t1,r2,120,2024-04-08T08:00:00,2024-05-01T17:00:00\n"
    "3f2a9c1e-0000-4000-8000-000000000001,t2,r2,80,2024-05-02T08:00:00,2024-06-01T17:00:00\n"
)
TASKS = (
    "ProjectId,ProjectName,TaskId,TaskName\n3f2a9c1e-0000-4000-8000-000000000002,Second,t9,Plan\n"
)


@pytest.fixture
def export(tmp_path, role_user):
    ProgrammeFactory(short_name="ETP")
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


def _run(folder, *extra: str) -> str:
    out = io.StringIO()
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
    assert batch.summary["resource_demand"][0]["hours"] == "200"
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
