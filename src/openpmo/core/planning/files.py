"""Reading a planning problem from YAML or an .xlsx workbook; every refusal names the field.

YAML (``openpmo prioritise``'s contract)::

    budget: {2026/27: 1500000, 2027/28: 1500000}     # pounds by financial year
    capacity: {Business analyst: {2026/27: 3}}         # optional: FTE by role and year
    drivers: {Savings: 0.6, Carbon: 0.4}               # optional: weights for ``scores``
    groups: [{name: CRM, members: [WP-7, WP-8], at_most: 1}]   # optional
    delay_discount: 0.035                              # optional: value lost per year of delay
    candidates:
      - ref: WP-001
        value: 120                                     # or scores: {Savings: strong, Carbon: low}
        cost: {2026/27: 300000, 2027/28: 100000}       # profile from its earliest start
        demand: {Business analyst: {2026/27: 1.0}}
        start: [2026/27, 2027/28]
        needs: [WP-002]
        excludes: [WP-003]
        force: in

YAML anchors and aliases are refused (a small file must not expand into a huge one). A workbook
holds the same in sheets ``Budget`` (Year, Amount), ``Candidates`` (Ref, Value, Start, Needs,
Excludes, Force, then one column per financial year of cost), and optionally ``Capacity`` (Role,
Year, FTE) and ``Demand`` (Ref, Role, Year, FTE); lists in a cell are separated by commas.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from openpmo.core.errors import ParseError, ValidationError
from openpmo.core.finance import _inputs
from openpmo.core.money import FinancialYear
from openpmo.core.planning._model import Candidate, Group, PlanningProblem
from openpmo.core.planning.weights import strategic_score

__all__ = ["load_problem", "load_problem_xlsx", "load_problem_yaml", "problem_from_mapping"]

ZERO = Decimal(0)


class _NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no types
    """``yaml.safe_load`` that refuses anchors and aliases ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ParseError(
                "uses YAML anchors or aliases (& or *), which are not accepted; write values out",
                where=f"line {event.start_mark.line + 1}",
            )
        return super().compose_node(parent, index)


def load_problem_yaml(path: str | Path) -> PlanningProblem:
    text = _inputs.read_text(path)
    try:
        document = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise ParseError(f"is not valid YAML (at {place})", where=str(path)) from None
    except ParseError as error:
        raise ParseError(error.message, where=f"{path} {error.where}") from None
    if not isinstance(document, Mapping):
        raise ParseError("must hold a YAML mapping (field: value) at the top", where=str(path))
    return problem_from_mapping(document)


