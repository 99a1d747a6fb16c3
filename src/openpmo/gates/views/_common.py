"""What the gates pages share: saving a form through a service, the programme in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from openpmo.common.forms import add_refusal, save_form
from openpmo.portfolio.models import Programme
from openpmo.portfolio.selectors import programme_in_scope_or_404


def _save_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any],
    success: str,
    target: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Save through the service; a refusal on a field the form lacks is headed by its name."""
    return save_form(
        request, form, save, template, context, success, target=target, name_other_fields=True
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    """Service errors by field onto the form; a field the form lacks goes to the summary."""
    add_refusal(form, error, name_other_fields=True)


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)
