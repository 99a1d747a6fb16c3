"""Pages of the programme's money. Each write goes through ``services``; errors come back to the
form with the GOV.UK error summary (status 400) and nothing is saved."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from openpmo.common.engine_errors import add_to_form
from openpmo.common.forms import add_refusal
from openpmo.common.services import ConflictError
from openpmo.core.errors import InputError
from openpmo.core.finance import read_table, reconcile_table, table_from_rows
from openpmo.finance import selectors, services
from openpmo.finance.forms import (
    AppraisalForm,
    ForecastForm,
    ReconcileForm,
    ReserveEntryForm,
    SpendForm,
    SpendImportForm,
    TeamFlexForm,
)
from openpmo.finance.models import Appraisal, Reserve, TeamCostPlan
from openpmo.portfolio.selectors import (
    programme_in_scope,
    programme_in_scope_or_404,
    work_package_or_404,
)

EXAMPLE_APPRAISAL = """base_year: 2023/24
options:
  - name: Do nothing
    costs: {run: {2023/24: 120000, 2024/25: 120000, 2025/26: 120000}}
  - name: Hybrid delivery
    optimism_bias: {capital: 0.25}
    costs: {capital: {2023/24: 400000}, run: {2024/25: 60000, 2025/26: 60000}}
    benefits: {cashable: {2024/25: 150000, 2025/26: 180000}}
"""


_refusal = add_refusal


def _status(form: Any) -> int:
    return 400 if form.errors else 200


# --- landing ----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    programme = programme_in_scope(request)
    plans = list(selectors.team_cost_plan_list())
    plan_views = [selectors.team_cost_view(plan) for plan in plans]
    today = timezone.localdate()
    reserves = [
        (reserve, selectors.reserve_ledger_view(reserve, with_entries=False, as_at=today))
        for reserve in selectors.reserve_list()
    ]
    appraisals = list(selectors.appraisal_list()[:10])
    return render(
        request,
        "finance/home.html",
        {
            "programme": programme,
            "plan_views": plan_views,
            "reserves": reserves,
            "today": today,
            "appraisals": appraisals,
        },
    )


# --- team cost --------------------------------------------------------------------------------


def team_cost_plan(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.team_cost_plan_get(pk)
    except TeamCostPlan.DoesNotExist:
        raise Http404("No such team cost plan") from None
    return render(
        request,
        "finance/team_cost_plan.html",
        {
            "plan": plan,
            "view": selectors.team_cost_view(plan),
            "can_flex": request.user.has_perm("finance.change_teamcostplan", plan),
        },
    )


def team_flex(request: HttpRequest, pk: int) -> HttpResponse:
    """Change FTE and dates, see the new profile against the cap, then save (audited)."""
    try:
        plan = selectors.team_cost_plan_get(pk)
    except TeamCostPlan.DoesNotExist:
        raise Http404("No such team cost plan") from None
    if not request.user.has_perm("finance.change_teamcostplan", plan):
        raise PermissionDenied("Only Finance can flex the team cost plan.")
    current = selectors.team_cost_view(plan)
    form = TeamFlexForm(request.POST or None, plan=plan)
    context: dict[str, Any] = {"plan": plan, "current": current, "form": form, "preview": None}
    if request.method != "POST":
        return render(request, "finance/team_flex.html", context)
    if form.is_valid():
        changes = form.changes()
        if request.POST.get("action") == "save":
            try:
                services.team_plan_flex(
                    actor=request.user,
                    plan=plan,
                    changes=changes,
                    expected_version=form.cleaned_data.get("version"),
                )
            except (ValidationError, ConflictError) as error:
                _refusal(form, error)
            else:
                messages.success(
                    request,
                    f"{len(changes)} role(s) flexed and saved" if changes else "Nothing changed",
                )
                return redirect(plan)
        else:
            try:
                context["preview"] = selectors.team_cost_view(plan, changes=changes)
                context["comparison"] = selectors.flex_comparison(current, context["preview"])
            except InputError as error:
                add_to_form(form, error)
            context["changed"] = len(changes)
    return render(request, "finance/team_flex.html", context, status=_status(form))


# --- reserve ----------------------------------------------------------------------------------


def _reserve_or_404(pk: int) -> Reserve:
    try:
        return selectors.reserve_get(pk)
    except Reserve.DoesNotExist:
        raise Http404("No such reserve") from None


def reserve_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reserve = _reserve_or_404(pk)
    page = Paginator(selectors.reserve_entries(reserve), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/reserve_detail.html",
        {
            "reserve": reserve,
            "view": selectors.reserve_ledger_view(
                reserve, with_entries=False, as_at=timezone.localdate()
            ),
            "page": page,
            "can_record": request.user.has_perm("finance.add_reserveentry", reserve),
        },
    )


def reserve_entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    reserve = _reserve_or_404(pk)
    if not request.user.has_perm("finance.add_reserveentry", reserve):
        raise PermissionDenied("Only Finance and Decision makers change the reserve ledger.")
    form = ReserveEntryForm(request.POST or None, reserve=reserve, initial={"kind": "contribution"})
    context = {"reserve": reserve, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.reserve_entry_record(
                actor=request.user,
                reserve=reserve,
                kind=data["kind"],
                year=data["year"],
                amount=data["amount"],
                reason=data["reason"],
                work_package=data.get("work_package"),
                override_reason=data.get("override_reason", ""),
            )
        except (ValidationError, ConflictError, PermissionDenied) as error:
            _refusal(form, error)
        else:
            messages.success(request, f"{entry} recorded")
            return redirect(reserve)
    return render(request, "finance/reserve_entry_form.html", context, status=_status(form))


def reconcile(request: HttpRequest) -> HttpResponse:
    """The ledgers' discrepancies, and any table uploaded or typed in re-added (nothing saved)."""
    ledgers = [
        selectors.reserve_ledger_view(reserve, with_entries=False)
        for reserve in selectors.reserve_list()
    ]
    form = ReconcileForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"ledgers": ledgers, "form": form, "table": None}
    if request.method == "POST" and form.is_valid():
        try:
            table = _read_table(form.cleaned_data)
            context["table"] = table
            context["table_rows"] = list(zip(table.row_labels, table.cells, strict=True))
            context["table_discrepancies"] = reconcile_table(table)
        except InputError as error:
            add_to_form(form, error, "upload" if form.cleaned_data.get("upload") else "text")
    return render(request, "finance/reconcile.html", context, status=_status(form))


