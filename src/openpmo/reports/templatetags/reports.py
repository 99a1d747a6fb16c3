"""Filters and tags that print a report snapshot's cells and charts the same way everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.safestring import SafeString

from openpmo.reports import charts

register = template.Library()

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
NUMERIC = {"money", "number", "int", "percent"}


def display(value: Any, kind: str) -> str:
    """A snapshot cell as people read it: £1,234 (brackets when negative), 12.5%, 31 Mar 2024."""
    if value is None or value == "":
        return "–"
    try:
        if kind == "money":
            amount = Decimal(str(value))
            places = 0 if amount == amount.to_integral_value() else 2
            text = f"£{abs(amount):,.{places}f}"
            return f"({text})" if amount < 0 else text
        if kind == "number":
            amount = Decimal(str(value))
            places = 0 if amount == amount.to_integral_value() else 2
            return f"{amount:,.{places}f}"
        if kind == "int":
            return f"{int(value):,}"
        if kind == "percent":
            return f"{Decimal(str(value)) * 100:.1f}%"
        if kind == "date":
            return f"{dt.date.fromisoformat(str(value)):%-d %b %Y}"
        if kind == "month":
            return f"{dt.date.fromisoformat(str(value) + '-01'):%b %Y}"
    except (InvalidOperation, ValueError):
        return str(value)
    if kind == "rag":
        return RAG_LABELS.get(str(value), str(value))
    return str(value)


@register.filter
def cell(value: Any, kind: str = "text") -> str:
    return display(value, kind)


@register.filter
def is_numeric(kind: str) -> bool:
    return kind in NUMERIC


@register.filter
def zip_columns(row: list[Any], columns: list[dict[str, str]]) -> list[tuple[Any, dict[str, str]]]:
    return list(zip(row, columns, strict=False))


@register.simple_tag(takes_context=True)
def shown_rows(context: template.Context, table: dict[str, Any]) -> list[Any]:
    """The rows of ``table`` to print: the first ``row_limit`` when the page sets one (the live
    preview), else every row (governed reports, their PDF and print pages are whole)."""
    rows: list[Any] = table.get("rows", [])
    limit = context.get("row_limit")
    return rows[: int(limit)] if limit else rows


@register.filter
def charted_tables(section: dict[str, Any]) -> set[str]:
    """The keys of the tables a chart of this section is drawn from (printed beside it)."""
    return {chart.get("table") for chart in section.get("charts", [])}


@register.filter
def table_named(section: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((t for t in section.get("tables", []) if t.get("key") == key), None)


@register.simple_tag
def report_chart(chart: dict[str, Any], section: dict[str, Any], index: int) -> SafeString:
    data = table_named(section, chart.get("table", ""))
    return charts.render(chart, data, f"chart-{section.get('key')}-{index}")


@register.filter
def confidence_label(value: str) -> str:
    return value.replace("_", "/").title() if value else "Not set"
