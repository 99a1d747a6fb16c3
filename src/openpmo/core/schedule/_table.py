"""A network as columns: what ``schedule`` works on, from a :class:`Network` or built directly.

:class:`NetworkArrays` is the public form for callers that hold their tasks as arrays already
(a hundred thousand tasks need no hundred thousand objects). Every optional column has the
default a :class:`Task` or :class:`Link` would have. :func:`table_of` turns a :class:`Network`
of objects into the same columns, one pass per attribute.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import ValidationError
from openpmo.core.schedule._calendar import EPOCH
from openpmo.core.schedule._model import ConstraintType, LinkType, Network

__all__ = ["NetworkArrays", "table_of"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
NO_TIME = np.iinfo(np.int64).min  # "no date" in a column of wall-clock minutes
_ONE_MINUTE = timedelta(minutes=1)
_NAN = float("nan")
_CODES: dict[object, int] = {kind: int(kind) for kind in (*ConstraintType, *LinkType)}
FS = int(LinkType.FS)


@dataclass(frozen=True, eq=False)
class NetworkArrays:
    """Tasks and links as columns (one row per task, one per link).

    ``uids``, ``durations`` (working minutes) and the links' ``predecessors`` and ``successors``
    (task UIDs) are required; the rest default as a :class:`Task` or :class:`Link` would:
    ``link_types`` FS (LinkType codes), ``lags`` 0 working minutes, ``lag_percent`` NaN (none),
    ``lag_elapsed`` False; ``milestone``, ``summary``, ``manual``, ``elapsed`` False; ``parents``
    -1 with ``has_parent`` False; ``constraints`` 0 (as soon as possible) with
    ``constraint_minutes``, and manual ``start_minutes``/``finish_minutes``, in wall-clock
    minutes since 1970 (``NO_TIME`` where none).
    """

    uids: IntArray
    durations: IntArray
    predecessors: IntArray
    successors: IntArray
    link_types: IntArray | None = None
    lags: IntArray | None = None
    lag_percent: FloatArray | None = None
    lag_elapsed: BoolArray | None = None
    names: tuple[str, ...] | None = None
    milestone: BoolArray | None = None
    summary: BoolArray | None = None
    parents: IntArray | None = None
    has_parent: BoolArray | None = None
    manual: BoolArray | None = None
    start_minutes: IntArray | None = None
    finish_minutes: IntArray | None = None
    constraints: IntArray | None = None
    constraint_minutes: IntArray | None = None
    elapsed: BoolArray | None = None

    def __post_init__(self) -> None:
        n, e = int(np.shape(self.uids)[0]), int(np.shape(self.predecessors)[0])
        for name in ("durations", "milestone", "summary", "parents", "has_parent", "manual"):
            self._check(name, n)
        for name in ("start_minutes", "finish_minutes", "constraints", "constraint_minutes"):
            self._check(name, n)
        self._check("elapsed", n)
        for name in ("successors", "link_types", "lags", "lag_percent", "lag_elapsed"):
            self._check(name, e)
        if self.names is not None and len(self.names) != n:
            raise ValidationError(f"{len(self.names)} names for {n} tasks", where="network")
        if n and int(np.min(self.durations)) < 0:
            position = int(np.flatnonzero(self.durations < 0)[0])
            raise ValidationError(
                f"duration cannot be negative ({int(self.durations[position])})",
                where=f"task {int(self.uids[position])}",
            )

    def _check(self, name: str, size: int) -> None:
        column = getattr(self, name)
        if column is not None and np.shape(column) != (size,):
            raise ValidationError(
                f"column {name} has shape {np.shape(column)}, expected ({size},)", where="network"
            )

    @property
    def size(self) -> int:
        return int(self.uids.shape[0])

    def column(self, name: str, default: object, dtype: type) -> npt.NDArray[np.generic]:
        """A column as given, or filled with ``default``."""
        value = getattr(self, name)
        size = self.uids.shape[0] if name not in _LINK_COLUMNS else self.predecessors.shape[0]
        if value is None:
            return np.full(size, default, dtype)
        return np.asarray(value, dtype)


_LINK_COLUMNS = {"link_types", "lags", "lag_percent", "lag_elapsed", "successors"}


def _minutes(moment: datetime) -> int:
    return (moment - EPOCH) // _ONE_MINUTE


_TABLES: dict[int, tuple[weakref.ref[Network], NetworkArrays]] = {}


def cached_table_of(network: Network) -> NetworkArrays:
    """``table_of(network)``, made once per network object: a :class:`Network` and its tasks
    and links are frozen, so its columns never change while it lives (they are made read-only
    so that nothing can change them either); scheduling one project again (each page view, each
    what-if) skips turning thousands of objects into columns."""
    found = _TABLES.get(id(network))
    if found is not None and found[0]() is network:
        return found[1]
    return remember_table(network, table_of(network))


def remember_table(network: Network, table: NetworkArrays) -> NetworkArrays:
    """Keep ``table`` as ``network``'s columns while ``network`` lives (read-only, and only for
    that object: a network made anew, even of the same tasks, is another key). The reader of
    MSPDI files hands over the columns it read, so that the first schedule of a file read need
    not turn its objects into columns; they must be what :func:`table_of` makes of
    ``network``."""
    for name in NetworkArrays.__dataclass_fields__:
        column = getattr(table, name)
        if isinstance(column, np.ndarray):
            column.flags.writeable = False
    key = id(network)
    _TABLES[key] = (weakref.ref(network, lambda _: _TABLES.pop(key, None)), table)
    return table


def table_of(network: Network) -> NetworkArrays:
    """The columns of a network of :class:`Task` and :class:`Link` objects."""
    tasks, links = network.tasks, network.links
    n = len(tasks)
    kinds = [t.constraint for t in tasks]
    if set(kinds) <= {ConstraintType.AS_SOON_AS_POSSIBLE}:
        constraints = np.zeros(n, np.int64)
    else:
        constraints = np.array([_CODES[kind] for kind in kinds], np.int64)
    constraint_minutes = np.full(n, NO_TIME, np.int64)
    for k in np.flatnonzero(constraints != ConstraintType.AS_SOON_AS_POSSIBLE).tolist():
        moment = tasks[k].constraint_date
        if moment is not None:
            constraint_minutes[k] = _minutes(moment)
    manual = np.array([t.manual for t in tasks], np.bool_)
    start_minutes = np.full(n, NO_TIME, np.int64)
    finish_minutes = np.full(n, NO_TIME, np.int64)
    for k in np.flatnonzero(manual).tolist():
        start, finish = tasks[k].start, tasks[k].finish
        if start is not None:
            start_minutes[k] = _minutes(start)
        if finish is not None:
            finish_minutes[k] = _minutes(finish)
    parents = [t.parent for t in tasks]
    percent = [link.lag_percent for link in links]
    if all(p is None for p in percent):
        lag_percent = np.full(len(links), np.nan)
    else:
        lag_percent = np.array([_NAN if p is None else p for p in percent], np.float64)
    types = [link.type for link in links]
    if set(types) <= {LinkType.FS}:
        link_types = np.full(len(links), FS, np.int64)
    else:
        link_types = np.array([_CODES[kind] for kind in types], np.int64)
    return NetworkArrays(
        uids=np.array([t.uid for t in tasks], np.int64),
        durations=np.array([t.duration_minutes for t in tasks], np.int64),
        predecessors=np.array([link.predecessor for link in links], np.int64),
        successors=np.array([link.successor for link in links], np.int64),
        link_types=link_types,
        lags=np.array([link.lag_minutes for link in links], np.int64),
        lag_percent=lag_percent,
        lag_elapsed=np.array([link.lag_elapsed for link in links], np.bool_),
        names=tuple(t.name for t in tasks),
        milestone=np.array([t.milestone for t in tasks], np.bool_),
        summary=np.array([t.summary for t in tasks], np.bool_),
        parents=np.array([-1 if p is None else p for p in parents], np.int64),
        has_parent=np.array([p is not None for p in parents], np.bool_),
        manual=manual,
        start_minutes=start_minutes,
        finish_minutes=finish_minutes,
        constraints=constraints,
        constraint_minutes=constraint_minutes,
        elapsed=np.array([t.elapsed for t in tasks], np.bool_),
    )
