"""Reading MSPDI from its bytes (``_mspdi_scan``) gives exactly what reading it through lxml's tree
gives: on every shared Microsoft Project file, and on files written in every odd way the scan
must either read the same or hand back to the tree (comments, attributes, references, fields
nested in other elements, values the plain path does not take). Hostile files stay refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.shared_data import shared_file, shared_files

from openpmo.core.errors import ParseError
from openpmo.core.schedule import Link, Project, Task, read_mspdi
from openpmo.core.schedule._mspdi import _read_tree
from openpmo.core.schedule._mspdi_scan import scan

FILES = shared_files("schedules", "*.xml")
NS = "http://schemas.microsoft.com/project"
CAFE = "caf\xe9"
HEADER = (
    "<Name>plan.xml</Name><Title>Plan</Title><StartDate>2026-01-05T08:00:00</StartDate>"
    "<CriticalSlackLimit>0</CriticalSlackLimit><CalendarUID>1</CalendarUID>"
    "<MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek>"
    "<DaysPerMonth>20</DaysPerMonth>"
    "<Calendars><Calendar><UID>1</UID><Name>Standard</Name></Calendar></Calendars>"
)


def _file(tasks: str, header: str = HEADER, after: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Project xmlns="{NS}">'
        f"{header}<Tasks>{tasks}</Tasks>{after}</Project>"
    ).encode()


def _task(uid: int, extra: str = "", name: str = "T") -> str:
    return f"<Task><UID>{uid}</UID><Name>{name}</Name><Duration>PT8H0M0S</Duration>{extra}</Task>"


def _assert_same(first: Project, second: Project) -> None:
    assert first == second  # name, start, calendar, days, every task and link
    assert first.calendar.exceptions == second.calendar.exceptions
    assert dict(first.stored) == dict(second.stored)
    assert [t.parent for t in first.network.tasks] == [t.parent for t in second.network.tasks]


def _outcome(read, data: bytes) -> Project | str:
    try:
        return read(data)
    except ParseError as error:
        return f"ParseError: {error}"


def _reads_alike(data: bytes) -> Project | str:
    """What read_mspdi gives, checked to be what lxml's tree gives (a project, or an error)."""
    now, tree = _outcome(read_mspdi, data), _outcome(_read_tree, data)
    if isinstance(tree, str):
        assert now == tree
    else:
        assert isinstance(now, Project), now
        _assert_same(now, tree)
    return now


def test_there_are_files_to_compare():
    assert len(FILES) == 13


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shared_file_reads_the_same_from_its_bytes_as_through_the_tree(path: Path):
    data = path.read_bytes()
    _assert_same(read_mspdi(data), _read_tree(data))


def test_the_files_project_writes_are_read_from_their_bytes():
    # The scan is not a path nobody takes: every shared file but the one with CDATA notes is
    # plain enough for it (mpxj_sample.xml holds <![CDATA[...]]> and goes through the tree).
    plain = [path.name for path in FILES if scan(path.read_bytes()) is not None]
    assert sorted(set(p.name for p in FILES) - set(plain)) == ["mpxj_sample.xml"]


def test_tasks_and_links_made_at_once_are_those_the_constructors_make_and_accept():
    # Plain tasks and links are made without their (validating) constructors: each must be
    # what the constructor makes from the same values, and pass its checks.
    project = read_mspdi(shared_file("schedules/MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml"))
    assert len(project.network.tasks) == 2441
    for task in project.network.tasks:
        assert Task(**vars(task)) == task
    for link in project.network.links:
        assert Link(**vars(link)) == link


