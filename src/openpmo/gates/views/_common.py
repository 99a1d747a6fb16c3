"""What the gates pages share: saving a form through a service, the programme in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openpmo.common.services import ConflictError
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
    """Run ``save`` on valid input; show the form again with every error on refusal."""
    if form.is_valid():
        try:
            obj = save(form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(target(obj) if target else obj.get_absolute_url())
    return render(request, template, {**context, "form": form}, status=400)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Service errors by field onto the form; a field the form lacks goes to the summary."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message if target else f"{_label(field)}: {message}")


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize() if field != "__all__" else "Problem"


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)
