"""What every delivery page shares: the form round trip, the programme in scope, the work
package and its schedule URL, and who may edit a schedule."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from openpmo.common.forms import add_refusal, save_form
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404, work_package_or_404

FORM = "delivery/form.html"


# A permission refusal is said on the form (a sponsor naming work packages outside their pillars).
_save_form = partial(save_form, refusal_on_form=True)
_add_errors = add_refusal


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
