"""Template filters of the benefits pages: values in their unit, signed percentages, RAG tags."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from openpmo.common.money import money_text
from openpmo.common.rag import rag_tag

register = template.Library()


@register.filter
def amount(value: Decimal | int | None, unit: str = "£") -> str:
    """A value in its unit: £1,234 (negative in brackets, as finance prints), 1,234.5 hours."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    if unit == "£":
        return money_text(number, 0 if number == number.to_integral() or abs(number) >= 1000 else 2)
    text = f"{abs(number):,.2f}".rstrip("0").rstrip(".")
    sign = "−" if number < 0 else ""
    suffix = {"%": "%", "count": ""}.get(unit, f" {unit}")
    return f"{sign}{text}{suffix}"


@register.filter
def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    if value > 0:
        return f"+{value}%"
    if value < 0:
        return f"−{abs(value)}%"
    return "0.0%"


@register.filter
def rag_of(value: object) -> SafeString | str:
    """The GOV.UK tag of an engine ``Rag`` (or "No plan yet" when there is none)."""
    if value is None:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey openpmo-rag">{}</strong>', "No plan"
        )
    return rag_tag(str(getattr(value, "value", value)))


@register.filter
def month_name(value: object) -> str:
    """``2024-04`` as "April 2024"."""
    first_day = getattr(value, "first_day", None)
    return first_day.strftime("%B %Y") if first_day else str(value)


@register.filter
def ratio_percent(value: Decimal | None) -> str:
    """0.95 as 95%."""
    if value is None:
        return "–"
    return f"{(Decimal(value) * 100).normalize():f}%"
