"""Tasks, links and stored dates of a Microsoft Project XML file, from their fields.

Whichever way a file was read (:mod:`._mspdi` or :mod:`._mspdi_scan`), each task arrives as its
fields (``{local name: text}``, the first of a name) and the fields of its ``PredecessorLink``
elements, in file order, and is made into the engine's objects here, once.

Link types are 0 FF, 1 FS, 2 SF, 3 SS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from datetime import datetime

import numpy as np

from openpmo.core.errors import ParseError
from openpmo.core.schedule._model import ConstraintType, Link, LinkType, StoredDates, Task
from openpmo.core.schedule._mspdi_values import (
    BINARY,
    ELAPSED_FORMATS,
    PERCENT_FORMATS,
    PLAIN_HOURS,
    Fields,
    duration_minutes,
    flag,
    integer,
    moment,
    quick_flag,
    quick_integer,
    text,
)
from openpmo.core.schedule._table import NO_TIME, NetworkArrays

TASK_FIELDS = (
    "UID",
    "Name",
    "IsNull",
    "OutlineLevel",
    "Summary",
    "Manual",
    "DurationFormat",
    "ConstraintType",
    "ConstraintDate",
    "Start",
    "Finish",
    "Duration",
    "Milestone",
    "EarlyStart",
    "EarlyFinish",
    "LateStart",
    "LateFinish",
    "TotalSlack",
    "FreeSlack",
    "Critical",
)
LINK = "PredecessorLink"
LINK_FIELDS = ("PredecessorUID", "Type", "LinkLag", "LagFormat")

_LINK_TYPES = {int(kind): kind for kind in LinkType}
_PLAIN_TYPES = {str(int(kind)): kind for kind in LinkType}
_NO_LAG = {None, "0"}
_WORKING_LAG = {None, "7"}


def _read_link(fields: Fields, successor: int) -> tuple[Link, str]:
    predecessor, kind = fields.get("PredecessorUID"), _PLAIN_TYPES.get(fields.get("Type") or "")
    if (
        kind is not None
        and predecessor is not None
        and predecessor.isdigit()
        and len(predecessor) < 16
        and fields.get("LinkLag") in _NO_LAG
        and fields.get("LagFormat") in _WORKING_LAG
    ):  # how Project writes almost every link: a plain UID and type, no lag
        return Link(int(predecessor), successor, kind), ""
    return _read_any_link(fields, successor)


def _read_any_link(fields: Fields, successor: int) -> tuple[Link, str]:
    where = f"task {successor} predecessor link"
    predecessor = quick_integer(fields, "PredecessorUID", where, None)
    if predecessor is None:
        raise ParseError("a predecessor link has no PredecessorUID", where=where)
    type_code = quick_integer(fields, "Type", where, 1) or 0
    link_type = _LINK_TYPES.get(type_code)
    if link_type is None:
        raise ParseError(f"unknown link Type {type_code}", where=where)
    lag_tenths = quick_integer(fields, "LinkLag", where, 0) or 0
    lag_format = quick_integer(fields, "LagFormat", where, 7) or 7
    percent = lag_format in PERCENT_FORMATS
    link = Link(
        predecessor=predecessor,
        successor=successor,
        type=link_type,
        lag_minutes=0 if percent else round(lag_tenths / 10),
        lag_percent=lag_tenths / 10 if percent else None,
        lag_elapsed=lag_format in ELAPSED_FORMATS,
    )
    return link, where


def _constraint(fields: Fields, where: str) -> tuple[ConstraintType, datetime | None]:
    code = integer(fields, "ConstraintType", where, 0) or 0
    try:
        constraint = ConstraintType(code)
    except ValueError:
        raise ParseError(f"unknown ConstraintType {code}", where=where) from None
    found = moment(fields, "ConstraintDate", where)
    if found is None and constraint not in (
        ConstraintType.AS_SOON_AS_POSSIBLE,
        ConstraintType.AS_LATE_AS_POSSIBLE,
    ):
        constraint = ConstraintType.AS_SOON_AS_POSSIBLE
    return constraint, found


_STORED_DATES = ("EarlyStart", "EarlyFinish", "LateStart", "LateFinish")
_STORED_SLACK = ("TotalSlack", "FreeSlack")
_STORED_NAMES = (*_STORED_DATES, *_STORED_SLACK, "Start", "Finish", "Critical")

Columns = Mapping[str, Sequence[str | None]]  # a field's text in every element (None: absent)
Tasks = tuple[Columns, Columns, Sequence[int]]  # tasks' fields, links' fields, links' task rows


class StoredColumns(Mapping[int, StoredDates]):
    """The dates and slack each task carried, as the file wrote them: checked when read, made
    into :class:`StoredDates` only when asked for (the engine never needs them)."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns  # every task's fields as read (never changed after)
        self.rows: dict[int, int] = {}  # the row of each task's fields, by UID
        self.made: dict[int, StoredDates] = {}

    def add(self, uid: int, row: int) -> None:
        self.rows[uid] = row

    def _column(self, name: str, whole: bool) -> Sequence[str | None]:
        found = self.columns.get(name)
        if found is None:
            return [None] * len(self.rows)
        if whole:
            return found  # every row is a task's, in order: the column as it is
        return [found[r] for r in self.rows.values()]

    def check(self) -> None:
        """Every stored value reads, or a ParseError names the first that does not."""
        if not self.rows:
            return
        rows = self.rows.values()
        whole = len(rows) == len(self.columns.get("UID", ())) and all(
            k == row for k, row in enumerate(rows)
        )
        columns = [self._column(name, whole) for name in _STORED_NAMES]
        uids = list(self.rows)
        for names, kind in (
            ((*_STORED_DATES,), "datetime64[s]"),
            ((*_STORED_SLACK,), "int64"),
            (("Start", "Finish"), "datetime64[s]"),
        ):
            offset = {"EarlyStart": 0, "TotalSlack": 4, "Start": 6}[names[0]]
            for k, name in enumerate(names):
                values = [v.strip() if v else "NaT" for v in columns[offset + k]]
                if kind == "int64":
                    values = [v if v != "NaT" else "0" for v in values]
                try:
                    np.array(values, dtype=kind)
                except ValueError:
                    for uid, raw in zip(uids, columns[offset + k], strict=True):
                        one = {name: raw}
                        where = f"task {uid}"
                        if kind == "int64":
                            integer(one, name, where, 0)
                        else:
                            moment(one, name, where)
        for uid, raw in zip(uids, columns[8], strict=True):
            if raw not in BINARY:
                integer({"Critical": raw}, "Critical", f"task {uid}", 0)

    def __getitem__(self, uid: int) -> StoredDates:
        found = self.made.get(uid)
        if found is None:
            found = self.made[uid] = self._make(uid)
        return found

    def _make(self, uid: int) -> StoredDates:
        row = self.rows[uid]
        fields = {name: column[row] for name, column in self.columns.items()}
        where = f"task {uid}"
        return StoredDates(
            start=moment(fields, "Start", where),
            finish=moment(fields, "Finish", where),
            early_start=moment(fields, "EarlyStart", where),
            early_finish=moment(fields, "EarlyFinish", where),
            late_start=moment(fields, "LateStart", where),
            late_finish=moment(fields, "LateFinish", where),
            total_slack_minutes=round((integer(fields, "TotalSlack", where, 0) or 0) / 10),
            free_slack_minutes=round((integer(fields, "FreeSlack", where, 0) or 0) / 10),
            critical=flag(fields, "Critical", where),
        )

    def __iter__(self) -> Iterator[int]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


