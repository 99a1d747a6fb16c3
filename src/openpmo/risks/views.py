"""Pages of the RAID register and of simulations. Each write goes through ``services``; errors
come back to the form (with the GOV.UK error summary) and nothing is saved."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openpmo.common.forms import save_form as _save_form
from openpmo.common.pages import filter_criteria
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.selectors import programme_in_scope_or_404, work_package_or_404
from openpmo.risks import charts, selectors, services
from openpmo.risks.choices import Category, ItemKind, Level
from openpmo.risks.forms import (
    AppetiteForm,
    EscalateForm,
    MatrixForm,
    PlaceForm,
    RaidActionForm,
    RaidItemForm,
    RaiseIssueForm,
    RegisterFilterForm,
    SimulationForm,
)
from openpmo.risks.models import RaidAction, RaidItem, SimulationRun


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


def _version(form: Any) -> int | None:
    return form.cleaned_data.get("version")


# -- the register --------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    """The register with its heat map, appetite and filters (the app's landing page)."""
    programme = _programme(request)
    filters = RegisterFilterForm(request.GET or None)
    criteria = filter_criteria(filters)
    matrix = selectors.matrix_get(programme)
    appetites = selectors.appetites_of(programme)
    everything = list(selectors.raid_item_list(programme=programme))
    rows = selectors.assess(
        list(selectors.raid_item_list(programme=programme, **criteria)) if criteria else everything,
        matrix,
        appetites,
    )
    if request.GET.get("outside") == "1":
        rows = [row for row in rows if row.outside_appetite]
    which = "inherent" if request.GET.get("heat") == "inherent" else "residual"
    all_rows = selectors.assess(everything, matrix, appetites)
    return render(
        request,
        "risks/register.html",
        {
            "programme": programme,
            "filters": filters,
            "rows": rows,
            "heat": selectors.heat_map(everything, matrix, which=which),
            "appetite": selectors.appetite_summary(all_rows, appetites),
            "outside_count": sum(1 for r in all_rows if r.outside_appetite),
            "matrix": matrix,
            "can_add": request.user.has_perm("risks.add_raiditem", programme)
            or _sponsors_any(request.user),
            "can_simulate": request.user.has_perm("risks.run_programme_simulation", programme),
            "runs": selectors.simulation_run_list(programme=programme)[:5],
        },
    )


def _sponsors_any(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.sponsored_pillars.exists()


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.raid_item_get(pk)
    except RaidItem.DoesNotExist:
        raise Http404("No such item") from None
    matrix = selectors.matrix_get(item.programme)
    [assessment] = selectors.assess([item], matrix, selectors.appetites_of(item.programme))
    user = request.user
    return render(
        request,
        "risks/item_detail.html",
        {
            "item": item,
            "a": assessment,
            "matrix": matrix,
            "can_edit": user.has_perm("risks.change_raiditem", item),
            "can_escalate": user.has_perm("risks.escalate_raiditem", item)
            and item.level != Level.PROGRAMME
            and item.is_open,
            "can_add_action": user.has_perm("risks.add_raidaction", item),
            "editable_actions": {
                a.pk for a in item.actions.all() if user.has_perm("risks.change_raidaction", a)
            },
            "can_raise_issue": item.kind == ItemKind.RISK
            and item.is_open
            and user.has_perm("risks.change_raiditem", item),
        },
    )


def item_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    place = PlaceForm(request.GET if "kind" in request.GET else None, programme=programme)
    if not place.is_valid():
        return render(
            request,
            "risks/place.html",
            {"form": place, "programme": programme, "title": "Add to the RAID register"},
            status=400 if place.errors else 200,
        )
    where = place.cleaned_data
    level = where["level"]
    target = where.get(level) if level != Level.PROGRAMME else programme
    if not request.user.has_perm("risks.add_raiditem", target):
        raise PermissionDenied("Only the PMO, or the sponsor of this pillar, can add items here.")
    kind = where["kind"]
    work_package = where.get("work_package") if level == Level.WORK_PACKAGE else None
    strand = (
        work_package.strand
        if work_package
        else where.get("strand")
        if level == Level.STRAND
        else None
    )
    pillar = strand.pillar if strand else where.get("pillar") if level == Level.PILLAR else None
    draft = RaidItem(
        programme=programme,
        kind=kind,
        level=level,
        work_package=work_package,
        strand=strand,
        pillar=pillar,
    )
    form = RaidItemForm(request.POST or None, instance=draft, kind=kind, work_package=work_package)
    title = f"Add {ItemKind(kind).label.lower()} at {Level(level).label.lower()} level"
    context = {"title": title, "subtitle": str(target)}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})

    def save(data: dict[str, Any]) -> RaidItem:
        return services.raid_item_create(
            actor=request.user,
            programme=programme,
            kind=kind,
            level=level,
            work_package=work_package,
            strand=strand if work_package is None else None,
            pillar=pillar if strand is None else None,
            **data,
        )

    return _save_form(request, form, save, "risks/form.html", context, "{obj} added")