@pytest.mark.parametrize(
    "tasks",
    [
        # references and text beyond ASCII in names
        _task(1, name="R&amp;D &lt;phase&gt; &#233;t&#xE9; &quot;A&quot; &apos;B&apos;")
        + _task(2, name="Études — €"),
        # empty, self-closed and blank fields
        "<Task><UID>1</UID><Name/><Duration></Duration><OutlineLevel> </OutlineLevel></Task>",
        # the first of a name wins, as lxml's reader takes it
        "<Task><UID>1</UID><UID>2</UID><Name>first</Name><Name>second</Name></Task>",
        # fields of the same names inside other elements of a task are not the task's
        "<Task><UID>1</UID><Baseline><Number>0</Number><Duration>PT80H0M0S</Duration>"
        "<Start>2026-02-01T08:00:00</Start></Baseline><ExtendedAttribute><FieldID>1</FieldID>"
        "<DurationFormat>12</DurationFormat></ExtendedAttribute><Duration>PT16H0M0S</Duration>"
        "<TimephasedData><Type>1</Type><UID>9</UID></TimephasedData></Task>",
        # any child of <Tasks> is a task, whatever its name; a null task is skipped
        _task(1) + "<Job><UID>2</UID><Name>other</Name></Job>"
        "<Task><UID>3</UID><IsNull>1</IsNull></Task>",
        # outline: summaries, levels, manual, milestone, constraint, elapsed duration
        "<Task><UID>1</UID><Summary>1</Summary><OutlineLevel>1</OutlineLevel><Manual>1</Manual>"
        "</Task><Task><UID>2</UID><OutlineLevel>2</OutlineLevel><Manual>1</Manual>"
        "<Start>2026-01-06T08:00:00</Start><Finish>2026-01-07T17:00:00</Finish></Task>"
        "<Task><UID>3</UID><OutlineLevel>2</OutlineLevel><Milestone>1</Milestone>"
        "<ConstraintType>4</ConstraintType><ConstraintDate>2026-01-12T08:00:00</ConstraintDate>"
        "</Task><Task><UID>4</UID><OutlineLevel>1</OutlineLevel><DurationFormat>6</DurationFormat>"
        "<Duration>P1DT2H30M0S</Duration></Task>",
        # links: plain, lagged, percent, elapsed, a field twice, and nested fields ignored
        _task(1)
        + _task(
            2,
            "<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>3</Type></PredecessorLink>"
            "<PredecessorLink><PredecessorUID>1</PredecessorUID><LinkLag>4800</LinkLag>"
            "<LagFormat>8</LagFormat></PredecessorLink>"
            "<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>0</Type><Type>2</Type>"
            "<LinkLag>500</LinkLag><LagFormat>19</LagFormat></PredecessorLink>",
        ),
        # stored dates and slack, as Project writes them
        "<Task><UID>1</UID><Start>2026-01-05T08:00:00</Start><Finish>2026-01-05T17:00:00</Finish>"
        "<EarlyStart>2026-01-05T08:00:00</EarlyStart><LateFinish>2026-01-09T17:00:00"
        "</LateFinish><TotalSlack>19200</TotalSlack><FreeSlack>0</FreeSlack>"
        "<Critical>1</Critical></Task>",
        # handed back to the tree: a comment, an attribute, a processing instruction, CDATA,
        # a space in a tag, a ">" in a name
        _task(1, "<!-- a note -->"),
        '<Task><UID a="1">1</UID></Task>',
        _task(1, "<?page 2?>"),
        _task(1, "<Notes><![CDATA[<b>bold</b>]]></Notes>"),
        "<Task><UID >1</UID><Name>spaced</Name ></Task>",
        _task(1, name="A &gt; B > C"),
        # errors are the ones lxml's tree finds, in the same order
        "<Task><Name>no uid</Name></Task>",
        _task(1) + _task(1),
        _task(1, "<Duration>three days</Duration>"),
        "<Task><UID>1</UID><Duration>P3X</Duration></Task><Task><Name>no uid</Name></Task>",
        _task(1, "<PredecessorLink><PredecessorUID>9</PredecessorUID></PredecessorLink>"),
        _task(1, "<PredecessorLink/>"),
        _task(
            1,
            "<PredecessorLink><PredecessorUID>1</PredecessorUID><LinkLag>1e400</LinkLag>"
            "</PredecessorLink>",
        ),
        _task(1, "<EarlyStart>yesterday</EarlyStart>"),
        _task(1, "<ConstraintType>42</ConstraintType>"),
        "",
    ],
)
def test_odd_files_read_the_same_from_their_bytes_as_through_the_tree(tasks: str):
    _reads_alike(_file(tasks))


