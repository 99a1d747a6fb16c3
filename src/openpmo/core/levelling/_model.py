"""The levelling problem: activities, precedence with lags, renewable resources, and the result.

Time is counted in whole periods from 0 (days, weeks or months: the caller chooses). An activity
that starts at ``s`` with duration ``d`` occupies periods ``s .. s+d-1`` and finishes at ``s+d``;
a successor linked with lag ``l`` may start at ``finish + l`` at the earliest (finish-to-start).

:func:`compile_problem` checks the input once and turns it into index-based lists the schedule
generation schemes read quickly. Every refusal names the activity, resource or link at fault.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from openpmo.core.errors import CycleError, ValidationError

__all__ = [
    "Activity",
    "Compiled",
    "LevellingResult",
    "Precedence",
    "Problem",
    "Resource",
    "compile_problem",
]


def _frozen_mapping(values: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class Activity:
    """One task (or a whole work package) to place: its duration and demand per period."""

    id: str
    duration: int
    demand: Mapping[str, int] = field(default_factory=dict)
    release: int = 0
    group: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "demand", _frozen_mapping(self.demand))


@dataclass(frozen=True)
class Precedence:
    """``after`` may start ``lag`` periods after ``before`` finishes (finish-to-start)."""

    before: str
    after: str
    lag: int = 0


@dataclass(frozen=True)
class Resource:
    """A renewable resource: ``capacity`` units in every period, or ``profile[t]`` in period t.

    Periods beyond the profile have ``capacity`` (0 means none is available after the profile).
    """

    id: str
    capacity: int
    profile: tuple[int, ...] = ()

    def at(self, period: int) -> int:
        return self.profile[period] if period < len(self.profile) else self.capacity


@dataclass(frozen=True)
class Problem:
    """Activities, the links between them and the resources they draw on."""

    activities: tuple[Activity, ...]
    precedences: tuple[Precedence, ...] = ()
    resources: tuple[Resource, ...] = ()


@dataclass(frozen=True)
class LevellingResult:
    """Start period of every activity, the makespan, and what is known about its optimality."""

    starts: Mapping[str, int]
    makespan: int
    lower_bound: int
    optimal: bool
    total_delay: int
    method: str
    schedules: int = 0
    stopped_by: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "makespan": self.makespan,
            "starts": dict(self.starts),
            "optimal": self.optimal,
            "lower_bound": self.lower_bound,
            "total_delay": self.total_delay,
            "method": self.method,
            "schedules": self.schedules,
            "stopped_by": self.stopped_by,
        }


@dataclass(frozen=True)
class Compiled:
    """The problem as index lists: what the schedule generation schemes read."""

    ids: tuple[str, ...]
    durations: tuple[int, ...]
    releases: tuple[int, ...]
    demands: tuple[tuple[tuple[int, int], ...], ...]
    predecessors: tuple[tuple[tuple[int, int], ...], ...]
    successors: tuple[tuple[tuple[int, int], ...], ...]
    topological: tuple[int, ...]
    rank: tuple[int, ...]
    capacity_rows: tuple[tuple[int, ...], ...]
    constant_capacity: tuple[int | None, ...]
    horizon: int
    groups: tuple[int, ...]
    group_names: tuple[str, ...]
    negative_lags: bool
    packed_rows: tuple[int, ...]
    packed_demand: tuple[int, ...]
    guard: int


MAX_HORIZON = 200_000
"""The most periods a plan may span (every duration, lag, release and profile added up): beyond
it the free-capacity rows would not fit in memory; a coarser period (weeks, months) will do."""


def _whole(value: object, what: str, where: str) -> None:
    """Refuse anything but a whole number (a bool, a float or a text would be read wrongly)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} {value!r} is not a whole number", where=where)


def _longest_run(profile: tuple[int, ...], units: int) -> int:
    """The most periods in a row in which ``profile`` has at least ``units``."""
    longest = current = 0
    for value in profile:
        current = current + 1 if value >= units else 0
        longest = max(longest, current)
    return longest


def _check_activities(problem: Problem, resources: Mapping[str, Resource]) -> None:
    seen: set[str] = set()
    for activity in problem.activities:
        where = f"activity {activity.id}"
        if activity.id in seen:
            raise ValidationError("appears twice", where=where)
        seen.add(activity.id)
        _whole(activity.duration, "duration", where)
        _whole(activity.release, "release", where)
        for name, units in activity.demand.items():
            _whole(units, f"demand of {name}", where)
        if activity.duration < 0:
            raise ValidationError(f"duration {activity.duration} is negative", where=where)
        if activity.release < 0:
            raise ValidationError(f"release {activity.release} is negative", where=where)
        for name, units in activity.demand.items():
            if name not in resources:
                raise ValidationError(f"needs unknown resource {name!r}", where=where)
            if units < 0:
                raise ValidationError(f"demand {units} of {name} is negative", where=where)
            resource = resources[name]
            most = max((resource.capacity, *resource.profile))
            if units > most and activity.duration > 0:
                raise ValidationError(
                    f"needs {units} of {name} but at most {most} is ever available: "
                    "it can never fit",
                    where=where,
                )
            if units > resource.capacity and activity.duration > 0:
                run = _longest_run(resource.profile, units)
                verdict = (
                    f"and no {activity.duration} periods in a row before have it: it can never fit"
                    if run < activity.duration
                    else "and the plan cannot rely on it fitting before: give the capacity after "
                    "the profile"
                )
                raise ValidationError(
                    f"needs {units} of {name} for {activity.duration} periods but only "
                    f"{resource.capacity} is available after period {len(resource.profile)}, "
                    + verdict,
                    where=where,
                )


