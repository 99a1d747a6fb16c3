"""Planning shown on other apps' pages without those apps importing planning:
``{% load planning %}{% affordability_warning programme %}`` on the dashboard and
``{% funding_decision work_package %}`` in the register."""

from __future__ import annotations

from typing import Any

from django import template

from openpmo.planning import selectors

register = template.Library()


@register.inclusion_tag("planning/_affordability_warning.html")
def affordability_warning(programme: Any) -> dict[str, Any]:
    return {"affordability": selectors.affordability(programme)}


@register.inclusion_tag("planning/_funding_decision.html")
def funding_decision(work_package: Any) -> dict[str, Any]:
    return {"decision": selectors.current_decisions([work_package]).get(work_package.pk)}
