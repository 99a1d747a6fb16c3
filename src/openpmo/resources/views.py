"""Pages of resources: capacity heat map with what-ifs, the pool, suppliers, demand, levelling,
the hybrid mix and the core team. Writes go through ``services``; a refusal comes back to the
form with the GOV.UK error summary and nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from openpmo.common import uploads
from openpmo.finance.models import TeamCostPlan
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.resources import excel, msproject, planning, selectors, services, team
from openpmo.resources.forms import (
    ContractForm,
    DemandRowForm,
    HybridForm,
    PersonForm,
    SupplierForm,
    UploadForm,
    WhatIfForm,
)
from openpmo.resources.models import Demand, ResourceRole

MSPDI = "application/xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(request: HttpRequest) -> Programme:
    chosen = request.GET.get("programme")
    programmes = Programme.objects.order_by("pk")
    programme = (
        programmes.filter(pk=chosen).first() if chosen and chosen.isdigit() else programmes.first()
    )
    if programme is None:
        raise Http404("No programme has been set up yet.")
    return programme


def home(request: HttpRequest) -> HttpResponse:
    """Capacity against demand by role and month (heat map and table), with a what-if beside."""
    programme = _programme(request)
    pillar = None
    if request.GET.get("pillar", "").isdigit():
        pillar = get_object_or_404(Pillar, pk=request.GET["pillar"], programme=programme)
    grid = selectors.capacity_grid(programme, pillar=pillar)
    form = WhatIfForm(request.GET if "what_if" in request.GET else None, programme=programme)
    scenario = None
    if form.is_bound and form.is_valid() and form.what_if():
        scenario = selectors.capacity_grid(programme, pillar=pillar, what_if=form.what_if())
    drill = None
    if request.GET.get("role", "").isdigit() and request.GET.get("month"):
        role = get_object_or_404(ResourceRole, pk=request.GET["role"], programme=programme)
        try:
            month = dt.date.fromisoformat(request.GET["month"]).replace(day=1)
        except ValueError:
            month = None
        if month is not None and (role.pk, month) in grid.cells:
            drill = (role, month, grid.cells[(role.pk, month)])
    context = {
        "programme": programme,
        "pillar": pillar,
        "pillars": programme.pillars.all(),
        "grid": grid,
        "rows": [
            (role, list(zip(grid.months, grid.row(role), strict=True))) for role in grid.roles
        ],
        "form": form,
        "scenario": scenario,
        "comparison": _comparison(grid, scenario) if scenario else None,
        "drill": drill,
    }
    return render(request, "resources/home.html", context, status=400 if form.errors else 200)


def _comparison(grid: selectors.Grid, scenario: selectors.Grid) -> dict[str, object]:
    peaks, new_peaks = grid.peaks(), scenario.peaks()
    years = sorted(set(grid.cost_by_year) | set(scenario.cost_by_year))
    finishes = [
        (package, grid.finishes.get(package), scenario.finishes.get(package))
        for package in sorted(
            set(grid.finishes) | set(scenario.finishes), key=lambda p: p.reference
        )
        if grid.finishes.get(package) != scenario.finishes.get(package)
    ]
    return {
        "peaks": [
            (role, peaks.get(role, Decimal(0)), new_peaks.get(role, Decimal(0)))
            for role in grid.roles
        ],
        "costs": [
            (
                year,
                grid.cost_by_year.get(year, Decimal(0)),
                scenario.cost_by_year.get(year, Decimal(0)),
            )
            for year in years
        ],
        "finishes": finishes,
    }


def people(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    form = PersonForm(request.POST or None, programme=programme)
    upload = UploadForm(request.POST or None, request.FILES or None, prefix="upload")
    if request.method == "POST":
        try:
            if "upload-file" in request.FILES:
                file = uploads.checked(uploads.SPREADSHEET, request.FILES["upload-file"])
                saved = excel.import_people(actor=request.user, programme=programme, file=file)
                messages.success(request, f"{len(saved)} people added from the workbook.")
                return redirect(request.get_full_path())
            if form.is_valid():
                person = services.person_create(
                    actor=request.user, programme=programme, **form.service_data()
                )
                messages.success(request, f"{person} added to the pool.")
                return redirect(request.get_full_path())
        except ValidationError as error:
            (upload if "upload-file" in request.FILES else form).add_error(None, error)
    context = {
        "programme": programme,
        "people": selectors.person_list(programme),
        "form": form,
        "upload": upload,
        "can_manage": request.user.has_perm("resources.manage_pool", programme),
    }
    return render(
        request,
        "resources/people.html",
        context,
        status=400 if form.errors or upload.errors else 200,
    )


def people_export(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    response = HttpResponse(excel.export_people(programme), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{programme.short_name}-people.xlsx"'
    return response


def suppliers(request: HttpRequest) -> HttpResponse:
    """The supplier and partner register with its contracts; PMO adds to it here."""
    programme = _programme(request)
    supplier_form = SupplierForm(request.POST or None, prefix="supplier")
    contract_form = ContractForm(request.POST or None, prefix="contract", programme=programme)
    if request.method == "POST":
        adding_contract = "contract-reference" in request.POST
        form = contract_form if adding_contract else supplier_form
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if adding_contract:
                    supplier = data.pop("supplier")
                    services.contract_create(actor=request.user, supplier=supplier, **data)
                else:
                    services.supplier_create(actor=request.user, programme=programme, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved.")
                return redirect(request.get_full_path())
    context = {
        "programme": programme,
        "suppliers": selectors.supplier_list(programme),
        "supplier_form": supplier_form,
        "contract_form": contract_form,
        "can_manage": request.user.has_perm("resources.manage_suppliers", programme),
    }
    status = 400 if supplier_form.errors or contract_form.errors else 200
    return render(request, "resources/suppliers.html", context, status=status)


def demand(request: HttpRequest, pk: int) -> HttpResponse:
    """A work package's demand by role and month: typed one row at a time, or a workbook."""
    work_package = get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme"), pk=pk
    )
    programme = work_package.strand.pillar.programme
    form = DemandRowForm(request.POST or None, programme=programme)
    upload = UploadForm(request.POST or None, request.FILES or None, prefix="upload")
    if request.method == "POST":
        try:
            if "upload-file" in request.FILES:
                file = request.FILES["upload-file"]
                is_xml = (file.name or "").lower().endswith(".xml")
                uploads.checked(uploads.SCHEDULE if is_xml else uploads.SPREADSHEET, file)
                if is_xml:
                    count = msproject.import_mspdi_demand(
                        actor=request.user, work_package=work_package, data=file.read()
                    )
                else:
                    count = excel.import_demand(actor=request.user, programme=programme, file=file)
                messages.success(request, f"{count} rows of demand imported.")
                return redirect(request.path)
            if form.is_valid():
                data = form.cleaned_data
                services.demand_set(
                    actor=request.user,
                    work_package=work_package,
                    rows=[(data["role"], data["month"], data["fte"])],
                )
                messages.success(request, "Demand saved.")
                return redirect(request.path)
        except ValidationError as error:
            (upload if "upload-file" in request.FILES else form).add_error(None, error)
    rows = (
        Demand.objects.filter(work_package=work_package)
        .select_related("role")
        .order_by("month", "role__name")
    )
    context = {
        "work_package": work_package,
        "rows": rows,
        "form": form,
        "upload": upload,
        "can_change": request.user.has_perm("resources.change_demand", work_package),
    }
    return render(
        request,
        "resources/demand.html",
        context,
        status=400 if form.errors or upload.errors else 200,
    )