def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RaidItem.objects.select_related("pillar", "work_package"), pk=pk)
    if not request.user.has_perm("risks.change_raiditem", item):
        raise PermissionDenied("Only the PMO, or the sponsor of this item's pillar, can change it.")
    form = RaidItemForm(
        request.POST or None, instance=item, kind=item.kind, work_package=item.work_package
    )
    context = {"title": f"Edit {item.reference}", "object": item}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.raid_item_update(
            actor=request.user, item=item, expected_version=_version(form), **data
        ),
        "risks/form.html",
        context,
        "{obj} saved",
    )


def item_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        RaidItem.objects.select_related("pillar", "strand", "work_package"), pk=pk
    )
    if not request.user.has_perm("risks.escalate_raiditem", item):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the item's owner can escalate it."
        )
    form = EscalateForm(request.POST or None, initial={"version": item.version})
    context = {
        "title": f"Escalate {item.reference} from {item.get_level_display().lower()} level",
        "object": item,
    }
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})

    def save(data: dict[str, Any]) -> RaidItem:
        services.raid_item_escalate(
            actor=request.user,
            item=item,
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        return item

    return _save_form(request, form, save, "risks/form.html", context, "{obj} escalated")


def item_raise_issue(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_or_404(RaidItem.objects.select_related("pillar"), pk=pk, kind=ItemKind.RISK)
    if not request.user.has_perm("risks.change_raiditem", risk):
        raise PermissionDenied("Only the PMO, or the sponsor of this item's pillar, can do this.")
    form = RaiseIssueForm(
        request.POST or None,
        initial={
            "version": risk.version,
            "title": risk.title,
            "inherent_impact": risk.residual_impact or risk.inherent_impact,
        },
    )
    context = {"title": f"{risk.reference} has happened: raise an issue", "object": risk}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})

    def save(data: dict[str, Any]) -> RaidItem:
        version = data.pop("version", None)
        return services.issue_raise_from_risk(
            actor=request.user, risk=risk, expected_version=version, **data
        )

    return _save_form(request, form, save, "risks/form.html", context, "{obj} raised")


def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RaidItem.objects.select_related("pillar"), pk=pk)
    if not request.user.has_perm("risks.add_raidaction", item):
        raise PermissionDenied(
            "Only the PMO, the pillar's sponsor or the item's owner can add actions."
        )
    form = RaidActionForm(request.POST or None)
    context = {"title": f"Add an action to {item.reference}", "object": item}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.raid_action_create(actor=request.user, item=item, **data),
        "risks/form.html",
        context,
        "Action added",
    )


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(RaidAction.objects.select_related("item__pillar"), pk=pk)
    if not request.user.has_perm("risks.change_raidaction", action):
        raise PermissionDenied(
            "Only the action's owner, the item's owner, the sponsor or the PMO can update it."
        )
    form = RaidActionForm(request.POST or None, instance=action)
    context = {"title": f"Update an action on {action.item.reference}", "object": action.item}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.raid_action_update(
            actor=request.user, action=action, expected_version=_version(form), **data
        ),
        "risks/form.html",
        context,
        "Action saved",
    )


# -- matrix and appetite -------------------------------------------------------------------------


def matrix(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    grid = selectors.matrix_get(programme)
    appetites = selectors.appetites_of(programme)
    return render(
        request,
        "risks/matrix.html",
        {
            "programme": programme,
            "matrix": grid,
            "heat": selectors.programme_heat_map(
                programme,
                grid,
                which="inherent" if request.GET.get("heat") == "inherent" else "residual",
            ),
            "appetites": [
                (value, label, appetites.get(value)) for value, label in Category.choices
            ],
            "can_edit": request.user.has_perm("risks.change_riskmatrix", programme),
        },
    )


def matrix_edit(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("risks.change_riskmatrix", programme):
        raise PermissionDenied("Only the PMO sets the matrix.")
    grid = selectors.matrix_get(programme)
    form = MatrixForm(request.POST or None, matrix=grid)
    context = {"title": "Edit the risk matrix", "object": grid}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.risk_matrix_update(
            actor=request.user, programme=programme, expected_version=_version(form), **data
        ),
        "risks/form.html",
        context,
        "Risk matrix saved",
    )


def appetite_edit(request: HttpRequest, category: str) -> HttpResponse:
    programme = _programme(request)
    if category not in Category.values:
        raise Http404("No such category")
    if not request.user.has_perm("risks.change_riskappetite", programme):
        raise PermissionDenied("Only the PMO sets risk appetite.")
    current = selectors.appetites_of(programme).get(category)
    form = AppetiteForm(
        request.POST or None,
        initial={"max_score": current.max_score, "statement": current.statement} if current else {},
    )
    context = {"title": f"{Category(category).label} risk appetite"}
    if request.method != "POST":
        return render(request, "risks/form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.risk_appetite_set(
            actor=request.user, programme=programme, category=category, **data
        ),
        "risks/form.html",
        context,
        "Appetite saved",
    )


