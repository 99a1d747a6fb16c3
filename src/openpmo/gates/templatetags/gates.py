"""Tags for the gates pages: outcomes and request statuses as GOV.UK tags (text, never colour alone)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from openpmo.gates.choices import Outcome, RequestStatus

register = template.Library()

_OUTCOME = {
    Outcome.APPROVED: "govuk-tag--green",
    Outcome.APPROVED_WITH_CONDITIONS: "govuk-tag--turquoise",
    Outcome.DEFERRED: "govuk-tag--yellow",
    Outcome.REJECTED: "govuk-tag--red",
}
_STATUS = {
    RequestStatus.SUBMITTED: "govuk-tag--blue",
    RequestStatus.FORWARDED: "govuk-tag--purple",
    RequestStatus.RETURNED: "govuk-tag--orange",
    RequestStatus.DECIDED: "govuk-tag--grey",
}


@register.filter
def outcome_tag(value: str) -> str:
    label = dict(Outcome.choices).get(value, value)
    return format_html('<strong class="govuk-tag {}">{}</strong>', _OUTCOME.get(value, ""), label)


@register.filter
def status_tag(value: str) -> str:
    label = dict(RequestStatus.choices).get(value, value)
    return format_html('<strong class="govuk-tag {}">{}</strong>', _STATUS.get(value, ""), label)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return (mapping or {}).get(key)
