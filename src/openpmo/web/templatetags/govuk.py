"""Template tags that render Django forms and values as GOV.UK Design System components."""

from __future__ import annotations

from decimal import Decimal

from django import forms, template

from openpmo.common.money import money_text
from openpmo.common.rag import rag_tag

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.inclusion_tag("includes/field.html")
def govuk_field(field: forms.BoundField, width: str = "") -> dict[str, object]:
    """One form field with its label, hint and error message, in GOV.UK markup."""
    kind = _kind(field)
    input_class = {
        "input": "govuk-input",
        "select": "govuk-select",
        "textarea": "govuk-textarea",
    }.get(kind, "")
    if width and kind == "input":
        input_class += f" govuk-input--width-{width}"
    if field.errors and input_class:
        input_class += f" {input_class.split()[0]}--error"
    attrs: dict[str, str] = {}
    if input_class:
        attrs["class"] = input_class
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return {
        "field": field,
        "kind": kind,
        "widget": field.as_widget(attrs=attrs) if kind in {"input", "select", "textarea"} else "",
    }


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict[str, object]:
    """The error summary at the top of a page: every error, each linked to its field."""
    errors = []
    for error in form.non_field_errors():
        errors.append({"text": error, "href": ""})
    for field in form:
        for error in field.errors:
            errors.append({"text": error, "href": f"#{field.auto_id}"})
    return {"errors": errors}


@register.filter
def rag(value: str | None, label: str = "") -> str:
    """A coloured tag for a RAG or delivery-confidence value (``openpmo.common.rag``)."""
    return rag_tag(value, label)


@register.filter
def money(value: Decimal | int | None, places: int = 0) -> str:
    """£1,234 (or £1,234.56 with ``places=2``), rounded half up; negative amounts in brackets, as
    finance prints them (``openpmo.common.money``, the one money display)."""
    return money_text(value, int(places))


@register.filter
def percent_of(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` for CSS widths, ``0`` when ``whole`` is 0."""
    return f"{(100 * part / whole):.1f}" if whole else "0"
