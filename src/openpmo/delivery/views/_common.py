"""What every delivery page shares: the form round trip, the programme in scope, the work
package and its schedule URL, and who may edit a schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from openpmo.common.services import ConflictError
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404, work_package_or_404

FORM = "delivery/form.html"


def _save_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], models.Model],
    template: str,
    context: dict[str, Any],
    success: str,
) -> HttpResponse:
    """Run ``save`` on valid input; show the form again with every error on refusal."""
    if form.is_valid():
        try:
            obj = save(form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            # e.g. a sponsor naming two work packages outside their pillars: say so on the form
            form.add_error(None, str(error) or "Your role does not allow this.")
            return render(request, template, {**context, "form": form}, status=403)
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(obj)
    return render(
        request, template, {**context, "form": form}, status=200 if not form.errors else 400
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


def _work_package(pk: int) -> WorkPackage:
    return work_package_or_404(pk)


def _long(moment: Any) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _xml_download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _require_schedule_editor(request: HttpRequest, wp: WorkPackage) -> None:
    if not request.user.has_perm("delivery.change_schedule", wp):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the work package's manager can change its "
            "schedule."
        )


def _wp_url(wp: WorkPackage) -> str:
    return reverse("delivery:work-package-schedule", args=[wp.pk])
