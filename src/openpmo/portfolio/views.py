"""Pages of the programme register. Each write goes through ``services``; errors come back to the
form (with the GOV.UK error summary) and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from openpmo.audit.selectors import latest_change
from openpmo.common.pages import filter_criteria, page_of
from openpmo.common.services import ConflictError
from openpmo.portfolio import selectors, services
from openpmo.portfolio.forms import (
    PillarForm,
    ProgrammeForm,
    SeparationOfDutiesForm,
    StageCorrectionForm,
    StrandForm,
    StrategicPriorityForm,
    WorkPackageFilterForm,
    WorkPackageForm,
)
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.portfolio.panels import work_package_links, work_package_panels


def _form_page(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], models.Model],
    *,
    title: str,
    success: str,
    back: models.Model | None = None,
) -> HttpResponse:
    """Show the form; on a valid POST run ``save`` (a service call) and go to what it saved.

    A refusal from the service (invalid, or changed by someone else meanwhile) comes back to the
    form with the GOV.UK error summary, status 400, and nothing saved.
    """
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        except (ConflictError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(obj)
    context = {"form": form, "title": title, "object": back}
    return render(request, "portfolio/form.html", context, status=400 if form.errors else 200)


def _require_page(request: HttpRequest, perm: str, obj: object, message: str) -> None:
    """Refuse the page itself (403) before showing a form the user could not submit."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    dashboard = selectors.programme_dashboard(programme)
    return render(
        request, "portfolio/programme_detail.html", {"programme": programme, "dashboard": dashboard}
    )


def programme_create(request: HttpRequest) -> HttpResponse:
    _require_page(request, "portfolio.add_programme", None, "Only the PMO can create a programme.")
    form = ProgrammeForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.programme_create(actor=request.user, **data),
        title="Create a programme",
        success="Programme {obj} created",
    )


def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    _require_page(
        request, "portfolio.change_programme", programme, "Only the PMO can change the programme."
    )
    form = ProgrammeForm(request.POST or None, instance=programme)
    return _form_page(
        request,
        form,
        lambda data: services.programme_update(
            actor=request.user,
            programme=programme,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        title=f"Edit {programme}",
        success="Programme {obj} saved",
        back=programme,
    )


def programme_separation_of_duties(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    _require_page(
        request,
        "portfolio.change_programme",
        programme,
        "Only the PMO can change the programme's separation of duties.",
    )
    form = SeparationOfDutiesForm(
        request.POST or None, initial={"enabled": programme.separation_of_duties}
    )
    return _form_page(
        request,
        form,
        lambda data: services.programme_separation_of_duties_set(
            actor=request.user, programme=programme, **data
        ),
        title=f"Separation of duties in {programme}",
        success="Separation of duties in {obj} changed",
        back=programme,
    )


def pillar_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=programme_pk)
    _require_page(request, "portfolio.add_pillar", programme, "Only the PMO can add pillars.")
    form = PillarForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.pillar_create(actor=request.user, programme=programme, **data),
        title=f"Add a pillar to {programme}",
        success="Pillar {obj} created",
        back=programme,
    )


def strategic_priority_create(request: HttpRequest, programme_pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=programme_pk)
    _require_page(
        request,
        "portfolio.add_strategicpriority",
        programme,
        "Only the PMO can add strategic priorities.",
    )
    form = StrategicPriorityForm(request.POST or None)

    def save(data: dict[str, Any]) -> Programme:
        services.strategic_priority_create(actor=request.user, programme=programme, **data)
        return programme

    return _form_page(
        request,
        form,
        save,
        title=f"Add a strategic priority to {programme}",
        success="Strategic priority added to {obj}",
        back=programme,
    )


def pillar_list(request: HttpRequest) -> HttpResponse:
    pillars = [(p, selectors.rag_mix_of(p)) for p in selectors.pillar_list()]
    return render(request, "portfolio/pillar_list.html", {"pillars": pillars})


def pillar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar.objects.select_related("programme", "sponsor"), pk=pk)
    strands = [(s, selectors.rag_mix_of(s)) for s in selectors.strand_list(pillar=pillar)]
    work_packages = selectors.work_package_list(pillar=pillar)
    return render(
        request,
        "portfolio/pillar_detail.html",
        {"pillar": pillar, "strands": strands, "work_packages": work_packages},
    )


def pillar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar, pk=pk)
    _require_page(
        request,
        "portfolio.change_pillar",
        pillar,
        "Only the PMO or this pillar's sponsor can change it.",
    )
    form = PillarForm(request.POST or None, instance=pillar)
    return _form_page(
        request,
        form,
        lambda data: services.pillar_update(
            actor=request.user,
            pillar=pillar,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        title=f"Edit {pillar}",
        success="Pillar {obj} saved",
        back=pillar,
    )


def strand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strand = get_object_or_404(Strand.objects.select_related("pillar", "lead"), pk=pk)
    work_packages = selectors.work_package_list(strand=strand)
    return render(
        request, "portfolio/strand_detail.html", {"strand": strand, "work_packages": work_packages}
    )


def strand_create(request: HttpRequest, pillar_pk: int) -> HttpResponse:
    pillar = get_object_or_404(Pillar, pk=pillar_pk)
    _require_page(
        request,
        "portfolio.add_strand",
        pillar,
        "Only the PMO or this pillar's sponsor can add strands to it.",
    )
    form = StrandForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: services.strand_create(actor=request.user, pillar=pillar, **data),
        title=f"Add a strand to {pillar}",
        success="Strand {obj} created",
        back=pillar,
    )