_FLAGS = {None, "0", "1"}
_UNSET = {None, "0"}
_TASK_DEFAULTS = {f.name: f.default for f in dataclass_fields(Task)}
_LINK_DEFAULTS = {f.name: f.default for f in dataclass_fields(Link)}
# Plain tasks and links are made without their constructors (``object.__new__``, then their
# fields, the defaults first, put straight into the instance's ``__dict__``): a plain task or
# link already meets what the constructor checks (no negative duration, no constraint, not
# manual), and setting each field of a frozen instance one by one took a third of the time to
# read a large file. (The tests check that the constructor makes and accepts the same objects.)


def _counts(column: Sequence[str | None]) -> list[bool]:
    """Which values are absent or a plain count (what :func:`quick_integer` reads at once)."""
    return [v is None or (v.isdigit() and len(v) < 16) for v in column]


class TaskReader:
    """Tasks in file order, the outline path that gives each its parent, links and stored dates.

    ``columns`` holds each task field's text for every task, ``links`` each link field's for
    every ``PredecessorLink`` in file order, ``owners`` the row of each link's task. A task is
    read field by field by :meth:`_read_row`, unless it is plain (a count or a flag where each
    field has one, no constraint, not manual, its duration and links as Project writes them):
    that one is made at once from values converted column by column. Either way it is the same
    task, read in the same order, so that the first error in a file is the one reported.
    """

    def __init__(self, columns: Columns, links: Columns, owners: Sequence[int]) -> None:
        self.columns, self.link_columns, self.owners = columns, links, owners
        self.count = len(columns["UID"])
        self.tasks: list[Task] = []
        self.stored = StoredColumns(columns)
        self.links: list[tuple[Link, str]] = []
        self.hours: list[re.Match[str] | None] = []  # each Duration as Project writes it, if so
        self.all_plain = False  # every task plain, as :meth:`read` found (then no task raised)
        self.parents: list[tuple[int, int]] = []  # (outline level, uid) of the open outline path
        # each task's links are links[first[row]:first[row + 1]]
        self.first = np.searchsorted(
            np.asarray(owners, dtype=np.int64), np.arange(self.count + 1)
        ).tolist()

    def _plain(self) -> list[bool]:
        """Which tasks are plain (see the class)."""
        column = self.columns
        uids, summaries = column["UID"], column["Summary"]
        fullmatch = PLAIN_HOURS.fullmatch
        self.hours = [None if v is None else fullmatch(v) for v in column["Duration"]]
        counts = [
            uid is not None and whole and level and duration_format
            for uid, whole, level, duration_format in zip(
                uids,
                _counts(uids),
                _counts(column["OutlineLevel"]),
                _counts(column["DurationFormat"]),
                strict=True,
            )
        ]
        plain = [
            counted
            and null in _UNSET
            and summary in _FLAGS
            and (manual in _UNSET or (manual == "1" and summary == "1"))
            and milestone in _FLAGS
            and constraint in _UNSET
            and not date
            and (duration is None or hours is not None)
            for counted, null, summary, manual, milestone, constraint, date, duration, hours in zip(
                counts,
                column["IsNull"],
                summaries,
                column["Manual"],
                column["Milestone"],
                column["ConstraintType"],
                column["ConstraintDate"],
                column["Duration"],
                self.hours,
                strict=True,
            )
        ]
        for owner, simple in zip(self.owners, self._plain_links(), strict=True):
            if not simple:
                plain[owner] = False
        return plain

    def _plain_links(self) -> list[bool]:
        """Which links are plain: a predecessor's UID and a type, no lag (see :func:`_read_link`)."""
        links = self.link_columns
        return [
            predecessor is not None
            and predecessor.isdigit()
            and len(predecessor) < 16
            and kind in _PLAIN_TYPES
            and lag in _NO_LAG
            and lag_format in _WORKING_LAG
            for predecessor, kind, lag, lag_format in zip(
                links["PredecessorUID"],
                links["Type"],
                links["LinkLag"],
                links["LagFormat"],
                strict=True,
            )
        ]

    def read(self) -> None:
        """Every task, in file order, then every link."""
        column = self.columns
        plain = self._plain()
        self.all_plain = all(plain)
        # The plain tasks' values, column by column (a plain task's fields all read at once).
        uids = column["UID"]
        numbers = [int(uid or 0) if simple else 0 for simple, uid in zip(plain, uids, strict=True)]
        levels = [
            int(v) if simple and v else 1
            for simple, v in zip(plain, column["OutlineLevel"], strict=True)
        ]
        self.durations = [0 if h is None else int(h[1]) * 60 + int(h[2]) for h in self.hours]
        self.milestones = [v == "1" for v in column["Milestone"]]
        self.summaries = [v == "1" for v in column["Summary"]]
        self.names = [v.strip() if v else "" for v in column["Name"]]
        self.elapsed = [
            simple and (int(v or 7) or 7) in ELAPSED_FORMATS
            for simple, v in zip(plain, column["DurationFormat"], strict=True)
        ]
        self.parent_uids = [-1] * self.count  # -1: none (a plain task's UID is a count)
        successors: list[int | None] = [None] * self.count  # the UID of each plain task
        made: list[tuple[Link, str] | None] = [None] * len(self.owners)
        tasks, rows_by_uid, parent_of = self.tasks, self.stored.rows, self._parent
        names, durations, milestones = self.names, self.durations, self.milestones
        summaries, elapsed, parent_uids = self.summaries, self.elapsed, self.parent_uids
        new, task_defaults = object.__new__, _TASK_DEFAULTS
        for row, simple in enumerate(plain):
            if not simple:
                self._read_row(row, made)
                continue
            number, summary = numbers[row], summaries[row]
            parent = parent_of(levels[row], number, summary)
            if parent is not None:
                parent_uids[row] = parent
            task = new(Task)
            values = task.__dict__
            values.update(task_defaults)
            values["uid"] = number
            values["name"] = names[row]
            values["duration_minutes"] = durations[row]
            values["milestone"] = milestones[row]
            values["summary"] = summary
            values["parent"] = parent
            values["elapsed"] = elapsed[row]
            tasks.append(task)
            rows_by_uid[number] = row
            successors[row] = number
        self.uids = numbers
        predecessors, kinds = self.link_columns["PredecessorUID"], self.link_columns["Type"]
        link_defaults = _LINK_DEFAULTS
        for k, owner in enumerate(self.owners):
            successor = successors[owner]
            if successor is not None:  # a plain task's links are plain
                link = new(Link)
                values = link.__dict__
                values.update(link_defaults)
                values["predecessor"] = int(predecessors[k] or 0)
                values["successor"] = successor
                values["type"] = _PLAIN_TYPES[kinds[k] or ""]
                made[k] = link, ""
        self.links = [link for link in made if link is not None]

    def network_arrays(self) -> NetworkArrays | None:
        """The network's columns, as :func:`~._table.table_of` would make them from the tasks and
        links read, from the values already read column by column; None unless every task is
        plain (then ``table_of`` makes them from the objects, when first scheduled)."""
        if not self.all_plain:
            return None
        n, e = self.count, len(self.owners)
        link_columns = self.link_columns
        parents = np.array(self.parent_uids, np.int64)
        # A plain link's Type is one digit, its LinkType code.
        types = np.frombuffer("".join(link_columns["Type"]).encode(), np.uint8)  # type: ignore[arg-type]
        return NetworkArrays(
            uids=np.array(self.uids, np.int64),
            durations=np.array(self.durations, np.int64),
            predecessors=np.array(link_columns["PredecessorUID"], np.int64).reshape(e),
            successors=np.array(self.uids, np.int64)[np.asarray(self.owners, np.int64)],
            link_types=types.astype(np.int64) - ord("0"),
            lags=np.zeros(e, np.int64),
            lag_percent=np.full(e, np.nan),
            lag_elapsed=np.zeros(e, np.bool_),
            names=tuple(self.names),
            milestone=np.array(self.milestones, np.bool_),
            summary=np.array(self.summaries, np.bool_),
            parents=parents,
            has_parent=parents >= 0,
            manual=np.zeros(n, np.bool_),
            start_minutes=np.full(n, NO_TIME, np.int64),
            finish_minutes=np.full(n, NO_TIME, np.int64),
            constraints=np.zeros(n, np.int64),
            constraint_minutes=np.full(n, NO_TIME, np.int64),
            elapsed=np.array(self.elapsed, np.bool_),
        )

    def _parent(self, level: int, uid: int, summary: bool) -> int | None:
        """The summary task over a task at ``level`` (and the task itself over the next ones,
        if it is a summary)."""
        parents = self.parents
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent = parents[-1][1] if parents else None
        if summary:
            parents.append((level, uid))
        return parent

    def _read_row(self, row: int, made: list[tuple[Link, str] | None]) -> None:
        """One task from its fields, field by field, and its links into ``made``."""
        fields = {name: values[row] for name, values in self.columns.items()}
        position = row + 1
        uid = quick_integer(fields, "UID", f"task #{position}", None)
        if uid is None:
            label = f" ({text(fields, 'Name')!r})" if text(fields, "Name") else ""
            raise ParseError(f"task{label} has no UID", where=f"task #{position}")
        where = f"task {uid}"
        if quick_flag(fields, "IsNull", where):
            return
        level = quick_integer(fields, "OutlineLevel", where, 1) or 0
        summary = quick_flag(fields, "Summary", where)
        parent = self._parent(level, uid, summary)
        manual = quick_flag(fields, "Manual", where) and not summary
        duration_format = quick_integer(fields, "DurationFormat", where, 7) or 7
        if fields.get("ConstraintType") in (None, "0") and not fields.get("ConstraintDate"):
            constraint, constraint_date = ConstraintType.AS_SOON_AS_POSSIBLE, None
        else:
            constraint, constraint_date = _constraint(fields, where)
        start = finish = None
        if manual:
            start, finish = moment(fields, "Start", where), moment(fields, "Finish", where)
        keeps_dates = manual and start is not None and finish is not None
        raw_name = fields.get("Name")
        try:
            task = Task(
                uid=uid,
                name=raw_name.strip() if raw_name else "",
                duration_minutes=max(duration_minutes(fields, "Duration", where) or 0, 0),
                milestone=quick_flag(fields, "Milestone", where),
                summary=summary,
                parent=parent,
                manual=keeps_dates,
                start=start if keeps_dates else None,
                finish=finish if keeps_dates else None,
                constraint=constraint,
                constraint_date=constraint_date,
                elapsed=duration_format in ELAPSED_FORMATS,
            )
        except ValueError as error:
            raise ParseError(str(error), where=where) from None
        self.tasks.append(task)
        self.stored.add(uid, row)
        links = self.link_columns
        for k in range(self.first[row], self.first[row + 1]):
            made[k] = _read_link({name: values[k] for name, values in links.items()}, uid)

    def check(self) -> None:
        self.stored.check()
        known: set[int] = set()
        for task in self.tasks:
            if task.uid in known:
                raise ParseError("two tasks share this UID", where=f"task {task.uid}")
            known.add(task.uid)
        for link, where in self.links:
            if link.predecessor not in known:
                where = where or f"task {link.successor} predecessor link"
                raise ParseError(
                    f"links to predecessor UID {link.predecessor}, which is not a task in this "
                    "file",
                    where=where,
                )
