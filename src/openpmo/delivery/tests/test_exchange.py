"""Microsoft Project XML in and out: all or nothing, hostile files refused, lossless round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from tests.shared_data import shared_file

from openpmo.audit.models import AuditRecord
from openpmo.core.schedule import (
    Calendar,
    ConstraintType,
    Link,
    LinkType,
    Network,
    Project,
    Task,
    read_mspdi,
    write_mspdi,
)
from openpmo.delivery import selectors, services
from openpmo.delivery.models import Interdependency, ScheduleLink, ScheduleTask
from openpmo.delivery.tests.factories import chain

SHARED = shared_file("schedules")
NS = "http://schemas.microsoft.com/project"


def small_project() -> bytes:
    """A file as Microsoft Project would save it: a summary, tasks, a milestone, four link kinds,
    a lag and a lead, a constraint and a manually scheduled task (8-hour days)."""
    start = dt.datetime(2024, 4, 8, 8, 0)
    tasks = (
        Task(uid=0, name="Project summary", summary=True),
        Task(uid=1, name="Phase 1", summary=True, parent=0),
        Task(uid=2, name="Design", duration_minutes=5 * 480, parent=1),
        Task(uid=3, name="Build", duration_minutes=10 * 480, parent=1),
        Task(uid=4, name="Full Business Case approval", milestone=True, parent=1),
        Task(
            uid=5,
            name="Test",
            duration_minutes=4 * 480,
            constraint=ConstraintType.START_NO_EARLIER_THAN,
            constraint_date=dt.datetime(2024, 6, 3, 8, 0),
            parent=0,
        ),
        Task(uid=6, name="Train", duration_minutes=3 * 480, parent=0),
        Task(
            uid=7,
            name="Board workshop",
            duration_minutes=480,
            manual=True,
            start=dt.datetime(2024, 5, 1, 8, 0),
            finish=dt.datetime(2024, 5, 1, 17, 0),
            parent=0,
        ),
    )
    links = (
        Link(2, 3, LinkType.FS, lag_minutes=2 * 480),
        Link(3, 4, LinkType.FS),
        Link(4, 5, LinkType.SS),
        Link(5, 6, LinkType.FF, lag_minutes=-480),
        Link(2, 6, LinkType.SF),
    )
    project = Project(
        name="Imported plan",
        start=start,
        calendar=Calendar.standard(),
        network=Network(tasks=tasks, links=links),
    )
    return write_mspdi(project)


def _counts():
    return (ScheduleTask.objects.count(), ScheduleLink.objects.count(), AuditRecord.objects.count())


def test_import_saves_tasks_links_and_keeps_the_files_own_calendar(pmo, programme_tree):
    # Given a Microsoft Project file with 8-hour days
    data = small_project()
    # when the PMO imports it into a work package
    schedule = services.schedule_import_mspdi(
        actor=pmo, work_package=programme_tree, data=data, file_name="plan.xml"
    )
    # then its tasks and links are saved (the file's project summary, UID 0, is the work package)
    tasks = {t.uid: t for t in ScheduleTask.objects.filter(schedule=schedule)}
    assert sorted(tasks) == [1, 2, 3, 4, 5, 6, 7]
    assert tasks[2].parent == tasks[1] and tasks[5].parent is None
    assert (tasks[1].kind, tasks[4].kind, tasks[2].kind) == ("summary", "milestone", "task")
    # the schedule keeps the file's calendar (8-hour days): durations as the file gave them
    assert tasks[2].duration_minutes == 5 * 480
    assert schedule.uses_own_calendar and schedule.own_calendar["minutes_per_day"] == 480
    assert (tasks[5].constraint, tasks[5].constraint_date) == ("snet", dt.date(2024, 6, 3))
    assert (tasks[7].manual, tasks[7].start, tasks[7].finish) == (
        True,
        dt.date(2024, 5, 1),
        dt.date(2024, 5, 1),
    )
    kinds = {(link.predecessor.uid, link.successor.uid): link for link in schedule.links.all()}
    assert {k: v.type for k, v in kinds.items()} == {
        (2, 3): "FS",
        (3, 4): "FS",
        (4, 5): "SS",
        (5, 6): "FF",
        (2, 6): "SF",
    }
    assert kinds[(2, 3)].lag_minutes == 2 * 480 and kinds[(5, 6)].lag_minutes == -480
    assert schedule.start == dt.date(2024, 4, 8)
    # and one audit record says what came in
    record = AuditRecord.objects.get(action="schedule.imported")
    assert (record.after["tasks"], record.after["links"], record.after["file_name"]) == (
        7,
        5,
        "plan.xml",
    )
    # Dates are computed: design 5 days from Monday 8 April, then a 2-day lag before build
    rows = {row.task.uid: row for row in selectors.work_package_schedule(programme_tree).rows}
    assert rows[2].finish == dt.date(2024, 4, 12)
    assert rows[3].start == dt.date(2024, 4, 17)


def test_importing_our_export_gives_the_same_schedule(pmo, programme_tree):
    services.schedule_import_mspdi(actor=pmo, work_package=programme_tree, data=small_project())

    def state():
        view = selectors.work_package_schedule(programme_tree)
        tasks = [
            (
                row.task.uid,
                row.task.name,
                row.task.kind,
                row.task.parent.uid if row.task.parent else None,
                row.task.duration_minutes,
                row.task.manual,
                row.task.start,
                row.task.finish,
                row.task.constraint,
                row.task.constraint_date,
                row.computed.early_start,
                row.computed.early_finish,
                row.computed.late_start,
                row.computed.late_finish,
                row.computed.total_slack_minutes,
            )
            for row in view.rows
        ]
        links = sorted(
            (
                link.predecessor.uid,
                link.successor.uid,
                link.type,
                link.lag_minutes,
                link.lag_percent,
                link.lag_elapsed,
            )
            for link in view.links
        )
        return view.schedule.start, tasks, links

    first = state()
    exported = selectors.export_work_package_mspdi(programme_tree)
    # The export is a file Microsoft Project can read: MSPDI, our engine reads it back the same
    assert exported.startswith(b"<?xml") and f'xmlns="{NS}"'.encode() in exported
    project = read_mspdi(exported)
    assert project.minutes_per_day == 480  # the schedule's own calendar, kept from the file
    assert project.calendar.week[0] == project.calendar.week[4] != ()
    services.schedule_import_mspdi(actor=pmo, work_package=programme_tree, data=exported)
    assert state() == first


HOSTILE = {
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol3;</Name></Project>',
        "document type",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<Project xmlns="http://schemas.microsoft.com/project"><Name>&xxe;</Name></Project>',
        "document type",
    ),
    "malformed": (b"<Project xmlns='http://schemas.microsoft.com/project'><Tasks>", "well-formed"),
    "wrong root": (b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "root"),
    "missing UID": (
        f'<Project xmlns="{NS}"><StartDate>2024-04-08T08:00:00</StartDate><Tasks>'
        "<Task><Name>No id</Name></Task></Tasks></Project>".encode(),
        "has no UID",
    ),
    "link to an unknown task": (
        f'<Project xmlns="{NS}"><StartDate>2024-04-08T08:00:00</StartDate><Tasks>'
        "<Task><UID>1</UID><Name>A</Name><Duration>PT8H0M0S</Duration>"
        "<PredecessorLink><PredecessorUID>99</PredecessorUID><Type>1</Type></PredecessorLink>"
        "</Task></Tasks></Project>".encode(),
        "99",
    ),
    "a loop": (
        f'<Project xmlns="{NS}"><StartDate>2024-04-08T08:00:00</StartDate><Tasks>'
        "<Task><UID>1</UID><Name>A</Name><Duration>PT8H0M0S</Duration>"
        "<PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
        "<Task><UID>2</UID><Name>B</Name><Duration>PT8H0M0S</Duration>"
        "<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
        "</Tasks></Project>".encode(),
        "cycle",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_or_malformed_file_is_refused_and_the_schedule_is_kept(case, pmo, programme_tree):
    # Given a work package with a schedule already
    chain(programme_tree, 2, 3)
    before = _counts()
    data, words = HOSTILE[case]
    # when a bad file is imported, it is refused with the engine's message
    with pytest.raises(ValidationError) as error:
        services.schedule_import_mspdi(actor=pmo, work_package=programme_tree, data=data)
    message = " ".join(error.value.messages)
    assert message.startswith("The file could not be imported") or "could not be" in message
    assert words in message
    assert "root:" not in message  # no file content leaked into the message
    # and nothing changed
    assert _counts() == before
    assert [t.uid for t in ScheduleTask.objects.order_by("uid")] == [1, 2]


def test_a_refused_first_import_leaves_no_schedule_behind(pmo, programme_tree):
    from openpmo.delivery.models import WorkPackageSchedule

    with pytest.raises(ValidationError):
        services.schedule_import_mspdi(
            actor=pmo, work_package=programme_tree, data=HOSTILE["a loop"][0]
        )
    assert not WorkPackageSchedule.objects.exists()
    assert not AuditRecord.objects.exists()


def test_an_interdependency_keeps_its_milestone_across_a_reimport(pmo, two_packages):
    provider, dependent = two_packages
    services.schedule_import_mspdi(actor=pmo, work_package=provider, data=small_project())
    chain(dependent, 5)
    milestone = ScheduleTask.objects.get(schedule__work_package=provider, uid=4)
    dependency = services.interdependency_create(
        actor=pmo, from_work_package=provider, from_milestone=milestone, to_work_package=dependent
    )
    services.schedule_import_mspdi(
        actor=pmo, work_package=provider, data=selectors.export_work_package_mspdi(provider)
    )
    dependency.refresh_from_db()
    assert dependency.from_milestone.uid == 4
    assert dependency.from_milestone.schedule.work_package == provider
    assert Interdependency.objects.count() == 1


def test_a_file_microsoft_project_saved_imports(pmo, programme_tree):
    data = (SHARED / "mpxj_task-links-project2003-mspdi.xml").read_bytes()
    schedule = services.schedule_import_mspdi(actor=pmo, work_package=programme_tree, data=data)
    project = read_mspdi(data)
    expected = [t for t in project.network.tasks if not (t.uid == 0 and t.summary)]
    assert schedule.tasks.count() == len(expected)
    assert schedule.links.count() == len(project.network.links)
    assert not selectors.work_package_schedule(programme_tree).error