def _mspdi_response(work_package: WorkPackage) -> HttpResponse:
    response = HttpResponse(msproject.demand_to_mspdi(work_package), content_type=MSPDI)
    name = f"{work_package.reference}-demand.xml".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def demand_mspdi(request: HttpRequest, pk: int) -> HttpResponse:
    """The package's demand as a Microsoft Project file (resources and assignments)."""
    work_package = get_object_or_404(WorkPackage, pk=pk)
    if not request.user.has_perm("resources.view"):
        raise PermissionDenied
    return _mspdi_response(work_package)


def levelling(request: HttpRequest) -> HttpResponse:
    """The programme's plan as entered beside the levelled plan, with what moved and why."""
    programme = _programme(request)
    plan = planning.levelled_plan(programme)
    return render(request, "resources/levelling.html", {"programme": programme, "plan": plan})


def hybrid(request: HttpRequest) -> HttpResponse:
    """In-house, partner and hybrid delivery of a strand or a work package, side by side."""
    programme = _programme(request)
    form = HybridForm(request.GET or None)
    share = form.cleaned_data["share"] if form.is_bound and form.is_valid() else Decimal("0.5")
    packages: list[WorkPackage] = []
    subject: object = None
    if request.GET.get("strand", "").isdigit():
        subject = get_object_or_404(Strand, pk=request.GET["strand"], pillar__programme=programme)
        packages = list(subject.work_packages.all())
    elif request.GET.get("work_package", "").isdigit():
        subject = get_object_or_404(
            WorkPackage, pk=request.GET["work_package"], strand__pillar__programme=programme
        )
        packages = [subject]
    options = (
        selectors.hybrid_comparison(programme, packages, hybrid_share=share) if packages else []
    )
    strands = Strand.objects.filter(pillar__programme=programme).select_related("pillar")
    context = {
        "programme": programme,
        "subject": subject,
        "options": options,
        "form": form,
        "strands": strands,
    }
    return render(request, "resources/hybrid.html", context, status=400 if form.errors else 200)


def core_team(request: HttpRequest) -> HttpResponse:
    """The core team against Table 1 as at a date: vacancies, starts, actual cost, money to return."""
    programme = _programme(request)
    plan = TeamCostPlan.objects.filter(programme=programme).order_by("pk").first()
    try:
        as_at = (
            dt.date.fromisoformat(request.GET.get("as_at", ""))
            if request.GET.get("as_at")
            else dt.date.today()
        )
    except ValueError:
        as_at = dt.date.today()
        messages.error(request, "The date was not understood: showing today.")
    position = team.team_position(plan, as_at=as_at) if plan else None
    return render(
        request,
        "resources/team.html",
        {"programme": programme, "position": position, "as_at": as_at},
    )
