"""The interdependency register: list, detail, create and edit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from openpmo.common.pages import filter_criteria
from openpmo.delivery import selectors, services
from openpmo.delivery.forms import (
    InterdependencyFilterForm,
    InterdependencyForm,
)
from openpmo.delivery.models import (
    Interdependency,
)
from openpmo.delivery.views._common import (
    FORM,
    _programme,
    _save_form,
)


def interdependency_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    filters = InterdependencyFilterForm(request.GET or None)
    criteria = filter_criteria(filters)
    view = selectors.programme_schedule(programme)
    rows = [
        (d, view.checks.get(d.pk))
        for d in selectors.interdependency_list(programme=programme, **criteria)
    ]
    return render(
        request,
        "delivery/interdependency_list.html",
        {
            "programme": programme,
            "filters": filters,
            "rows": rows,
            "can_add": request.user.has_perm("delivery.add_interdependency"),
        },
    )


def interdependency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dependency = selectors.interdependency_get(pk)
    except Interdependency.DoesNotExist:
        raise Http404("No such interdependency") from None
    view = selectors.programme_schedule(dependency.from_work_package.strand.pillar.programme)
    return render(
        request,
        "delivery/interdependency_detail.html",
        {
            "dependency": dependency,
            "check": view.checks.get(dependency.pk),
            "can_edit": request.user.has_perm("delivery.change_interdependency", dependency),
        },
    )


def interdependency_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("delivery.add_interdependency"):
        raise PermissionDenied("Only the PMO and pillar sponsors record interdependencies.")
    initial = {
        name: request.GET[name]
        for name in ("from_work_package", "to_work_package")
        if request.GET.get(name, "").isdecimal()
    }
    form = InterdependencyForm(request.POST or None, programme=programme, initial=initial)
    context = {
        "title": "Record an interdependency",
        "back": reverse("delivery:interdependency-list"),
    }
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.interdependency_create(actor=request.user, **data),
        FORM,
        context,
        "{obj} recorded",
    )


def interdependency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dependency = get_object_or_404(
        Interdependency.objects.select_related(
            "from_work_package__strand__pillar__programme", "to_work_package__strand__pillar"
        ),
        pk=pk,
    )
    if not request.user.has_perm("delivery.change_interdependency", dependency):
        raise PermissionDenied(
            "Only the PMO or the sponsor of either work package's pillar can change this."
        )
    form = InterdependencyForm(
        request.POST or None,
        instance=dependency,
        programme=dependency.from_work_package.strand.pillar.programme,
    )
    context = {"title": f"Edit {dependency.reference}", "back": dependency.get_absolute_url()}
    if request.method != "POST":
        return render(request, FORM, {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.interdependency_update(
            actor=request.user,
            interdependency=dependency,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        FORM,
        context,
        "{obj} saved",
    )
