"""Pages of portfolio planning. Every write goes through ``services``; a refusal comes back to the
page with the GOV.UK error summary (400, or 409 for a clash) and saves nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from openpmo.common.services import ConflictError
from openpmo.planning import exports, selectors, services
from openpmo.planning.forms import CommitForm, ComparisonForm, ScenarioForm, WeightsForm
from openpmo.planning.models import Scenario
from openpmo.portfolio.models import Programme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme() -> Programme:
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise Http404("No programme yet")
    return programme


def home(request: HttpRequest) -> HttpResponse:
    programme = _programme()
    return render(
        request,
        "planning/home.html",
        {
            "programme": programme,
            "scenarios": selectors.scenario_list(programme),
            "affordability": selectors.affordability(programme),
            "drivers": selectors.drivers_of(programme),
            "can_add": request.user.has_perm("planning.add_scenario", programme),  # type: ignore[attr-defined]
        },
    )


def drivers(request: HttpRequest) -> HttpResponse:
    programme = _programme()
    rows = list(selectors.drivers_of(programme))
    typed = WeightsForm(
        request.POST if request.POST.get("form") == "weights" else None, drivers=rows
    )
    pairwise = ComparisonForm(
        request.POST if request.POST.get("form") == "pairwise" else None, drivers=rows
    )
    consistency = None
    status = 200
    if request.method == "POST":
        form = typed if request.POST.get("form") == "weights" else pairwise
        if form.is_valid():
            try:
                if form is typed:
                    services.driver_weights_set(
                        actor=request.user, programme=programme, weights=typed.weights()
                    )
                else:
                    consistency = services.driver_weights_compare(
                        actor=request.user, programme=programme, judgements=pairwise.judgements()
                    )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                if consistency is None or consistency.warning is None:
                    messages.success(request, "Weights saved")
                    return redirect("planning:drivers")
                rows = list(selectors.drivers_of(programme))
        else:
            status = 400
    return render(
        request,
        "planning/drivers.html",
        {
            "programme": programme,
            "drivers": rows,
            "typed": typed,
            "pairwise": pairwise,
            "consistency": consistency,
            "can_edit": request.user.has_perm("planning.change_businessdriver", programme),  # type: ignore[attr-defined]
        },
        status=status,
    )


def scenario_create(request: HttpRequest) -> HttpResponse:
    programme = _programme()
    form = ScenarioForm(request.POST or None)
    context = {"title": "Plan a scenario", "form": form}
    if request.method != "POST":
        return render(request, "planning/form.html", context)
    if form.is_valid():
        try:
            scenario = services.scenario_create(
                actor=request.user, programme=programme, **form.service_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Scenario “{scenario}” saved")
            return redirect(scenario)
    return render(request, "planning/form.html", context, status=400)


def _chart(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Frontier points placed in a 600 x 240 box (the page draws them; a table repeats them)."""
    budgets = [float(p["total_budget"]) for p in points]
    values = [p["value"] or 0.0 for p in points]
    top_x, top_y = max(budgets + [1.0]), max(values + [1.0])
    return [
        {
            **p,
            "x": round(40 + float(p["total_budget"]) / top_x * 540, 1),
            "y": round(220 - (p["value"] or 0.0) / top_y * 200, 1),
        }
        for p in points
    ]


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(selectors.scenario_list(), pk=pk)
    points = _chart(scenario.frontier)
    years = list(scenario.inputs["budget"])
    columns = selectors.scenario_columns(scenario)
    result = scenario.result
    binding = set(result.get("binding_years", []))
    year_rows = [
        {
            "year": year,
            "budget": Decimal(scenario.inputs["budget"][year]),
            "cost": Decimal(result["cost_by_year"][year]),
            "headroom": Decimal(result["headroom_by_year"][year]),
            "binding": year in binding,
        }
        for year in years
    ]
    return render(
        request,
        "planning/scenario_detail.html",
        {
            "scenario": scenario,
            "result": result,
            "year_rows": year_rows,
            "columns": columns,
            "rows": selectors.comparison_rows(columns, years),
            "points": points,
            "polyline": " ".join(f"{p['x']},{p['y']}" for p in points if p["value"] is not None),
            "can_commit": scenario.status == "draft"
            and request.user.has_perm("planning.commit_scenario", scenario.programme),  # type: ignore[attr-defined]
            "commit_form": CommitForm(initial={"version": scenario.version}),
        },
    )


@require_POST
def scenario_commit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    form = CommitForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        decisions = services.scenario_commit(
            actor=request.user, scenario=scenario, expected_version=version
        )
    except ConflictError as error:
        messages.error(request, str(error))
        return redirect(scenario)
    messages.success(request, f"Scenario committed: {len(decisions)} work packages decided")
    return redirect(scenario)


def scenario_compare(request: HttpRequest) -> HttpResponse:
    programme = _programme()
    ids = [int(part) for part in request.GET.getlist("scenario") if part.isdecimal()]
    chosen = list(selectors.scenario_list(programme).filter(pk__in=ids)) or list(
        selectors.scenario_list(programme)[:3]
    )
    columns: list[dict[str, Any]] = []
    years: list[str] = []
    if chosen:
        columns = selectors.scenario_columns(chosen[0])[:2]
        columns += [selectors.scenario_columns(s)[2] for s in chosen]
        years = sorted({y for s in chosen for y in s.inputs["budget"]})
    return render(
        request,
        "planning/compare.html",
        {
            "columns": columns,
            "rows": selectors.comparison_rows(columns, years),
            "scenarios": selectors.scenario_list(programme),
            "chosen": {s.pk for s in chosen},
        },
    )


def scenario_export(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(selectors.scenario_list(), pk=pk)
    response = HttpResponse(exports.scenario_xlsx(scenario), content_type=XLSX)
    name = slugify(scenario.name)[:80] or "scenario"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
