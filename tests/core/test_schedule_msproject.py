"""The engine against Microsoft Project: the same inputs must give the dates Project computed.

The files are in the shared data folder (``schedules/``, see its README). For the MPSPLIB files
Project's values are in ``*.expected.csv``; for the MPXJ feature files they are the EarlyStart /
EarlyFinish / LateStart / LateFinish / TotalSlack / FreeSlack / Critical stored in the XML itself.
Every task, every field, compared exactly (dates to the minute, slack to the minute). Where a file
shows behaviour the engine does not model, a strict xfail names the gap and checks that it is
still there; the rest of that file is still compared exactly.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from tests.shared_data import shared_file

from openpmo.core.schedule import Network, Project, read_mspdi, schedule_project

SCHEDULES = shared_file("schedules")

FIELDS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_slack_minutes",
    "free_slack_minutes",
    "critical",
)
EXPECTED_CSV = sorted(SCHEDULES.glob("*.expected.csv"))
FEATURE_FILES = sorted(SCHEDULES.glob("mpxj_*.xml"))


def _differences(
    project: Project, expected: dict[int, dict[str, object]], *, every_task: bool = True
) -> list[str]:
    result = schedule_project(project)
    computed = result.by_uid()
    if every_task:
        assert set(computed) == set(expected), "every task in the file is compared"
    found = []
    for uid, want in expected.items():
        got = computed[uid]
        for field, value in want.items():
            if getattr(got, field) != value:
                found.append(f"task {uid} {field}: Project {value}, engine {getattr(got, field)}")
    return found


def _csv_expectations(path: Path, minutes_per_day: int) -> dict[int, dict[str, object]]:
    expected: dict[int, dict[str, object]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected[int(row["uid"])] = {
                "early_start": datetime.fromisoformat(row["early_start"]),
                "early_finish": datetime.fromisoformat(row["early_finish"]),
                "late_start": datetime.fromisoformat(row["late_start"]),
                "late_finish": datetime.fromisoformat(row["late_finish"]),
                "total_slack_minutes": round(float(row["total_slack_days"]) * minutes_per_day),
                "free_slack_minutes": round(float(row["free_slack_days"]) * minutes_per_day),
                "critical": row["critical"] == "True",
            }
    return expected


def _stored_expectations(project: Project) -> dict[int, dict[str, object]]:
    return {
        uid: {field: getattr(stored, field) for field in FIELDS}
        for uid, stored in project.stored.items()
    }


def test_every_shared_file_is_covered():
    # Given the shared folder, the comparisons below cover all its MSPDI files.
    assert len(EXPECTED_CSV) == 5
    covered = {*EXACT, "mpxj_mspdiduration.xml", "mpxj_mspdisplittask.xml", "mpxj_sample.xml"}
    assert {p.name for p in FEATURE_FILES} == covered
    for csv_path in EXPECTED_CSV:
        assert csv_path.with_name(csv_path.name.replace(".expected.csv", ".mspdi.xml")).exists()


@pytest.mark.parametrize("csv_path", EXPECTED_CSV, ids=lambda p: p.name.split(".")[0])
def test_mpsplib_files_reproduce_project_dates_and_slack(csv_path: Path):
    # Given a schedule Microsoft Project computed (up to 2,441 tasks, FS links, release lags),
    project = read_mspdi(csv_path.with_name(csv_path.name.replace(".expected.csv", ".mspdi.xml")))
    expected = _csv_expectations(csv_path, project.minutes_per_day)
    # when our engine schedules the same tasks and links,
    differences = _differences(project, expected)
    # then every task's early/late dates, total and free slack and critical flag are Project's.
    assert differences == []


def test_the_largest_file_has_2441_tasks_and_a_critical_path():
    project = read_mspdi(SCHEDULES / "MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml")
    result = schedule_project(project)
    assert len(result.tasks) == 2441
    assert result.project_finish == datetime(2026, 4, 13, 19, 0)
    path = result.critical_path
    assert path and all(result.task(uid).total_slack_minutes <= 0 for uid in path)


# Files compared in full against the values Project stored in them.
EXACT = [
    "mpxj_task-links-project2003-mspdi.xml",  # FS 0/1d/2d/1w/2w, SF, SS, FF with lags
    "mpxj_task-links-project2007-mspdi.xml",
    "mpxj_task-links-project2019-mspdi.xml",  # the same links, manually scheduled tasks
    "mpxj_mspdirelations.xml",  # an SF finish at 08:00 of the next working day
    "mpxj_task-durations-project2007-mspdi.xml",
]


@pytest.mark.parametrize("name", EXACT)
def test_feature_files_reproduce_the_dates_project_stored(name: str):
    project = read_mspdi(SCHEDULES / name)
    assert _differences(project, _stored_expectations(project)) == []


def test_manual_tasks_keep_their_dates_even_where_links_would_move_them():
    # Given the 2019 file, whose tasks are manually scheduled,
    project = read_mspdi(SCHEDULES / "mpxj_task-links-project2019-mspdi.xml")
    assert sum(task.manual for task in project.network.tasks) == 16
    result = schedule_project(project)
    # each manual task starts and finishes exactly where the file put it.
    for task in project.network.tasks:
        if task.manual:
            assert result.task(task.uid).early_start == task.start
            assert result.task(task.uid).early_finish == task.finish


# mpxj_mspdiduration.xml: durations in minutes .. months, working and elapsed.
STALE_DURATION_TASKS = {1, 2, 3, 4}


def test_durations_in_every_unit_including_elapsed_time():
    project = read_mspdi(SCHEDULES / "mpxj_mspdiduration.xml")
    expected = _stored_expectations(project)
    for uid in STALE_DURATION_TASKS:
        for field in ("late_start", "late_finish", "total_slack_minutes", "free_slack_minutes"):
            del expected[uid][field]
    # elapsed tasks 6-10 end at wall-clock times (a 30-day elapsed month ends at 08:00) and
    # their slack is calendar time; all of it must match, as must the project finish.
    assert _differences(project, expected) == []


@pytest.mark.xfail(
    strict=True,
    reason="known gap: in mpxj_mspdiduration.xml Project stored late finish 2009-04-21 17:00 "
    "for tasks 1-4 (no links) although the project finishes 2009-04-24 08:00 and task 5 "
    "(also unlinked) has late finish 2009-04-23 17:00; the engine gives all unlinked tasks the "
    "project finish, so these four differ by two days of slack",
)
def test_durations_file_late_dates_of_tasks_1_to_4():
    project = read_mspdi(SCHEDULES / "mpxj_mspdiduration.xml")
    expected = {uid: _stored_expectations(project)[uid] for uid in STALE_DURATION_TASKS}
    assert _differences(project, expected, every_task=False) == []


@pytest.mark.xfail(
    strict=True,
    reason="known gap: split tasks (mpxj_mspdisplittask.xml) - the engine schedules each task "
    "as one unbroken piece, so a split task finishes earlier than Project shows",
)
def test_split_tasks():
    project = read_mspdi(SCHEDULES / "mpxj_mspdisplittask.xml")
    assert _differences(project, _stored_expectations(project)) == []


@pytest.mark.xfail(
    strict=True,
    reason="known gap: resource calendars - in mpxj_sample.xml 'Second Task' (UID 2) is "
    "scheduled by Project on its resources' calendars (one on a night shift), so it spans 50 "
    "working days for a duration of 100 and drives the project finish; the engine uses the "
    "project calendar only",
)
def test_sample_file_as_it_stands():
    project = read_mspdi(SCHEDULES / "mpxj_sample.xml")
    assert _differences(project, _stored_expectations(project)) == []


def test_sample_file_with_the_resource_driven_task_given_projects_span():
    # Given mpxj_sample.xml with the one resource-calendar task (UID 2) given the working span
    # Project scheduled for it (Jan 7 08:00 to Mar 18 08:00 = 50 days), everything else -
    # a -1d lead, SS/FF/SF links, start-no-earlier-than constraints (one on a Saturday, one
    # before the project start), a recurring task, a milestone, nested summaries - must match.
    project = read_mspdi(SCHEDULES / "mpxj_sample.xml")
    span = project.calendar.working_minutes_between(
        project.stored[2].start,  # type: ignore[arg-type]
        project.stored[2].finish,  # type: ignore[arg-type]
    )
    assert span == 50 * 480
    tasks = tuple(
        replace(task, duration_minutes=span) if task.uid == 2 else task
        for task in project.network.tasks
    )
    adjusted = replace(project, network=Network(tasks, project.network.links))
    expected = _stored_expectations(project)
    # Project shows that finish as 08:00 next morning (the night shift's end); the engine shows
    # the same working instant as 17:00 the day before, so those displayed finishes are left out.
    for uid, fields in {
        0: ("early_finish", "late_finish"),
        1: ("early_finish", "late_finish"),
        2: ("early_finish", "late_finish"),
        3: ("late_start", "late_finish"),
    }.items():
        for field in fields:
            assert (
                project.calendar.working_minutes_between(
                    getattr(project.stored[uid], field), datetime(2003, 3, 17, 17, 0)
                )
                == 0
            )
            del expected[uid][field]
    assert _differences(adjusted, expected) == []
