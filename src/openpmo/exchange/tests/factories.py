"""Registers as files, the way a PMO would save them from Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from openpmo.exchange.choices import REGISTER_COLUMNS

HEADINGS = [heading for heading, _ in REGISTER_COLUMNS]


def register_row(**cells: Any) -> list[Any]:
    """A row in the template's column order, from ``Heading=value`` (spaces as underscores)."""
    by_heading = {k.replace("_", " ").lower(): v for k, v in cells.items()}
    return [by_heading.get(h.lower(), "") for h in HEADINGS]


def register_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """As Excel saves "CSV UTF-8": a byte-order mark, then plain comma-separated cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
