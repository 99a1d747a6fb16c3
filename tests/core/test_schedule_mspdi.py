"""Microsoft Project XML in and out: hostile and malformed files refused, round trips lossless."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.shared_data import shared_file

from openpmo.core.errors import ParseError
from openpmo.core.schedule import (
    Calendar,
    CalendarException,
    ConstraintType,
    Link,
    LinkType,
    Network,
    Project,
    Task,
    WorkingInterval,
    read_mspdi,
    schedule_project,
    write_mspdi,
)

SCHEDULES = shared_file("schedules")
NS = "http://schemas.microsoft.com/project"


def _minimal(tasks: str) -> bytes:
    return (
        f'<?xml version="1.0"?><Project xmlns="{NS}"><StartDate>2026-01-05T08:00:00</StartDate>'
        f"<Tasks>{tasks}</Tasks></Project>"
    ).encode()


def _read_within(data: bytes, seconds: float = 5.0) -> BaseException | None:
    """Read in a thread; fail the test if it does not come back (an expansion would hang)."""
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            read_mspdi(data)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "reading the file did not finish: entities were expanded"
    return outcome[0]


def test_billion_laughs_is_refused_quickly():
    # Given the classic entity-expansion bomb wrapped as a Project file,
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Project [{entities}]>'
        f'<Project xmlns="{NS}"><Name>&lol9;</Name></Project>'
    ).encode()
    # when it is read, it is refused (a ParseError) without expanding anything.
    error = _read_within(data)
    assert isinstance(error, ParseError)
    assert "DTD" in str(error) or "entit" in str(error).lower()


def test_external_entity_cannot_read_a_local_file(tmp_path: Path):
    # Given a file whose entity points at a local secret,
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<Project xmlns="{NS}"><StartDate>2026-01-05T08:00:00</StartDate>'
        f"<Title>&x;</Title></Project>"
    ).encode()
    # then reading is refused and nothing of the secret comes back in the message.
    error = _read_within(data)
    assert isinstance(error, ParseError)
    assert "TOP-SECRET" not in str(error)


def test_external_dtd_is_refused():
    data = (
        f'<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://127.0.0.1:9/evil.dtd">'
        f'<Project xmlns="{NS}"/>'
    ).encode()
    assert isinstance(_read_within(data), ParseError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Project", "not well-formed"),
        (b"", "not well-formed"),
        (f'<Workbook xmlns="{NS}"/>'.encode(), "root element is <Workbook>"),
        (b"<Project/>", "not in the MSPDI namespace"),  # right name, no MSPDI namespace
        (f'<Project xmlns="{NS}"/>'.encode(), "no StartDate"),
    ],
)
def test_malformed_or_foreign_files_are_refused(data: bytes, message: str):
    with pytest.raises(ParseError, match=message):
        read_mspdi(data)


def test_a_task_without_uid_is_refused_naming_it():
    data = _minimal("<Task><UID>1</UID><Name>A</Name></Task><Task><Name>Survey</Name></Task>")
    with pytest.raises(ParseError, match=r"task #2: task \('Survey'\) has no UID"):
        read_mspdi(data)


def test_a_link_to_an_unknown_task_is_refused():
    data = _minimal(
        "<Task><UID>1</UID><Name>A</Name><PredecessorLink><PredecessorUID>99</PredecessorUID>"
        "<Type>1</Type></PredecessorLink></Task>"
    )
    with pytest.raises(ParseError, match=r"task 1 predecessor link: .*UID 99"):
        read_mspdi(data)


def test_duplicate_uids_and_bad_values_are_refused():
    with pytest.raises(ParseError, match="task 1: two tasks share this UID"):
        read_mspdi(_minimal("<Task><UID>1</UID></Task><Task><UID>1</UID></Task>"))
    with pytest.raises(ParseError, match="task 1: Duration is not an ISO 8601 duration"):
        read_mspdi(_minimal("<Task><UID>1</UID><Duration>3 days</Duration></Task>"))
    with pytest.raises(ParseError, match="task 1 predecessor link: unknown link Type 7"):
        read_mspdi(
            _minimal(
                "<Task><UID>0</UID></Task><Task><UID>1</UID><PredecessorLink><PredecessorUID>0"
                "</PredecessorUID><Type>7</Type></PredecessorLink></Task>"
            )
        )


def _same_schedule(first: Project, second: Project) -> None:
    one, two = schedule_project(first), schedule_project(second)
    assert one.project_finish == two.project_finish
    for a, b in zip(one.tasks, two.tasks, strict=True):
        assert a == b


@pytest.mark.parametrize(
    "name",
    [
        "MPSPLIBtoMPP_2_mp_j30_a10_nr2.mspdi.xml",
        "mpxj_task-links-project2003-mspdi.xml",
        "mpxj_task-links-project2019-mspdi.xml",
        "mpxj_mspdirelations.xml",
        "mpxj_sample.xml",
        "mpxj_mspdiduration.xml",
    ],
)
def test_round_trip_keeps_tasks_links_calendar_and_dates(name: str):
    # Given a file Project saved, imported,
    original = read_mspdi(SCHEDULES / name)
    # when it is exported and imported again,
    exported = write_mspdi(original)
    again = read_mspdi(exported)
    # then tasks, links and calendar are the same, and so is every computed date,
    assert again.network == original.network
    assert again.calendar.week == original.calendar.week
    assert again.start == original.start
    _same_schedule(original, again)
    # and the dates written into the file are the engine's, read back unchanged.
    computed = schedule_project(original).by_uid()
    for uid, stored in again.stored.items():
        assert stored.early_start == computed[uid].early_start
        assert stored.late_finish == computed[uid].late_finish
        assert stored.total_slack_minutes == computed[uid].total_slack_minutes


def test_round_trip_of_a_network_built_in_code():
    # Given constraints, every link type, a percentage lag, a lead and a bank holiday,
    calendar = Calendar.standard(
        hours=((time(9), time(13)), (time(14), time(17, 30))),
        exceptions=(CalendarException(datetime(2026, 5, 4).date(), datetime(2026, 5, 4).date()),),
        name="Council",
    )
    start = datetime(2026, 4, 27, 9, 0)
    tasks = (
        Task(0, "Programme", summary=True),
        Task(1, "Discovery", 5 * 450, parent=0),
        Task(
            2,
            "Alpha",
            10 * 450,
            parent=0,
            constraint=ConstraintType.START_NO_EARLIER_THAN,
            constraint_date=datetime(2026, 5, 11, 9, 0),
        ),
        Task(3, "Beta", 7 * 450, parent=0),
        Task(4, "Go live", 0, milestone=True, parent=0),
        Task(
            5,
            "Comms",
            3 * 450,
            parent=0,
            manual=True,
            start=datetime(2026, 5, 5, 9, 0),
            finish=datetime(2026, 5, 7, 17, 30),
        ),
    )
    links = (
        Link(1, 2),
        Link(2, 3, LinkType.SS, lag_percent=50.0),
        Link(3, 4, LinkType.FF, lag_minutes=-450),
        Link(1, 5, LinkType.SF),
    )
    project = Project("Council plan", start, calendar, Network(tasks, links), minutes_per_day=450)
    again = read_mspdi(write_mspdi(project))
    assert again.network == project.network
    assert again.calendar.exceptions == calendar.exceptions
    assert again.minutes_per_day == 450
    _same_schedule(project, again)


def test_export_is_mspdi_in_the_project_namespace_with_schema_order():
    project = read_mspdi(SCHEDULES / "mpxj_mspdirelations.xml")
    text = write_mspdi(project).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"')
    assert f'<Project xmlns="{NS}">' in text
    first = text.index("<UID>1</UID>", text.index("<Tasks>"))
    task = text[first : text.index("</Task>", first)]
    order = [
        "<UID>",
        "<ID>",
        "<Name>",
        "<Start>",
        "<Duration>",
        "<EarlyStart>",
        "<TotalSlack>",
        "<ConstraintType>",
    ]
    positions = [task.index(tag) for tag in order]
    assert positions == sorted(positions)
    assert text.index("<Calendars>") < text.index("<Tasks>")


@st.composite
def projects(draw: st.DrawFn) -> Project:
    n = draw(st.integers(1, 15))
    names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
    tasks = [Task(0, "Programme", summary=True)]
    for uid in range(1, n + 1):
        manual = draw(st.booleans()) and uid % 3 == 0
        constraint = draw(st.sampled_from(list(ConstraintType)))
        day = datetime(2026, 3, 2, 9, 0) + timedelta(days=draw(st.integers(0, 20)))
        tasks.append(
            Task(
                uid,
                draw(names).strip(),
                draw(st.integers(0, 10)) * 240,
                parent=0,
                manual=manual,
                start=day if manual else None,
                finish=day + timedelta(hours=4) if manual else None,
                constraint=constraint,
                constraint_date=None if constraint in (0, 1) else day,
            )
        )
    links = []
    for successor in range(2, n + 1):
        for predecessor in draw(st.sets(st.integers(1, successor - 1), max_size=2)):
            percent = draw(st.booleans())
            links.append(
                Link(
                    predecessor,
                    successor,
                    draw(st.sampled_from(list(LinkType))),
                    lag_minutes=0 if percent else draw(st.integers(-480, 960)),
                    lag_percent=float(draw(st.integers(0, 100))) if percent else None,
                )
            )
    return Project(
        "Random",
        datetime(2026, 3, 2, 9, 0),
        Calendar.standard(),
        Network(tuple(tasks), tuple(links)),
    )


@settings(max_examples=40, deadline=None)
@given(projects())
def test_any_network_survives_export_and_import(project: Project):
    again = read_mspdi(write_mspdi(project))
    assert again.network == project.network
    _same_schedule(project, again)


def test_calendars_read_exceptions_in_both_forms_and_inherit_from_their_base():
    # Given a base calendar with a DayType-0 holiday, and the project's calendar derived from it
    # with a Project 2007-style <Exceptions> entry and a Saturday worked until midnight,
    data = f"""<?xml version="1.0"?><Project xmlns="{NS}">
      <StartDate>2026-05-01T08:00:00</StartDate><CalendarUID>2</CalendarUID>
      <Calendars>
        <Calendar><UID>1</UID><Name>Base</Name><IsBaseCalendar>1</IsBaseCalendar>
          <BaseCalendarUID>-1</BaseCalendarUID><WeekDays>
            <WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
            <WeekDay><DayType>0</DayType><DayWorking>0</DayWorking>
              <TimePeriod><FromDate>2026-05-04T00:00:00</FromDate>
              <ToDate>2026-05-04T23:59:00</ToDate></TimePeriod></WeekDay>
          </WeekDays></Calendar>
        <Calendar><UID>2</UID><Name>Team</Name><IsBaseCalendar>0</IsBaseCalendar>
          <BaseCalendarUID>1</BaseCalendarUID><WeekDays>
            <WeekDay><DayType>7</DayType><DayWorking>1</DayWorking><WorkingTimes>
              <WorkingTime><FromTime>18:00:00</FromTime><ToTime>00:00:00</ToTime></WorkingTime>
            </WorkingTimes></WeekDay></WeekDays>
          <Exceptions><Exception><TimePeriod><FromDate>2026-05-25T00:00:00</FromDate>
            <ToDate>2026-05-25T23:59:00</ToDate></TimePeriod><Name>Spring bank holiday</Name>
            <DayWorking>0</DayWorking></Exception></Exceptions></Calendar>
      </Calendars><Tasks><Task><UID>1</UID><Name>A</Name><Duration>PT8H0M0S</Duration></Task>
      </Tasks></Project>""".encode()
    calendar = read_mspdi(data).calendar
    assert calendar.name == "Team"
    # the base's holiday and the derived calendar's own are both days off,
    assert not calendar.is_working_day(datetime(2026, 5, 4).date())
    assert not calendar.is_working_day(datetime(2026, 5, 25).date())
    assert [e.name for e in calendar.exceptions] == ["", "Spring bank holiday"]
    # weekdays the derived calendar leaves out come from the base (here Project's default),
    assert calendar.week[0] == Calendar.standard().week[0]
    # and Saturday runs 18:00 to midnight.
    assert calendar.week[5] == (WorkingInterval(18 * 60, 24 * 60),)


@pytest.mark.parametrize("lag", ["1e400", "1e20", "99999999999999999999999", "-1e30"])
def test_a_lag_beyond_any_schedule_is_refused_naming_the_field(lag):
    # Given a link whose lag would overflow the engine's columns
    data = _minimal(
        "<Task><UID>1</UID><Duration>PT8H0M0S</Duration></Task>"
        "<Task><UID>2</UID><Duration>PT8H0M0S</Duration><PredecessorLink>"
        f"<PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>{lag}</LinkLag>"
        "<LagFormat>7</LagFormat></PredecessorLink></Task>"
    )
    # Then reading it is a ParseError that names the field, not an overflow
    with pytest.raises(ParseError, match="LinkLag"):
        read_mspdi(data)


def test_reading_leaves_the_garbage_collector_as_it_found_it():
    # The reader holds the cyclic collector while it reads; afterwards, file read or refused,
    # it is on again if it was on, and still off if the caller had turned it off.
    import gc

    from openpmo.core.schedule import read_mspdi

    good = (
        b'<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2026-01-05T08:00:00'
        b"</StartDate><Tasks><Task><UID>1</UID><Duration>PT8H0M0S</Duration></Task></Tasks>"
        b"</Project>"
    )
    assert gc.isenabled()
    assert [task.uid for task in read_mspdi(good).network.tasks] == [1]
    assert gc.isenabled()
    with pytest.raises(ParseError):
        read_mspdi(b"<Project")
    assert gc.isenabled()
    gc.disable()
    try:
        read_mspdi(good)
        assert not gc.isenabled()
    finally:
        gc.enable()
