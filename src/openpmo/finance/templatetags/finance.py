"""Money as finance officers print it."""

from __future__ import annotations

from decimal import Decimal

from django import template

from openpmo.core.finance import bracketed as _bracketed
from openpmo.core.money import thousands

register = template.Library()


@register.filter
def bracketed(value: Decimal | None, unit: Decimal | int = 1) -> str:
    """``-8749000`` with unit 1000 -> ``(8,749)``: negatives in brackets, as the report prints."""
    if value is None or value == "":
        return "–"
    unit = Decimal(unit or 1)
    if unit == 1:  # as given, to the pence it has (a typed table keeps its own places)
        exponent = Decimal(value).normalize().as_tuple().exponent
        places = max(0, min(2, -int(exponent))) if isinstance(exponent, int) else 0
        return _bracketed(Decimal(value), places=places)
    return _bracketed(Decimal(value) / unit)


@register.filter
def in_thousands(value: Decimal | None) -> str:
    """Pounds as whole £'000, half up (the way Table 1 prints them)."""
    if value is None or value == "":
        return "–"
    return f"{thousands(Decimal(value)):,}"


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{Decimal(value) * 100:.1f}%".replace(".0%", "%")


@register.filter
def bcr(value: Decimal | None) -> str:
    return "–" if value is None else f"{Decimal(value):.2f}"


@register.filter
def item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
