"""Reading a programme register from a spreadsheet and planning what importing it would do.

``plan_register(rows)`` reads every row, checks every cell, and says per row what would happen
(create, update with which fields, unchanged) or what is wrong (row, column, message). Nothing is
written here: ``services.register_import_commit`` carries out a plan without errors, all or
nothing, through the portfolio's services.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from openpmo.accounts.models import User
from openpmo.common.spreadsheets import cell_date, cell_text
from openpmo.exchange.choices import REGISTER_COLUMNS, REQUIRED
from openpmo.portfolio.choices import DeliveryConfidence, RagStatus, Stage
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage

HEADING_OF = dict((name, heading) for heading, name in REGISTER_COLUMNS)
DATE_FIELDS = ("baseline_start", "baseline_end", "forecast_start", "forecast_end")
PLAIN_FIELDS = (
    "name",
    "description",
    "stage",
    "rag_status",
    "delivery_confidence",
    *DATE_FIELDS,
    "budget_envelope",
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    row: int
    reference: str
    action: str  # "create", "update" or "unchanged"
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    programme: Programme | None = None
    pillar: str = ""
    pillar_objective: str = ""
    pillar_sponsor: User | None = None
    strand: str = ""
    priorities: list[str] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_pillars: list[str] = field(default_factory=list)
    new_strands: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> dict[str, int]:
        return {
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "new_pillars": len(self.new_pillars),
            "new_strands": len(self.new_strands),
        }


_text = cell_text


def _choice(value: str, choices: Any, aliases: dict[str, str] | None = None) -> str:
    """A choice by its value or label, any case ("Amber/Green", "amber_green", "A/G")."""
    key = value.strip().lower()
    if not key:
        return ""
    for choice_value, label in choices.choices:
        if key in (choice_value, label.lower()):
            return choice_value
    if aliases and key in aliases:
        return aliases[key]
    names = ", ".join(label for _, label in choices.choices)
    raise ValueError(f"“{value}” is not one of: {names}.")


def _date(value: Any) -> dt.date | None:
    return cell_date(value, _text_date)


def _text_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (write 2025-04-01 or 01/04/2025).")


MAX_BUDGET = Decimal("1e10")


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    text = re.sub(r"[£,\s]", "", _text(value))
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"“{value}” is not an amount of pounds.") from error
    if not amount.is_finite():
        raise ValueError(f"“{value}” is not an amount of pounds.")
    if amount >= MAX_BUDGET:
        # 1e300 would overflow the column (and quantize): no work package's budget is near this
        raise ValueError(f"“{_text(value)[:40]}” is beyond £10,000,000,000: check the figure.")
    if amount < 0:
        raise ValueError("A budget cannot be negative.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Give the budget in pounds and pence (two decimal places at most).")
    return amount.quantize(Decimal("0.01"))


class _People:
    """People by email or user name, looked up once for the whole file."""

    def __init__(self) -> None:
        self._cache: dict[str, User | None] = {}

    def get(self, text: str) -> User | None:
        key = text.strip().lower()
        if not key:
            return None
        if key not in self._cache:
            self._cache[key] = User.objects.filter(
                Q(email__iexact=key) | Q(username__iexact=key), is_active=True
            ).first()
        if self._cache[key] is None:
            raise ValueError(f"Nobody signs in as “{text}”: invite them first (People).")
        return self._cache[key]


def _headings(first: list[Any], errors: list[RowError]) -> dict[int, str]:
    by_heading = {heading.lower(): name for heading, name in REGISTER_COLUMNS}
    columns: dict[int, str] = {}
    for index, heading in enumerate(first):
        name = by_heading.get(_text(heading).lower())
        if name:
            columns[index] = name
    for name in REQUIRED:
        if name not in columns.values():
            errors.append(RowError(1, HEADING_OF[name], "This column is missing."))
    return columns


def _programme(text: str, cache: dict[str, Programme | None]) -> Programme:
    key = text.lower()
    if key not in cache:
        cache[key] = Programme.objects.filter(
            Q(name__iexact=text) | Q(short_name__iexact=text)
        ).first()
    if cache[key] is None:
        raise ValueError(f"There is no programme “{text}”: create it first.")
    return cache[key]  # type: ignore[return-value]


def _read_row(
    number: int, cells: dict[str, Any], people: _People, programmes: dict, errors: list[RowError]
) -> RowPlan | None:
    plan = RowPlan(row=number, reference=_text(cells.get("reference")), action="create")
    before = len(errors)

    def check(name: str, read: Any) -> Any:
        try:
            return read()
        except ValueError as error:
            errors.append(RowError(number, HEADING_OF[name], str(error)))
            return None

    for name in REQUIRED:
        if not _text(cells.get(name)):
            errors.append(RowError(number, HEADING_OF[name], "This cell is empty."))
    if len(errors) > before:
        return None
    plan.programme = check("programme", lambda: _programme(_text(cells["programme"]), programmes))
    plan.pillar = _text(cells["pillar"])
    plan.pillar_objective = _text(cells.get("pillar_objective"))
    plan.pillar_sponsor = check(
        "pillar_sponsor", lambda: people.get(_text(cells.get("pillar_sponsor")))
    )
    plan.strand = _text(cells["strand"])
    plan.priorities = [p.strip() for p in _text(cells.get("priorities")).split(";") if p.strip()]
    values: dict[str, Any] = {
        "name": _text(cells["name"]),
        "description": _text(cells.get("description")),
        "owner": check("owner", lambda: people.get(_text(cells.get("owner")))),
        "stage": check("stage", lambda: _choice(_text(cells.get("stage")), Stage)),
        "rag_status": check(
            "rag_status",
            lambda: _choice(
                _text(cells.get("rag_status")), RagStatus, {"g": "green", "a": "amber", "r": "red"}
            ),
        ),
        "delivery_confidence": check(
            "delivery_confidence",
            lambda: _choice(_text(cells.get("delivery_confidence")), DeliveryConfidence),
        ),
        "budget_envelope": check("budget_envelope", lambda: _money(cells.get("budget_envelope"))),
    }
    for name in DATE_FIELDS:
        values[name] = check(name, lambda name=name: _date(cells.get(name)))
    for start, end in (("baseline_start", "baseline_end"), ("forecast_start", "forecast_end")):
        if values[start] and values[end] and values[end] < values[start]:
            errors.append(
                RowError(number, HEADING_OF[end], f"Ends before its {HEADING_OF[start].lower()}.")
            )
    if len(values["name"]) > 200:
        errors.append(RowError(number, "Name", "Names are 200 characters at most."))
    if len(plan.reference) > 30:
        errors.append(RowError(number, "Reference", "References are 30 characters at most."))
    plan.values = values
    return None if len(errors) > before else plan


def _compare(plan: RowPlan, existing: WorkPackage, errors: list[RowError]) -> None:
    """Fill in ``action`` and ``changes`` against the stored work package."""
    values = dict(plan.values)
    if not values["stage"]:
        values["stage"] = existing.stage
    elif values["stage"] != existing.stage:
        errors.append(
            RowError(
                plan.row,
                "Stage",
                f"{existing.reference} is at {existing.get_stage_display()}: its stage changes "
                "only through a gate decision. Leave the cell as it is, or empty.",
            )
        )
    plan.values = values
    changes = [
        name
        for name in PLAIN_FIELDS
        if values[name] != getattr(existing, name)
        and not (values[name] is None and name == "stage")
    ]
    if (values["owner"].pk if values["owner"] else None) != existing.owner_id:
        changes.append("owner")
    strand = existing.strand
    if (strand.name, strand.pillar.name, strand.pillar.programme_id) != (
        plan.strand,
        plan.pillar,
        plan.programme.pk if plan.programme else None,
    ):
        changes.append("strand")
    current = sorted(p.title for p in existing.strategic_priorities.all())  # prefetched
    if sorted(plan.priorities) != current:
        changes.append("strategic_priorities")
    plan.changes = changes
    plan.action = "update" if changes else "unchanged"


def plan_register(rows: list[list[Any]]) -> Plan:
    """Read the rows of a register (first row the headings) and plan the import."""
    plan = Plan()
    if not rows:
        plan.errors.append(RowError(1, "(file)", "The file is empty."))
        return plan
    columns = _headings(rows[0], plan.errors)
    if plan.errors:
        return plan
    people, programmes = _People(), {}
    seen: dict[str, int] = {}
    existing = {
        wp.reference: wp
        for wp in WorkPackage.objects.select_related("strand__pillar").prefetch_related(
            "strategic_priorities"
        )
    }
    pillars = {(p.programme_id, p.name) for p in Pillar.objects.all()}
    strands = {
        (s.pillar.programme_id, s.pillar.name, s.name)
        for s in Strand.objects.select_related("pillar")
    }
    for number, raw in enumerate(rows[1:], start=2):
        cells = {name: raw[i] if i < len(raw) else None for i, name in columns.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        row = _read_row(number, cells, people, programmes, plan.errors)
        if row is None or row.programme is None:
            continue
        if row.reference in seen:
            plan.errors.append(
                RowError(
                    number, "Reference", f"{row.reference} is also on row {seen[row.reference]}."
                )
            )
            continue
        seen[row.reference] = number
        pillar_key = (row.programme.pk, row.pillar)
        if pillar_key not in pillars:
            if not row.pillar_objective:
                plan.errors.append(
                    RowError(
                        number,
                        "Pillar objective",
                        f"“{row.pillar}” is a new pillar: give its objective.",
                    )
                )
                continue
            pillars.add(pillar_key)
            plan.new_pillars.append(row.pillar)
        if (*pillar_key, row.strand) not in strands:
            strands.add((*pillar_key, row.strand))
            plan.new_strands.append(f"{row.pillar} / {row.strand}")
        if row.reference in existing:
            _compare(row, existing[row.reference], plan.errors)
        else:
            row.values["stage"] = row.values["stage"] or Stage.DISCOVERY
            row.changes = ["new"]
        plan.rows.append(row)
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(2, "(file)", "There are no work packages under the headings."))
    return plan
