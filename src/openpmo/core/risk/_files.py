"""Reading a risk network from the YAML of ``openpmo simulate``.

::

    distribution: triangular          # or pert; the default for every estimate below
    correlation: {S1: 0.6}            # strands whose tasks move together (0 to 1)
    tasks:
      - {id: A, min: 4, likely: 5, max: 9}                  # working days
      - {id: B, min: 2, likely: 3, max: 4, after: [A], strand: S1, lags: {A: 2}}
    risks:
      - {id: R1, probability: 0.3, delay: {min: 2, likely: 5, max: 10},
         cost: {min: 10000, likely: 25000, max: 60000}, hits: [B]}
    costs: {A: {min: 50000, likely: 60000, max: 90000}}   # pounds

A task may also carry ``duration: 5`` (known exactly), ``distribution`` and ``cost`` of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from openpmo.core import safe_yaml
from openpmo.core.errors import OpenPMOError, ValidationError
from openpmo.core.money import parse_money
from openpmo.core.risk._model import CostEstimate, Estimate, RiskEvent, RiskNetwork, Shape, SimTask
from openpmo.core.schedule import LinkType, Project

_TASK_KEYS = {
    "id",
    "name",
    "min",
    "likely",
    "max",
    "duration",
    "after",
    "distribution",
    "strand",
    "lags",
    "cost",
}
_RISK_KEYS = {"id", "probability", "delay", "cost", "hits"}
_TOP_KEYS = {"tasks", "risks", "costs", "correlation", "distribution"}


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected a mapping, got {value!r}", where=where)
    return value


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"expected a list, got {value!r}", where=where)
    return value


def _unknown(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(str(k) for k in data if k not in allowed)
    if extra:
        raise ValidationError(f"unknown field {extra[0]!r}", where=where)


def _days(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"expected a number of working days, got {value!r}", where=where)
    return float(value)


def _shape(value: object, default: Shape, where: str) -> Shape:
    if value is None:
        return default
    try:
        return Shape(str(value))
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a distribution; use triangular or pert", where=where
        ) from None


def _estimate(data: Mapping[str, Any], shape: Shape, where: str) -> Estimate:
    for key in ("min", "likely", "max"):
        if key not in data:
            raise ValidationError(f"{key} is missing", where=where)
    try:
        return Estimate(
            _days(data["min"], f"{where}.min"),
            _days(data["likely"], f"{where}.likely"),
            _days(data["max"], f"{where}.max"),
            shape,
        )
    except ValidationError as error:
        if error.where:
            raise
        raise ValidationError(error.message, where=where) from None


def _cost(value: object, shape: Shape, where: str) -> CostEstimate:
    data = _mapping(value, where)
    _unknown(data, {"min", "likely", "max", "distribution"}, where)
    for key in ("min", "likely", "max"):
        if key not in data:
            raise ValidationError(f"{key} is missing", where=where)
    low, likely, high = (
        parse_money(data[k], where=f"{where}.{k}") for k in ("min", "likely", "max")
    )
    try:
        return CostEstimate(
            low,
            likely,
            high,
            shape=_shape(data.get("distribution"), shape, f"{where}.distribution"),
        )
    except ValidationError as error:
        raise ValidationError(error.message, where=where) from None


def _ids(value: object, where: str) -> tuple[str, ...]:
    return tuple(str(item) for item in _list(value, where))


def network_from_data(data: object) -> RiskNetwork:
    """Build a ``RiskNetwork`` from parsed YAML (or JSON); errors name the field."""
    top = _mapping(data, "file")
    _unknown(top, _TOP_KEYS, "file")
    default = _shape(top.get("distribution"), Shape.TRIANGULAR, "distribution")
    costs = _mapping(top.get("costs") or {}, "costs")
    correlation_data = _mapping(top.get("correlation") or {}, "correlation")
    correlation = {str(k): _days(v, f"correlation.{k}") for k, v in correlation_data.items()}
    tasks = []
    for number, item in enumerate(_list(top.get("tasks"), "tasks")):
        where = f"tasks[{number}]"
        task = _mapping(item, where)
        if "id" not in task:
            raise ValidationError("id is missing", where=where)
        task_id = str(task["id"])
        where = f"task {task_id}"
        _unknown(task, _TASK_KEYS, where)
        shape = _shape(task.get("distribution"), default, f"{where}.distribution")
        if "duration" in task:
            duration = Estimate.fixed(_days(task["duration"], f"{where}.duration"))
        else:
            duration = _estimate(task, shape, where)
        cost_data = task.get("cost", costs.get(task_id))
        if "cost" in task and task_id in costs:
            raise ValidationError("cost given twice (in the task and in costs)", where=where)
        lags = _mapping(task.get("lags") or {}, f"{where}.lags")
        tasks.append(
            SimTask(
                id=task_id,
                name=str(task.get("name", "")),
                duration=duration,
                after=_ids(task.get("after"), f"{where}.after"),
                cost=None if cost_data is None else _cost(cost_data, default, f"{where}.cost"),
                strand=None if task.get("strand") is None else str(task["strand"]),
                lags={str(k): _days(v, f"{where}.lags.{k}") for k, v in lags.items()},
            )
        )
    known = {t.id for t in tasks}
    for task_id in costs:
        if str(task_id) not in known:
            raise ValidationError("is not a task", where=f"costs.{task_id}")
    risks = []
    for number, item in enumerate(_list(top.get("risks"), "risks")):
        where = f"risks[{number}]"
        risk = _mapping(item, where)
        if "id" not in risk:
            raise ValidationError("id is missing", where=where)
        where = f"risk {risk['id']}"
        _unknown(risk, _RISK_KEYS, where)
        if "probability" not in risk:
            raise ValidationError("probability is missing", where=where)
        delay = risk.get("delay")
        risks.append(
            RiskEvent(
                id=str(risk["id"]),
                probability=_days(risk["probability"], f"{where}.probability"),
                hits=_ids(risk.get("hits"), f"{where}.hits"),
                delay=None
                if delay is None
                else _estimate(_mapping(delay, f"{where}.delay"), default, f"{where}.delay"),
                cost=None
                if risk.get("cost") is None
                else _cost(risk["cost"], default, f"{where}.cost"),
            )
        )
    return RiskNetwork(tasks=tuple(tasks), risks=tuple(risks), correlation=correlation)


def read_network_yaml(text: str) -> RiskNetwork:
    """Read the YAML format above; a malformed file is a ``ParseError``."""
    data = safe_yaml.load(text)
    try:
        return network_from_data(data)
    except OpenPMOError:
        raise
    except (TypeError, ValueError) as error:  # pragma: no cover - defensive
        raise ValidationError(str(error)) from None


def network_from_project(
    project: Project,
    *,
    spread: tuple[float, float] = (0.8, 1.5),
    shape: Shape = Shape.TRIANGULAR,
) -> RiskNetwork:
    """A risk network from a schedule read by ``openpmo.core.schedule.read_mspdi``.

    Each task's duration in the file is taken as the most likely; min and max are that duration
    times ``spread`` (0.8 and 1.5 by default). Summary tasks are left out (their dates come from
    the tasks under them); milestones take no time. Only finish-to-start links are simulated, with
    their lags in working days; date constraints and calendars are not modelled (durations are
    working days from the start), so a file with other link types is refused.
    """
    low_factor, high_factor = spread
    if not (0 <= low_factor <= 1 <= high_factor) or not all(map(math.isfinite, spread)):
        raise ValidationError(
            f"the spread must be two factors with min <= 1 <= max, got {spread}", where="spread"
        )
    day = project.minutes_per_day or 480
    summaries = {task.uid for task in project.network.tasks if task.summary}
    after: dict[int, list[str]] = {}
    lags: dict[int, dict[str, float]] = {}
    for link in project.network.links:
        where = f"link {link.predecessor} -> {link.successor}"
        if link.predecessor in summaries or link.successor in summaries:
            raise ValidationError("links on summary tasks cannot be simulated", where=where)
        if link.type is not LinkType.FS:
            raise ValidationError(
                f"only finish-to-start links can be simulated, not {link.type.name}", where=where
            )
        if link.lag_percent is not None or link.lag_elapsed:
            raise ValidationError("percentage and elapsed lags cannot be simulated", where=where)
        after.setdefault(link.successor, []).append(str(link.predecessor))
        if link.lag_minutes:
            lags.setdefault(link.successor, {})[str(link.predecessor)] = link.lag_minutes / day
    tasks = []
    for task in project.network.tasks:
        if task.summary:
            continue
        likely = 0.0 if task.milestone else task.duration_minutes / day
        tasks.append(
            SimTask(
                id=str(task.uid),
                name=task.name,
                duration=Estimate(likely * low_factor, likely, likely * high_factor, shape),
                after=tuple(after.get(task.uid, ())),
                lags=lags.get(task.uid, {}),
            )
        )
    return RiskNetwork(tasks=tuple(tasks))