def strand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strand = get_object_or_404(Strand, pk=pk)
    _require_page(
        request,
        "portfolio.change_strand",
        strand,
        "Only the PMO or the pillar's sponsor can change this strand.",
    )
    form = StrandForm(request.POST or None, instance=strand)
    return _form_page(
        request,
        form,
        lambda data: services.strand_update(
            actor=request.user,
            strand=strand,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        title=f"Edit {strand}",
        success="Strand {obj} saved",
        back=strand,
    )


# The register's columns: (sort key, heading, numeric).
REGISTER_COLUMNS = [
    ("reference", "Reference", False),
    ("name", "Name", False),
    ("pillar", "Strand", False),
    ("stage", "Stage", False),
    ("rag", "RAG", False),
    ("owner", "Owner", False),
    ("finish", "Forecast finish", False),
    ("budget", "Budget envelope", True),
]


def work_package_list(request: HttpRequest) -> HttpResponse:
    """The register: filtered (MOJ filter layout), sorted by any column, 50 to a page."""
    filters = WorkPackageFilterForm(request.GET or None)
    criteria = filter_criteria(filters)
    sort = request.GET.get("sort", "reference")
    if sort not in selectors.WORK_PACKAGE_SORTS:
        sort = "reference"
    descending = request.GET.get("order") == "desc"
    packages = selectors.work_package_sorted(
        selectors.work_package_list(**criteria), sort, descending
    )
    page, query = page_of(request, packages)
    filtering = request.GET.copy()
    for name in ("page", "sort", "order"):
        filtering.pop(name, None)
    columns = [
        {
            "key": key,
            "label": label,
            "numeric": numeric,
            "sort": ("descending" if descending else "ascending") if key == sort else "none",
            "href": "?"
            + "&".join(
                part
                for part in (
                    filtering.urlencode(),
                    f"sort={key}",
                    "order=desc" if key == sort and not descending else "",
                )
                if part
            ),
        }
        for key, label, numeric in REGISTER_COLUMNS
    ]
    chosen = [
        (filters.fields[name].label or name, _chosen_label(filters, name, value))
        for name, value in criteria.items()
    ]
    return render(
        request,
        "portfolio/work_package_list.html",
        {
            # the rows are kept under the latest audited write: a governed change shows at once
            "latest_change": latest_change(),
            "filters": filters,
            "page": page,
            "query": query,
            "columns": columns,
            "chosen": chosen,
        },
    )


def _chosen_label(filters: WorkPackageFilterForm, name: str, value: object) -> str:
    """How a chosen filter reads in the 'selected filters' list."""
    choices = dict(getattr(filters.fields[name], "choices", []) or [])
    return str(choices.get(str(value), value))


def work_package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        work_package = selectors.work_package_get(pk)
    except WorkPackage.DoesNotExist:
        from django.http import Http404

        raise Http404("No such work package") from None
    return render(
        request,
        "portfolio/work_package_detail.html",
        {
            "work_package": work_package,
            "can_edit": request.user.has_perm("portfolio.change_workpackage", work_package),
            "can_correct_stage": request.user.has_perm(
                "portfolio.correct_workpackage_stage", work_package
            ),
            "related": work_package_links(work_package),
            "panels": work_package_panels(request, work_package),
        },
    )


def work_package_create(request: HttpRequest) -> HttpResponse:
    strand = get_object_or_404(
        Strand.objects.select_related("pillar__programme"),
        pk=request.GET.get("strand") or request.POST.get("strand") or 0,
    )
    _require_page(
        request,
        "portfolio.add_workpackage",
        strand,
        "Only the PMO or the pillar's sponsor can add work packages here.",
    )
    form = WorkPackageForm(
        request.POST or None, initial={"strand": strand.pk}, programme=strand.pillar.programme
    )

    def save(data: dict[str, Any]) -> WorkPackage:
        target = data.pop("strand")
        return services.work_package_create(actor=request.user, strand=target, **data)

    return _form_page(
        request,
        form,
        save,
        title=f"Add a work package to {strand}",
        success="Work package {obj} created",
        back=strand,
    )


def work_package_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work_package = get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme"), pk=pk
    )
    _require_page(
        request,
        "portfolio.change_workpackage",
        work_package,
        "Only the PMO, the pillar's sponsor or the work package's manager can change it.",
    )
    form = WorkPackageForm(
        request.POST or None,
        instance=work_package,
        programme=work_package.strand.pillar.programme,
        user=request.user,
    )
    return _form_page(
        request,
        form,
        lambda data: services.work_package_update(
            actor=request.user,
            work_package=work_package,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        title=f"Edit {work_package}",
        success="Work package {obj} saved",
        back=work_package,
    )


def work_package_stage_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The PMO corrects a stage recorded wrongly, with the reason (stages otherwise move only
    through gate decisions)."""
    work_package = get_object_or_404(WorkPackage, pk=pk)
    _require_page(
        request,
        "portfolio.correct_workpackage_stage",
        work_package,
        "Only the PMO can correct a work package's stage; otherwise it moves through gate "
        "decisions.",
    )
    form = StageCorrectionForm(
        request.POST or None, initial={"stage": work_package.stage, "version": work_package.version}
    )
    return _form_page(
        request,
        form,
        lambda data: services.work_package_stage_correct(
            actor=request.user,
            work_package=work_package,
            expected_version=form.cleaned_data.get("version"),
            **data,
        ),
        title=f"Correct the stage of {work_package}",
        success="Stage of {obj} corrected",
        back=work_package,
    )
