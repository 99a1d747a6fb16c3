"""Every list endpoint as a spreadsheet: ``?format=xlsx`` or ``?format=csv``.

Set once in ``REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]``; the rows are what the JSON gives
(each object a row, nested objects as ``parent.child`` columns), with no pagination (see
``openpmo.api.pagination``), and cells that would run as formulas stored as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from openpmo.common import spreadsheets

SPREADSHEET_FORMATS = ("xlsx", "csv")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        if all(not isinstance(item, Mapping | list) for item in value):
            return {prefix: "; ".join("" if item is None else str(item) for item in value)}
        return {prefix: json.dumps(value, default=str)}
    return {prefix or "value": value}


def _rows(data: Any) -> list[Any]:
    if isinstance(data, Mapping) and isinstance(data.get("results"), list):
        return data["results"]
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        lists = [
            v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], Mapping)
        ]
        if len(lists) == 1:
            return lists[0]
    return [data]


def table_of(data: Any) -> tuple[list[str], list[list[Any]]]:
    """Headings (in first-seen order) and rows of what an endpoint returned."""
    flat_rows = [_flatten(row) for row in _rows(data)]
    headings: dict[str, None] = {}
    for row in flat_rows:
        headings.update(dict.fromkeys(row))
    names = list(headings)
    return names, [[_cell(row.get(name)) for name in names] for row in flat_rows]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _filename(renderer_context: Mapping[str, Any] | None, extension: str) -> str:
    view = (renderer_context or {}).get("view")
    name = getattr(view, "basename", None) or type(view).__name__.removesuffix("View").lower()
    return f"{name}.{extension}"


class _SpreadsheetRenderer(BaseRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = (
                f'attachment; filename="{_filename(renderer_context, self.format)}"'
            )
        headings, rows = table_of(data)
        return self.write(headings, rows)

    def write(self, headings: list[str], rows: list[list[Any]]) -> bytes:
        raise NotImplementedError


class XlsxRenderer(_SpreadsheetRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, headings: list[str], rows: list[list[Any]]) -> bytes:
        return spreadsheets.table_workbook("Export", headings, rows)


class CsvRenderer(_SpreadsheetRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def write(self, headings: list[str], rows: list[list[Any]]) -> bytes:
        return spreadsheets.csv_bytes(headings, rows)