def _check_resources(problem: Problem) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    for resource in problem.resources:
        where = f"resource {resource.id}"
        if resource.id in resources:
            raise ValidationError("appears twice", where=where)
        _whole(resource.capacity, "capacity", where)
        for t, value in enumerate(resource.profile):
            _whole(value, f"capacity in period {t}", where)
        if resource.capacity < 0 or any(value < 0 for value in resource.profile):
            raise ValidationError("capacity is negative", where=where)
        resources[resource.id] = resource
    return resources


def _topological(n: int, successors: list[list[tuple[int, int]]], ids: list[str]) -> list[int]:
    indegree = [0] * n
    for links in successors:
        for after, _ in links:
            indegree[after] += 1
    ready = [k for k in range(n) if indegree[k] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        k = heapq.heappop(ready)
        order.append(k)
        for after, _ in successors[k]:
            indegree[after] -= 1
            if indegree[after] == 0:
                heapq.heappush(ready, after)
    if len(order) < n:
        raise CycleError(_find_cycle(n, successors, ids, {k for k in range(n) if indegree[k]}))
    return order


def _find_cycle(
    n: int, successors: list[list[tuple[int, int]]], ids: list[str], stuck: set[int]
) -> list[str]:
    start = min(stuck)
    path: list[int] = []
    position: dict[int, int] = {}
    node = start
    while node not in position:
        position[node] = len(path)
        path.append(node)
        node = next(after for after, _ in successors[node] if after in stuck)
    return [ids[k] for k in path[position[node] :]]


def compile_problem(problem: Problem) -> Compiled:
    """Check the problem and index it; raise a ValidationError or CycleError naming the fault."""
    resources = _check_resources(problem)
    _check_activities(problem, resources)
    ids = [activity.id for activity in problem.activities]
    index = {name: k for k, name in enumerate(ids)}
    n = len(ids)
    predecessors: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    successors: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for link in problem.precedences:
        for end in (link.before, link.after):
            if end not in index:
                raise ValidationError(
                    f"names unknown activity {end!r}", where=f"link {link.before}->{link.after}"
                )
        _whole(link.lag, "lag", f"link {link.before}->{link.after}")
        before, after = index[link.before], index[link.after]
        if before == after:
            raise CycleError([link.before])
        predecessors[after].append((before, link.lag))
        successors[before].append((after, link.lag))
    order = _topological(n, successors, ids)
    rank = [0] * n
    for position, k in enumerate(order):
        rank[k] = position
    names = [resource.id for resource in problem.resources]
    resource_index = {name: r for r, name in enumerate(names)}
    durations = [activity.duration for activity in problem.activities]
    positive_lags = sum(max(link.lag, 0) for link in problem.precedences)
    longest_profile = max((len(r.profile) for r in problem.resources), default=0)
    releases = [activity.release for activity in problem.activities]
    horizon = longest_profile + sum(durations) + positive_lags + max(releases, default=0) + 1
    if horizon > MAX_HORIZON:
        raise ValidationError(
            f"the plan could span {horizon} periods (durations, lags, releases and capacity "
            f"profiles added up), more than the {MAX_HORIZON} that can be levelled: "
            "count in longer periods (weeks or months)",
            where="problem",
        )
    rows = tuple(tuple(resource.at(t) for t in range(horizon)) for resource in problem.resources)
    packed_rows, packed_demand, guard = _pack(rows, problem, resource_index, horizon)
    group_index: dict[str, int] = {}
    groups = []
    for activity in problem.activities:
        group = activity.group if activity.group is not None else activity.id
        groups.append(group_index.setdefault(group, len(group_index)))
    return Compiled(
        ids=tuple(ids),
        durations=tuple(durations),
        releases=tuple(releases),
        demands=tuple(
            tuple(
                sorted(
                    (resource_index[name], units)
                    for name, units in activity.demand.items()
                    if units > 0 and activity.duration > 0
                )
            )
            for activity in problem.activities
        ),
        predecessors=tuple(tuple(links) for links in predecessors),
        successors=tuple(tuple(links) for links in successors),
        topological=tuple(order),
        rank=tuple(rank),
        capacity_rows=rows,
        constant_capacity=tuple(
            None if any(v != r.capacity for v in r.profile) else r.capacity
            for r in problem.resources
        ),
        horizon=horizon,
        groups=tuple(groups),
        group_names=tuple(group_index),
        negative_lags=any(link.lag < 0 for link in problem.precedences),
        packed_rows=packed_rows,
        packed_demand=packed_demand,
        guard=guard,
    )


def _pack(
    rows: tuple[tuple[int, ...], ...],
    problem: Problem,
    resource_index: Mapping[str, int],
    horizon: int,
) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """All resources of a period in one integer, one bit field each with a guard bit on top.

    A field holds ``free + B`` (``B`` its guard bit, above any capacity). Subtracting a demand
    packed the same way leaves every guard bit set exactly when every resource has room, and a
    short field borrows only from its own guard, so one subtraction and one mask test check all
    resources of a period at once.
    """
    top = max((max(row, default=0) for row in rows), default=0)
    width = max(top.bit_length(), 1) + 1
    guard = sum(1 << (width * r + width - 1) for r in range(len(rows)))
    packed = tuple(
        guard + sum(row[t] << (width * r) for r, row in enumerate(rows)) for t in range(horizon)
    )
    demand = tuple(
        sum(units << (width * resource_index[name]) for name, units in activity.demand.items())
        if activity.duration > 0
        else 0
        for activity in problem.activities
    )
    return packed, demand, guard
