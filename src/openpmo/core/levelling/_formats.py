"""Readers for the research formats: PSPLIB single-mode ``.sm`` and Patterson ``.rcp``.

Both describe a project as numbered jobs (job 1 the dummy source, the last job the dummy sink),
finish-to-start successors, a duration and a per-period demand on each renewable resource, and a
constant capacity per resource. Activities are named by their job number, resources ``R1``...
Anything malformed raises :class:`~openpmo.core.errors.ParseError` naming the line or job.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpmo.core.errors import ParseError
from openpmo.core.levelling._model import Activity, Precedence, Problem, Resource

__all__ = ["parse_rcp", "parse_sm", "read_problem"]

MAX_BYTES = 16 * 1024 * 1024


def _integers(text: str, where: str) -> list[int]:
    try:
        return [int(token) for token in text.split()]
    except ValueError:
        raise ParseError("expected whole numbers", where=where) from None


def _problem(jobs: list[tuple[int, int, list[int], list[int]]], capacities: list[int]) -> Problem:
    """Build a problem from (job, duration, demands, successors) rows."""
    numbers = {job for job, _, _, _ in jobs}
    names = [f"R{k + 1}" for k in range(len(capacities))]
    activities = []
    links = []
    for job, duration, demands, successors in jobs:
        if len(demands) != len(capacities):
            raise ParseError(
                f"has {len(demands)} demands for {len(capacities)} resources", where=f"job {job}"
            )
        activities.append(
            Activity(
                id=str(job),
                duration=duration,
                demand={name: units for name, units in zip(names, demands, strict=True) if units},
            )
        )
        for successor in successors:
            if successor not in numbers:
                raise ParseError(f"names unknown successor {successor}", where=f"job {job}")
            links.append(Precedence(before=str(job), after=str(successor)))
    resources = tuple(
        Resource(id=name, capacity=cap) for name, cap in zip(names, capacities, strict=True)
    )
    return Problem(activities=tuple(activities), precedences=tuple(links), resources=resources)


def _section(text: str, heading: str) -> list[str]:
    match = re.search(re.escape(heading) + r".*?\n(.*?)(?:\*{5,}|\Z)", text, re.S)
    if match is None:
        raise ParseError(f"no {heading.strip(':')} section: not a PSPLIB .sm file")
    return [line for line in match.group(1).splitlines() if line.strip()]


def parse_sm(text: str) -> Problem:
    """Read a PSPLIB single-mode file (``.sm``)."""
    successors: dict[int, list[int]] = {}
    for line in _section(text, "PRECEDENCE RELATIONS:")[1:]:
        values = _integers(line, f"precedence line {line.strip()!r}")
        if len(values) < 3 or len(values) != 3 + values[2]:
            raise ParseError(
                "wrong number of successors", where=f"precedence line {line.strip()!r}"
            )
        successors[values[0]] = values[3:]
    rows = _section(text, "REQUESTS/DURATIONS:")
    jobs = []
    for line in rows[2:]:
        values = _integers(line, f"request line {line.strip()!r}")
        if len(values) < 3:
            raise ParseError("too few numbers", where=f"request line {line.strip()!r}")
        job = values[0]
        jobs.append((job, values[2], values[3:], successors.get(job, [])))
    availability = _section(text, "RESOURCEAVAILABILITIES:")
    if len(availability) < 2:
        raise ParseError("no resource availabilities")
    capacities = _integers(availability[1], "resource availabilities")
    if set(successors) - {job for job, _, _, _ in jobs}:
        raise ParseError("a job has successors but no duration line")
    return _problem(jobs, capacities)


def parse_rcp(text: str) -> Problem:
    """Read a Patterson-format file (``.rcp``)."""
    values = _integers(text, "the file")
    if len(values) < 2:
        raise ParseError("empty: not a Patterson .rcp file")
    count, resources = values[0], values[1]
    position = 2 + resources
    capacities = values[2:position]
    jobs = []
    for job in range(1, count + 1):
        row = values[position : position + 2 + resources]
        if len(row) < 2 + resources:
            raise ParseError("the file ends early", where=f"job {job}")
        duration, demands, successor_count = row[0], row[1 : 1 + resources], row[1 + resources]
        start = position + 2 + resources
        successors = values[start : start + successor_count]
        if len(successors) != successor_count:
            raise ParseError("the file ends early", where=f"job {job}")
        jobs.append((job, duration, demands, successors))
        position = start + successor_count
    return _problem(jobs, capacities)


def read_problem(path: Path) -> Problem:
    """Read a ``.sm`` or ``.rcp`` file, chosen by its suffix."""
    if path.stat().st_size > MAX_BYTES:
        raise ParseError(f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".sm":
        return parse_sm(text)
    if suffix == ".rcp":
        return parse_rcp(text)
    raise ParseError(f"{path.name}: expected a .sm, .rcp or Microsoft Project .xml file")
