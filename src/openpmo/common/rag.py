"""One display of a RAG or delivery-confidence value for every page: a GOV.UK tag with its words
(text, never colour alone). The ``rag`` template filter in ``web/templatetags/govuk.py`` and the
benefits pages' filters call it."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_RAG_CLASSES = {
    "green": "govuk-tag--green",
    "amber_green": "govuk-tag--turquoise",
    "amber": "govuk-tag--orange",
    "amber_red": "govuk-tag--pink",
    "red": "govuk-tag--red",
}


def rag_tag(value: str | None, label: str = "") -> SafeString:
    """A coloured tag for a RAG or delivery-confidence value; "Not set" in grey for none."""
    if not value:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey openpmo-rag">Not set</strong>')  # noqa: S308 (constant)
    text = label or value.replace("_", "/").title()
    css = _RAG_CLASSES.get(value, "govuk-tag--grey")
    return format_html('<strong class="govuk-tag {} openpmo-rag">{}</strong>', css, text)