def _read_table(data: dict[str, Any]) -> Any:
    upload = data.get("upload")
    if upload:
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(upload.read())
            table = read_table(path)
        return table
    rows = list(csv.reader(io.StringIO(data["text"])))
    return table_from_rows(rows, source="the table")


# --- appraisal --------------------------------------------------------------------------------


def appraisal_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "finance/appraisal_list.html",
        {
            "appraisals": selectors.appraisal_list(),
            "can_add": request.user.has_perm("finance.add_appraisal", programme_in_scope(request)),
        },
    )


def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        appraisal = selectors.appraisal_get(pk)
    except Appraisal.DoesNotExist:
        raise Http404("No such appraisal") from None
    from openpmo.finance import core_adapters

    return render(
        request,
        "finance/appraisal_detail.html",
        {"appraisal": appraisal, "result": core_adapters.appraisal_result(appraisal)},
    )


def appraisal_new(request: HttpRequest) -> HttpResponse:
    """Enter or upload options; "Appraise" shows the comparison, "Save" stores it too."""
    from openpmo.core.finance import appraisal_from_mapping, appraise

    programme = programme_in_scope_or_404(request)
    if not request.user.has_perm("finance.add_appraisal", programme):
        raise PermissionDenied("Your role cannot create appraisals.")
    form = AppraisalForm(
        request.POST or None, request.FILES or None, initial={"document": EXAMPLE_APPRAISAL}
    )
    context: dict[str, Any] = {"form": form, "result": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "save":
            try:
                appraisal = services.appraisal_create(
                    actor=request.user,
                    programme=programme,
                    name=data["name"],
                    document=data["parsed"],
                    description=data.get("description", ""),
                    work_package=data.get("work_package"),
                )
            except (ValidationError, ConflictError) as error:
                _refusal(form, error)
            else:
                messages.success(request, f"Appraisal {appraisal} saved")
                return redirect(appraisal)
        else:
            try:
                context["result"] = appraise(appraisal_from_mapping(data["parsed"]))
            except InputError as error:
                add_to_form(form, error, "document")
    return render(request, "finance/appraisal_form.html", context, status=_status(form))


# --- work package money -----------------------------------------------------------------------


def work_package_money(request: HttpRequest, pk: int) -> HttpResponse:
    work_package = work_package_or_404(pk)
    can_spend = request.user.has_perm("finance.add_workpackagespend", work_package)
    can_forecast = request.user.has_perm("finance.change_workpackageforecast", work_package)
    spend_form = SpendForm(prefix="spend")
    forecast_form = ForecastForm(prefix="forecast")
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "spend":
                if not can_spend:
                    raise PermissionDenied("Only Finance records actual spend.")
                spend_form = SpendForm(request.POST, prefix="spend")
                if spend_form.is_valid():
                    services.spend_record(
                        actor=request.user, work_package=work_package, **spend_form.cleaned_data
                    )
                    messages.success(request, "Actual spend saved")
                    return redirect("finance:work-package", pk=pk)
            elif which == "forecast":
                if not can_forecast:
                    raise PermissionDenied("Your role cannot forecast this work package's spend.")
                forecast_form = ForecastForm(request.POST, prefix="forecast")
                if forecast_form.is_valid():
                    services.forecast_record(
                        actor=request.user, work_package=work_package, **forecast_form.cleaned_data
                    )
                    messages.success(request, "Forecast saved")
                    return redirect("finance:work-package", pk=pk)
            else:
                raise Http404("Unknown form")
        except (ValidationError, ConflictError) as error:
            _refusal(spend_form if which == "spend" else forecast_form, error)
        status = 400
    return render(
        request,
        "finance/work_package_money.html",
        {
            "work_package": work_package,
            "view": selectors.work_package_money(work_package),
            "spend_form": spend_form,
            "forecast_form": forecast_form,
            "can_spend": can_spend,
            "can_forecast": can_forecast,
        },
        status=status,
    )


def programme_money(request: HttpRequest) -> HttpResponse:
    programme = programme_in_scope_or_404(request)
    return render(
        request,
        "finance/programme_money.html",
        {
            "programme": programme,
            "view": selectors.programme_money(programme),
            "can_import": request.user.has_perm("finance.add_workpackagespend"),
        },
    )


def spend_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("finance.add_workpackagespend"):
        raise PermissionDenied("Only Finance imports actual spend.")
    form = SpendImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            text = upload.read().decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
        except (UnicodeDecodeError, csv.Error):
            form.add_error("upload", "The file is not a CSV file in UTF-8.")
        else:
            try:
                count = services.spend_import(actor=request.user, rows=rows, source=upload.name)
            except ValidationError as error:
                row_errors = error.messages
                form.add_error(
                    "upload",
                    f"{len(row_errors)} problem(s) in the file: nothing was imported. "
                    "Correct them and upload it again.",
                )
            else:
                messages.success(request, f"{count} month(s) of actual spend imported")
                return redirect("finance:programme-money")
    return render(
        request,
        "finance/spend_import.html",
        {"form": form, "row_errors": row_errors},
        status=_status(form),
    )
