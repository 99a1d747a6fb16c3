"""Shared output of the finance commands (private): aligned text tables and JSON amounts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpmo.common.money import amount_text
from openpmo.core.finance import Discrepancy, bracketed
from openpmo.core.money import pounds


def render_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, title: str = "", left: int = 1
) -> str:
    """Align ``rows`` under ``header``: the first ``left`` columns to the left, others right."""
    widths = [len(cell) for cell in header]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(widths[index]) if index < left else cell.rjust(widths[index])
            for index, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    body = [line(header), rule, *(line(row) for row in rows)]
    return "\n".join([title, *body] if title else body)


def money(amount: Decimal, *, places: int = 2) -> str:
    """``1234.5`` -> ``"1,234.50"`` (rounded half up); negatives with a minus sign."""
    return amount_text(amount, places)


def json_amount(amount: Decimal | None) -> str | None:
    """An amount for ``--json``: a decimal string in pounds to 2 places (``None`` stays null)."""
    return None if amount is None else str(pounds(amount))


def print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False))


def discrepancy_rows(discrepancies: Sequence[Discrepancy], *, places: int) -> list[list[str]]:
    return [
        [
            item.year,
            item.line,
            bracketed(item.stated, places=places),
            bracketed(item.computed, places=places),
            money(item.difference, places=places),
            item.kind,
        ]
        for item in discrepancies
    ]


def discrepancies_json(discrepancies: Sequence[Discrepancy]) -> list[dict[str, str]]:
    """Each discrepancy's own shape (``Discrepancy.to_dict``), as the API returns it too."""
    return [item.to_dict() for item in discrepancies]


def _places(discrepancies: Sequence[Discrepancy]) -> int:
    exponents = [
        int(amount.normalize().as_tuple().exponent)
        for item in discrepancies
        for amount in (item.stated, item.computed)
    ]
    return max([0, *(-exponent for exponent in exponents)])


def print_discrepancies(discrepancies: Sequence[Discrepancy]) -> None:
    """The discrepancies as a table, figures to their last significant place."""
    if not discrepancies:
        print("Every stated figure agrees with the re-added figures.")
        return
    errors = sum(1 for item in discrepancies if item.kind == "error")
    print(
        f"{len(discrepancies)} stated figure(s) disagree: {errors} error(s), "
        f"{len(discrepancies) - errors} rounding difference(s) (difference = stated - computed)."
    )
    header = ["Year", "Line", "Stated", "Computed", "Difference", "Kind"]
    rows = discrepancy_rows(discrepancies, places=_places(discrepancies))
    print(render_table(header, rows, left=2))
