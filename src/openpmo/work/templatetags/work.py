from __future__ import annotations

from typing import Any

from django import template

from openpmo.work import selectors

register = template.Library()


@register.inclusion_tag("work/_panel.html", takes_context=True)
def my_work_panel(context: dict[str, Any]) -> dict[str, Any]:
    """``{% load work %}{% my_work_panel %}``: the signed-in person's work, compact."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"items": selectors.my_work(user) if user is not None else [], "request": request}