@pytest.mark.parametrize(
    "data",
    [
        # the project's fields after the tasks (the scan then looks at the whole file)
        _file(
            _task(1),
            header="<StartDate>2026-01-05T08:00:00</StartDate>",
            after="<Title>late title</Title><MinutesPerDay>420</MinutesPerDay>",
        ),
        # calendars after the tasks
        _file(
            _task(1),
            header="<StartDate>2026-01-05T08:00:00</StartDate><CalendarUID>2</CalendarUID>",
            after="<Calendars><Calendar><UID>2</UID><Name>Late</Name></Calendar></Calendars>",
        ),
        # a second <Tasks> (only the first is read), and none at all, and an empty one
        _file(_task(1), after="<Tasks>" + _task(2) + "</Tasks>"),
        f'<Project xmlns="{NS}">{HEADER}</Project>'.encode(),
        f'<Project xmlns="{NS}">{HEADER}<Tasks/></Project>'.encode(),
        # no XML declaration; another encoding; a byte-order mark; Windows line ends
        f'<Project xmlns="{NS}">{HEADER}<Tasks>{_task(1)}</Tasks></Project>'.encode(),
        f'<?xml version="1.0" encoding="ISO-8859-1"?><Project xmlns="{NS}">{HEADER}'
        f"<Tasks>{_task(1, name=CAFE)}</Tasks></Project>".encode("latin-1"),
        b"\xef\xbb\xbf" + _file(_task(1)),
        _file(_task(1, name="two\r\nlines")),
        # the namespace given with a prefix, and a root with another attribute
        f'<p:Project xmlns:p="{NS}"><p:StartDate>2026-01-05T08:00:00</p:StartDate><p:Tasks>'
        "<p:Task><p:UID>1</p:UID></p:Task></p:Tasks></p:Project>".encode(),
        f'<Project xmlns="{NS}" version="1">{HEADER}<Tasks>{_task(1)}</Tasks></Project>'.encode(),
        # an undeclared prefix: lxml's tree refuses it, so must the scan
        _file(_task(1, "<x:Note>hi</x:Note>")),
    ],
)
def test_files_laid_out_otherwise_read_the_same_from_their_bytes_as_through_the_tree(data):
    _reads_alike(data)


def test_hostile_files_are_refused_before_the_scan_reads_anything():
    # Entities are declared in a DTD, which the scan never passes (nor does the tree reader).
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
        f'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Project xmlns="{NS}">{HEADER}'
        f"<Tasks>{_task(1, name='&b;')}</Tasks></Project>"
    ).encode()
    assert scan(bomb) is None
    with pytest.raises(ParseError, match="DTD|entit"):
        read_mspdi(bomb)


def test_a_text_longer_than_libxml2_allows_is_refused_as_before():
    # libxml2 refuses a text node over 10,000,000 characters unless huge_tree is set; the scan
    # does not read one either, so the file is refused, as it always was.
    data = _file(_task(1, name="x" * 10_000_001))
    assert scan(data) is None
    with pytest.raises(ParseError, match="not well-formed"):
        read_mspdi(data)


def test_nesting_deeper_than_libxml2_allows_is_refused_as_before():
    data = _file(_task(1, "<Baseline>" * 300 + "</Baseline>" * 300))
    assert scan(data) is None
    with pytest.raises(ParseError, match="not well-formed"):
        read_mspdi(data)


def test_a_file_over_the_size_limit_is_refused_before_anything_reads_it(monkeypatch):
    # The limit is 256 MB; lowered here so that the test need not build such a file.
    from openpmo.core.schedule import _mspdi

    def never(data: bytes) -> None:
        raise AssertionError("the scan was reached")

    monkeypatch.setattr(_mspdi, "MAX_BYTES", 1024)
    monkeypatch.setattr(_mspdi, "scan", never)
    data = _file("".join(_task(uid) for uid in range(1, 40)))
    assert len(data) > 1024
    with pytest.raises(ParseError, match="larger than"):
        read_mspdi(data)