def load_problem(path: str | Path) -> PlanningProblem:
    """A problem from ``.yaml``/``.yml`` or ``.xlsx``, chosen by the file's extension."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return load_problem_xlsx(path)
    return load_problem_yaml(path)


def _profile(value: object, where: str) -> dict[FinancialYear, Decimal]:
    amounts: dict[FinancialYear, Decimal] = {}
    for key, amount in _inputs.as_mapping(value, where).items():
        year = _inputs.as_year(key, f"{where}.{key}")
        if year in amounts:
            raise ValidationError(f"{year} is given twice", where=where)
        amounts[year] = _inputs.as_number(amount, f"{where}.{key}", minimum=ZERO)
    return amounts


def _money_profile(value: object, where: str) -> dict[FinancialYear, Decimal]:
    amounts = _inputs.money_by_year(value, where)
    for year, amount in amounts.items():
        if amount < 0:
            raise ValidationError(f"must not be negative, got {amount}", where=f"{where}.{year}")
    return amounts


def _by_role(value: object, where: str) -> dict[str, dict[FinancialYear, Decimal]]:
    return {
        _inputs.as_text(role, where): _profile(years, f"{where}.{role}")
        for role, years in _inputs.as_mapping(value, where).items()
    }


def _refs(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(_inputs.as_text(item, where) for item in _inputs.as_list(value, where))


def _starts(value: object, where: str) -> tuple[FinancialYear, ...] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [items]
    return tuple(sorted(_inputs.as_year(item, where) for item in items))


def _weights(document: Mapping[str, Any]) -> dict[str, Decimal]:
    drivers = document.get("drivers")
    if drivers is None:
        return {}
    return {
        _inputs.as_text(name, "drivers"): _inputs.as_number(weight, f"drivers.{name}", minimum=ZERO)
        for name, weight in _inputs.as_mapping(drivers, "drivers").items()
    }


def _candidate(
    row: object, position: int, weights: dict[str, Decimal], first_year: FinancialYear
) -> Candidate:
    item = _inputs.as_mapping(row, f"candidates[{position}]")
    ref = _inputs.as_text(_inputs.require(item, "ref", f"candidates[{position}]"), "ref")
    if "scores" in item:
        if not weights:
            raise ValidationError("has scores but the file gives no drivers", where=f"{ref}.scores")
        scores = _inputs.as_mapping(item["scores"], f"{ref}.scores")
        value = strategic_score(weights, scores, where=f"{ref}.scores")
    else:
        value = _inputs.as_number(_inputs.require(item, "value", ref), f"{ref}.value")
    cost = _money_profile(item.get("cost") or {}, f"{ref}.cost")
    starts = _starts(item.get("start"), f"{ref}.start")
    if starts is None:
        starts = (min(cost) if cost else first_year,)
    force = item.get("force")
    if force is not None and force not in ("in", "out"):
        raise ValidationError(f"{force!r} must be in or out", where=f"{ref}.force")
    return Candidate(
        ref=ref,
        value=value,
        cost=cost,
        starts=starts,
        demand=_by_role(item.get("demand") or {}, f"{ref}.demand"),
        needs=_refs(item.get("needs"), f"{ref}.needs"),
        excludes=_refs(item.get("excludes"), f"{ref}.excludes"),
        force=force,
        benefits=_money_profile(item.get("benefits") or {}, f"{ref}.benefits"),
    )


def problem_from_mapping(document: Mapping[str, Any]) -> PlanningProblem:
    """A problem from the YAML contract's mapping (the workbook reader builds one too)."""
    budget = _money_profile(_inputs.require(document, "budget", ""), "budget")
    if not budget:
        raise ValidationError("give the budget for at least one financial year", where="budget")
    weights = _weights(document)
    rows = _inputs.as_list(_inputs.require(document, "candidates", ""), "candidates")
    candidates = tuple(
        _candidate(row, position, weights, min(budget)) for position, row in enumerate(rows, 1)
    )
    groups = tuple(
        Group(
            name=_inputs.as_text(_inputs.require(g, "name", f"groups[{i}]"), f"groups[{i}].name"),
            members=_refs(_inputs.require(g, "members", f"groups[{i}]"), f"groups[{i}].members"),
            at_most=int(
                _inputs.as_number(
                    _inputs.require(g, "at_most", f"groups[{i}]"),
                    f"groups[{i}].at_most",
                    minimum=ZERO,
                )
            ),
        )
        for i, g in enumerate(_inputs.as_list(document.get("groups") or [], "groups"), 1)
    )
    discount = document.get("delay_discount")
    return PlanningProblem(
        budget=budget,
        candidates=candidates,
        capacity=_by_role(document.get("capacity") or {}, "capacity"),
        groups=groups,
        delay_discount=Decimal("0.035")
        if discount is None
        else _inputs.as_number(discount, "delay_discount", minimum=ZERO),
    )


def load_problem_xlsx(path: str | Path) -> PlanningProblem:
    import openpyxl

    data = _inputs.read_bytes(path)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ParseError(f"is not an .xlsx workbook ({error})", where=str(path)) from None
    try:
        sheets = {
            name.strip().lower(): [list(row) for row in workbook[name].iter_rows(values_only=True)]
            for name in workbook.sheetnames
        }
    finally:
        workbook.close()
    for needed in ("budget", "candidates"):
        if needed not in sheets:
            raise ParseError(f"has no sheet called {needed.title()}", where=str(path))
    document: dict[str, Any] = {
        "budget": {str(row[0]): row[1] for row in _body(sheets["budget"])},
        "candidates": _candidate_rows(sheets["candidates"]),
    }
    capacity: dict[str, dict[str, object]] = {}
    for row in _body(sheets.get("capacity", [])):
        capacity.setdefault(str(row[0]), {})[str(row[1])] = row[2]
    document["capacity"] = capacity
    demand = {
        (str(row[0]), str(row[1]), str(row[2])): row[3] for row in _body(sheets.get("demand", []))
    }
    for candidate in document["candidates"]:
        for (ref, role, year), fte in demand.items():
            if ref == candidate["ref"]:
                candidate.setdefault("demand", {}).setdefault(role, {})[year] = fte
    return problem_from_mapping(document)


def _body(rows: list[list[object]]) -> list[list[object]]:
    """The rows under the header, without blank ones, padded to four cells."""
    return [
        [*row, None, None, None, None][: max(4, len(row))]
        for row in rows[1:]
        if any(cell not in (None, "") for cell in row)
    ]


def _candidate_rows(rows: list[list[object]]) -> list[dict[str, object]]:
    if not rows:
        return []
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]]
    fields = {"ref", "value", "start", "needs", "excludes", "force"}
    out: list[dict[str, object]] = []
    for row in _body(rows):
        item: dict[str, object] = {"cost": {}}
        for name, cell in zip(header, row, strict=False):
            if cell in (None, ""):
                continue
            if name in fields:
                item[name] = cell
            elif name:
                item["cost"][name] = cell  # type: ignore[index]  # a dict made just above
        out.append(item)
    return out