# -- dependencies and decisions (linked from delivery and gates) ----------------------------------


def dependencies(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return render(
        request,
        "risks/dependencies.html",
        {"programme": programme, "rows": selectors.dependency_list(programme)},
    )


def decisions(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return render(
        request,
        "risks/decisions.html",
        {"programme": programme, "rows": selectors.decision_list(programme)},
    )


# -- work package view and simulations -----------------------------------------------------------


def work_package_risks(request: HttpRequest, pk: int) -> HttpResponse:
    work_package = work_package_or_404(pk)
    programme = work_package.strand.pillar.programme
    matrix = selectors.matrix_get(programme)
    items = selectors.raid_item_list(programme=programme, work_package=work_package)
    return render(
        request,
        "risks/work_package.html",
        {
            "work_package": work_package,
            "rows": selectors.assess(items, matrix, selectors.appetites_of(programme)),
            "runs": selectors.simulation_run_list(work_package=work_package)[:10],
            "dependencies": selectors.dependency_list(programme, work_package=work_package),
            "can_simulate": request.user.has_perm("risks.run_simulation", work_package),
            "can_add": request.user.has_perm("risks.add_raiditem", work_package),
        },
    )


def simulation_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return render(
        request,
        "risks/simulation_list.html",
        {
            "programme": programme,
            "runs": selectors.simulation_run_list(programme=programme)[:100],
            "quantified": selectors.quantified_risks(programme),
            "work_packages": WorkPackage.objects.filter(strand__pillar__programme=programme).only(
                "pk", "reference", "name"
            ),
            "can_simulate": request.user.has_perm("risks.run_programme_simulation", programme),
        },
    )


def simulation_start(request: HttpRequest) -> HttpResponse:
    wp_pk = request.GET.get("work_package") or request.POST.get("work_package") or ""
    work_package = None
    if wp_pk:
        work_package = get_object_or_404(
            WorkPackage.objects.select_related("strand__pillar__programme"), pk=wp_pk
        )
        programme = work_package.strand.pillar.programme
        allowed = request.user.has_perm("risks.run_simulation", work_package)
    else:
        programme = _programme(request)
        allowed = request.user.has_perm("risks.run_programme_simulation", programme)
    if not allowed:
        raise PermissionDenied("Your role does not allow you to run this simulation.")
    form = SimulationForm(request.POST or None)
    scope = work_package.reference if work_package else f"the {programme.short_name} programme"
    context = {"title": f"Simulate {scope}", "work_package": work_package, "programme": programme}
    if request.method != "POST":
        return render(request, "risks/simulation_form.html", {**context, "form": form})
    return _save_form(
        request,
        form,
        lambda data: services.simulation_run_start(
            actor=request.user, programme=programme, work_package=work_package, **data
        ),
        "risks/simulation_form.html",
        context,
        "{obj} started",
    )


def simulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.simulation_run_get(pk)
    except SimulationRun.DoesNotExist:
        raise Http404("No such simulation") from None
    report = selectors.simulation_report(run)
    context: dict[str, Any] = {"run": run, "report": report, "refresh": not run.is_finished}
    if report is not None:
        context["charts"] = {
            "finish_histogram": charts.histogram(
                report.finish_histogram,
                title="Finish: iterations by working days",
                unit="Working days from the start",
            ),
            "cost_histogram": charts.histogram(
                report.cost_histogram,
                title="Cost: iterations by total cost",
                unit="Total cost (£)",
                money=True,
            ),
            "finish_curve": charts.s_curve(
                [(p, v) for p, v, _ in report.finish_curve],
                title="S-curve of the finish",
                unit="Working days from the start",
            ),
            "cost_curve": charts.s_curve(
                [(p, float(v)) for p, v in report.cost_curve],
                title="S-curve of the cost",
                unit="Total cost (£)",
                money=True,
            ),
            "finish_tornado": charts.bars(
                [(f"{d[0]} {d[2]}"[:30], d[3]) for d in report.finish_drivers],
                title="Tornado: what drives the finish",
                signed=True,
            ),
            "cost_tornado": charts.bars(
                [(f"{d[0]} {d[2]}"[:30], d[3]) for d in report.cost_drivers],
                title="Tornado: what drives the cost",
                signed=True,
            ),
            "criticality": charts.bars(
                [(f"{c[0]} {c[1]}"[:30], c[2]) for c in report.criticality[:15]],
                title="Criticality: share of iterations on the critical path",
                percent=True,
            ),
        }
    return render(request, "risks/simulation_detail.html", context)


def simulation_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's network as YAML for ``openpmo simulate FILE --seed SEED``."""
    run = get_object_or_404(SimulationRun, pk=pk)
    header = (
        f"# {run}\n# Reproduce: openpmo simulate run-{run.pk}.yaml "
        f"--iterations {run.iterations} --seed {run.seed}\n"
    )
    text = header + yaml.safe_dump(run.inputs["network"], sort_keys=False, allow_unicode=True)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}.yaml"'
    return response
