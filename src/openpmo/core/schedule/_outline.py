"""Summary tasks in the array engine: checking the outline, links into and out of summaries, and
rolling the dates of the tasks under a summary up to it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from openpmo.core.errors import ScheduleError, ValidationError
from openpmo.core.schedule._model import LinkType
from openpmo.core.schedule._passes import NEVER_AFTER, NEVER_BEFORE

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def parent_positions(
    uids: IntArray, parents: IntArray, has_parent: BoolArray, summary: BoolArray, find: IntArray
) -> IntArray:
    """Each task's parent position (-1 for none); refuses a parent that is missing or no summary.

    ``find`` gives the position of each parent UID (-1 where no task has it).
    """
    bad = has_parent & ((find < 0) | ~summary[np.maximum(find, 0)])
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        parent, uid = int(parents[k]), int(uids[k])
        if find[k] < 0:
            raise ValidationError(f"parent task {parent} does not exist", where=f"task {uid}")
        raise ValidationError(f"parent task {parent} is not a summary task", where=f"task {uid}")
    return np.where(has_parent, find, -1)


def depths(parent: IntArray) -> IntArray:
    """How many summaries each task sits under (a parent chain that loops is refused)."""
    depth = np.zeros(parent.shape[0], np.int64)
    up = parent.copy()
    for _ in range(parent.shape[0] + 1):
        above = up >= 0
        if not above.any():
            return depth
        depth += above
        up = np.where(above, parent[np.maximum(up, 0)], -1)
    raise ValidationError("the outline of summary tasks loops", where="network")


def children_of(parent: IntArray) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for child, above in enumerate(parent.tolist()):
        if above >= 0:
            found.setdefault(above, []).append(child)
    return found


def leaves_under(position: int, summary: BoolArray, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], [position]
    while stack:
        here = stack.pop()
        if summary[here]:
            stack.extend(children.get(here, []))
        else:
            found.append(here)
    return found


def expand_summary_links(
    uids: IntArray,
    summary: BoolArray,
    parent: IntArray,
    pred: IntArray,
    succ: IntArray,
    types: IntArray,
) -> tuple[IntArray, IntArray]:
    """Links to and from summary tasks replaced by links to and from the tasks under them.

    Returns, for the expanded links, which original link each came from and the
    (predecessor, successor) positions. Exact where Project's meaning allows it: a summary can
    start only when every task under it can (so FS and SS into a summary bind each of them), and
    finishes when the last of them does (so FS and FF out of a summary wait for each). Other
    kinds are refused.
    """
    children = children_of(parent)
    source: list[int] = []
    pairs: list[tuple[int, int]] = []
    for k in np.flatnonzero(summary[pred] | summary[succ]).tolist():
        before, after, kind = int(pred[k]), int(succ[k]), LinkType(int(types[k]))
        where = f"task {int(uids[after]) if summary[after] else int(uids[before])}"
        if summary[before] and kind not in (LinkType.FS, LinkType.FF):
            raise ScheduleError(
                f"a {kind.name} link from summary task {int(uids[before])} is not supported: "
                "link the task under it that it should follow",
                where=where,
            )
        if summary[after] and kind not in (LinkType.FS, LinkType.SS):
            raise ScheduleError(
                f"a {kind.name} link into summary task {int(uids[after])} is not supported: "
                "link the task under it that it should hold back",
                where=where,
            )
        sources = leaves_under(before, summary, children) if summary[before] else [before]
        targets = leaves_under(after, summary, children) if summary[after] else [after]
        if not sources or not targets:
            raise ScheduleError(
                "a link to or from a summary task with no tasks under it cannot be scheduled",
                where=where,
            )
        for one in sources:
            for other in targets:
                source.append(k)
                pairs.append((one, other))
    plain = np.flatnonzero(~(summary[pred] | summary[succ]))
    origin = np.concatenate([plain, np.array(source, np.int64)])
    if pairs:
        extra = np.array(pairs, np.int64)
        return origin, np.concatenate([np.stack([pred[plain], succ[plain]], 1), extra])
    return origin, np.stack([pred[plain], succ[plain]], 1)


def roll_up(
    parent: IntArray,
    summary: BoolArray,
    columns: tuple[IntArray, IntArray, IntArray, IntArray],
    start_value: np.int64,
    project_finish: np.int64,
) -> None:
    """Summaries take the earliest start and latest finish of the tasks under them, deepest
    first, early and late alike; one with nothing under it spans the project (in place)."""
    es, ef, ls, lf = columns
    chosen = np.flatnonzero(summary)
    es[chosen], ef[chosen] = NEVER_AFTER, NEVER_BEFORE
    ls[chosen], lf[chosen] = NEVER_AFTER, NEVER_BEFORE
    empty = summary.copy()
    empty[parent[parent >= 0]] = False
    es[empty] = ef[empty] = start_value
    ls[empty] = lf[empty] = project_finish
    depth = depths(parent)
    for level in range(int(depth.max(initial=0)), 0, -1):
        at = np.flatnonzero(depth == level)
        up = parent[at]
        np.minimum.at(es, up, es[at])
        np.maximum.at(ef, up, ef[at])
        np.minimum.at(ls, up, ls[at])
        np.maximum.at(lf, up, lf[at])
