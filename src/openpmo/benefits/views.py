"""Pages of the benefits register and tracker. Each write goes through ``services``; errors come
back to the form (with the GOV.UK error summary, status 400) and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from openpmo.audit.selectors import audit_history_for, latest_change
from openpmo.benefits import excel, selectors, services
from openpmo.benefits.charts import cumulative_chart
from openpmo.benefits.forms import (
    ActualForm,
    BenefitForm,
    ExplanationForm,
    ImportForm,
    ProfileEntryForm,
    ProfileGenerateForm,
    ProfilePasteForm,
    RegisterFilterForm,
    SavingsLineForm,
    TrackerFilterForm,
    TrackerSettingsForm,
)
from openpmo.benefits.models import Benefit, BenefitActual, TrackerSettings
from openpmo.common.forms import add_refusal
from openpmo.common.pages import filter_criteria, page_of
from openpmo.common.services import ConflictError
from openpmo.core.benefits import Month
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.portfolio.models import Pillar, Programme
from openpmo.portfolio.selectors import programme_in_scope_or_404


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)


def _month_param(request: HttpRequest, name: str = "as_of") -> Month | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    try:
        return Month.parse(text)
    except CoreValidationError:
        return None


def _attempt(form: Any, save: Callable[[], models.Model | None]) -> models.Model | None | bool:
    """Run ``save``; put a refusal's messages on the form (nothing was saved). False on refusal."""
    try:
        return save()
    except (ValidationError, ConflictError) as error:
        add_refusal(form, error)
    return False


# -- the tracker ------------------------------------------------------------------------------


TRACKER_SECONDS = 300
"""how long a rendered tracker is kept: its key holds the latest audited write, so a governed
write (an actual, a plan, a setting) shows at once in every process"""


def tracker(request: HttpRequest) -> HttpResponse:
    """The tracker: the same for everyone who may see the programme, so rendered once per month
    shown, pillar and state of the data, and kept."""
    programme = _programme(request)
    as_of = _month_param(request) or selectors.default_as_of(programme)
    chosen = request.GET.get("pillar", "")
    chosen = chosen if chosen.isdecimal() else ""
    key = f"benefits:tracker:{programme.pk}:{as_of}:{chosen}:{latest_change()}"
    body = cache.get(key)
    if body is None:
        body = _tracker_body(programme, as_of, int(chosen) if chosen else None)
        cache.set(key, body, TRACKER_SECONDS)
    context = {"as_of": as_of, "body": mark_safe(body)}  # noqa: S308 - our own template's output
    return render(request, "benefits/tracker.html", context)


def _tracker_body(programme: Programme, as_of: Month, pillar_id: int | None) -> str:
    register = selectors.register_load(programme)
    pillar = None
    if pillar_id is not None:
        pillar = next((b.pillar for b in register.benefits if b.pillar_id == pillar_id), None)
    view = selectors.tracker(programme, as_of=as_of, pillar=pillar, register=register)
    filters = TrackerFilterForm(
        initial={"as_of": str(as_of), "pillar": pillar.pk if pillar else None},
        months=view.months,
        pillars=view.pillars,
    )
    scope = pillar.name if pillar else programme.short_name or programme.name
    chart = cumulative_chart(
        view.curve,
        as_of=as_of,
        unit=view.chart_unit,
        title=f"{scope}: cumulative £ benefits, planned and actual",
        table_id="curve-data",
    )
    return render_to_string(
        "benefits/_tracker_body.html",
        {"programme": programme, "view": view, "filters": filters, "chart": chart, "scope": scope},
    )


def carbon(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    summary = selectors.carbon_summary(programme, as_of=_month_param(request))
    chart = cumulative_chart(
        summary.curve,
        as_of=summary.as_of,
        unit="tCO2e",
        title="Net tCO2e cut by the programme, planned and actual (cumulative)",
        table_id="carbon-curve-data",
    )
    return render(
        request,
        "benefits/carbon.html",
        {"programme": programme, "summary": summary, "chart": chart},
    )


# -- the register -----------------------------------------------------------------------------


def benefit_list(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    filters = RegisterFilterForm(request.GET or None)
    criteria = filter_criteria(filters)
    page, query = page_of(request, selectors.benefit_list(programme=programme, **criteria))
    return render(
        request,
        "benefits/benefit_list.html",
        {
            "programme": programme,
            "filters": filters,
            "page": page,
            "query": query,
            "can_add": request.user.has_perm("benefits.add_benefit", None)
            or any(
                request.user.has_perm("benefits.add_benefit", p)
                for p in Pillar.objects.filter(programme=programme, sponsor=request.user.pk)
            ),
            "can_import": request.user.has_perm("benefits.import_workbook"),
        },
    )


def benefit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        benefit = selectors.benefit_get(pk)
    except Benefit.DoesNotExist:
        raise Http404("No such benefit") from None
    detail = selectors.benefit_detail(benefit, as_of=_month_param(request))
    user = request.user
    return render(
        request,
        "benefits/benefit_detail.html",
        {
            "benefit": benefit,
            "detail": detail,
            "can_edit": user.has_perm("benefits.change_benefit", benefit),
            "can_profile": user.has_perm("benefits.change_benefitprofile", benefit),
            "can_record": user.has_perm("benefits.record_actual", benefit),
            "can_explain": user.has_perm("benefits.explain_shortfall", benefit),
        },
    )


def benefit_create(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    pillars = [
        p
        for p in Pillar.objects.filter(programme=programme).select_related("sponsor")
        if request.user.has_perm("benefits.add_benefit", p)
    ]
    if not pillars:
        raise PermissionDenied("Only the PMO or a pillar's sponsor can add benefits.")
    form = BenefitForm(request.POST or None, programme=programme)
    form.fields["pillar"].queryset = Pillar.objects.filter(pk__in=[p.pk for p in pillars])  # type: ignore[attr-defined]
    context = {"title": "Add a benefit", "form": form, "cancel": reverse("benefits:register")}
    if request.method == "POST" and form.is_valid():

        def save() -> Benefit:
            data = form.service_data()
            return services.benefit_create(actor=request.user, pillar=data.pop("pillar"), **data)

        saved = _attempt(form, save)
        if saved:
            messages.success(request, f"Benefit {saved} added. Now give it a profile.")
            return redirect("benefits:profile", pk=saved.pk)  # type: ignore[union-attr]
    return render(request, "benefits/form.html", context, status=400 if form.errors else 200)


def benefit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    benefit = get_object_or_404(Benefit.objects.select_related("pillar__programme"), pk=pk)
    if not request.user.has_perm("benefits.change_benefit", benefit):
        raise PermissionDenied("Only the PMO or the pillar's sponsor can change this benefit.")
    form = BenefitForm(request.POST or None, instance=benefit, programme=benefit.pillar.programme)
    context = {"title": f"Edit {benefit}", "form": form, "cancel": benefit.get_absolute_url()}
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.benefit_update(
                actor=request.user,
                benefit=benefit,
                expected_version=form.cleaned_data.get("version"),
                **form.service_data(),
            ),
        )
        if saved:
            messages.success(request, f"Benefit {saved} saved")
            return redirect(saved)
    return render(request, "benefits/form.html", context, status=400 if form.errors else 200)


# -- profiles ---------------------------------------------------------------------------------


def _profile_window(
    request: HttpRequest, benefit: Benefit, current: dict[Month, Any]
) -> tuple[Month, Month]:
    """The months the profile form shows: as asked, else the current profile's, else from the
    baseline (or the programme's month) to the target date (or two years on); never over ten
    years."""
    first = _month_param(request, "first") or (min(current) if current else None)
    last = _month_param(request, "last") or (max(current) if current else None)
    if first is None or last is None:
        start = (
            Month.of(benefit.baseline_date)
            if benefit.baseline_date
            else selectors.default_as_of(benefit.pillar.programme)
        )
        first = first or start
        last = last or (Month.of(benefit.target_date) if benefit.target_date else first + 23)
    if last < first or last - first > 120:
        last = first + 23
    return first, last


def _profile_forms(
    request: HttpRequest,
    benefit: Benefit,
    current: dict[Month, Any],
    first: Month,
    last: Month,
) -> dict[str, Any]:
    """The three ways to set a profile; only the one posted is bound."""
    how = request.POST.get("how", "")
    data = request.POST if request.method == "POST" else None
    return {
        "entered": ProfileEntryForm(
            data if how == "entered" else None,
            first=first,
            last=last,
            initial_values=current,
            prefix="entered",
        ),
        "pasted": ProfilePasteForm(data if how == "pasted" else None, prefix="pasted"),
        "generated": ProfileGenerateForm(
            data if how == "generated" else None,
            prefix="generated",
            initial={
                "first": str(first),
                "last": str(last),
                "total": benefit.target_value,
                "shape": "s-curve",
            },
        ),
    }


def _profile_save(
    request: HttpRequest, benefit: Benefit, how: str, form: Any
) -> models.Model | None | bool:
    """The profile the valid form sets (or generates), or None with the refusal on the form."""
    cleaned = form.cleaned_data
    if how == "generated":
        return _attempt(
            form,
            lambda: services.profile_generate(
                actor=request.user,
                benefit=benefit,
                shape=cleaned["shape"],
                total=cleaned["total"],
                first=cleaned["first"],
                last=cleaned["last"],
                reason=cleaned.get("reason", ""),
            ),
        )
    return _attempt(
        form,
        lambda: services.profile_set(
            actor=request.user,
            benefit=benefit,
            months=cleaned["months"],
            method=how,
            reason=cleaned.get("reason", ""),
        ),
    )


def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or re-baseline a profile: month by month, pasted, or generated."""
    benefit = get_object_or_404(Benefit.objects.select_related("pillar__programme"), pk=pk)
    if not request.user.has_perm("benefits.change_benefitprofile", benefit):
        raise PermissionDenied("Only the PMO or the pillar's sponsor can change this profile.")
    detail = selectors.benefit_detail(benefit)
    current = {row.month: row.planned for row in detail.rows if row.planned is not None}
    first, last = _profile_window(request, benefit, current)
    how = request.POST.get("how", "")
    forms_ = _profile_forms(request, benefit, current, first, last)
    failed = None
    if request.method == "POST":
        form = forms_.get(how)
        if form is None:
            raise Http404("Choose how to set the profile.")
        failed = form
        if form.is_valid():
            saved = _profile_save(request, benefit, how, form)
            if saved:
                messages.success(request, f"Profile version {saved.number} of {benefit} saved")  # type: ignore[union-attr]
                return redirect(benefit)
    return render(
        request,
        "benefits/profile_form.html",
        {
            "benefit": benefit,
            "detail": detail,
            "forms": forms_,
            "failed": failed,
            "first": first,
            "last": last,
            "rebaseline": detail.current is not None,
        },
        status=400 if failed is not None and failed.errors else 200,
    )


# -- actuals and explanations -----------------------------------------------------------------


def actual_record(request: HttpRequest, pk: int) -> HttpResponse:
    benefit = get_object_or_404(Benefit.objects.select_related("pillar__programme"), pk=pk)
    if not request.user.has_perm("benefits.record_actual", benefit):
        raise PermissionDenied("Only the benefit's owner (or the PMO) can record its actuals.")
    month = _month_param(request, "month")
    existing = (
        BenefitActual.objects.filter(benefit=benefit, month=month.first_day).first()
        if month
        else None
    )
    initial: dict[str, Any] = {"month": str(month) if month else ""}
    if existing is not None:
        initial.update(value=existing.value, evidence=existing.evidence, version=existing.version)
    form = ActualForm(request.POST or None, request.FILES or None, initial=initial)
    context = {
        "benefit": benefit,
        "form": form,
        "existing": existing,
        "history": audit_history_for(existing) if existing is not None else [],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _attempt(
            form,
            lambda: services.actual_record(
                actor=request.user,
                benefit=benefit,
                month=data["month"],
                value=data["value"],
                evidence=data["evidence"],
                attachment=data.get("attachment"),
                expected_version=data.get("version"),
                correction_reason=data.get("correction_reason", ""),
            ),
        )
        if saved:
            done = "corrected" if data.get("correction_reason") else "recorded"
            messages.success(request, f"{data['month']} actual of {benefit.reference} {done}")
            return redirect(benefit)
    return render(request, "benefits/actual_form.html", context, status=400 if form.errors else 200)


def actual_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file of an actual, for signed-in users (never a public media URL)."""
    actual = get_object_or_404(BenefitActual, pk=pk)
    if not actual.attachment:
        raise Http404("No attachment")
    try:
        handle = actual.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("The attachment file is missing") from None
    name = actual.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


def shortfall_explain(request: HttpRequest, pk: int) -> HttpResponse:
    benefit = get_object_or_404(Benefit.objects.select_related("pillar__programme"), pk=pk)
    if not request.user.has_perm("benefits.explain_shortfall", benefit):
        raise PermissionDenied("Only the benefit's owner (or the PMO) can explain its shortfall.")
    month = _month_param(request, "month") or selectors.default_as_of(benefit.pillar.programme)
    existing = benefit.explanations.filter(month=month.first_day).first()
    initial = {"month": str(month)}
    if existing is not None:
        initial.update(explanation=existing.explanation, recovery_action=existing.recovery_action)
    form = ExplanationForm(request.POST or None, initial=initial)
    detail = selectors.benefit_detail(benefit, as_of=month)
    context = {"benefit": benefit, "form": form, "position": detail.position, "month": month}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _attempt(
            form,
            lambda: services.shortfall_explain(
                actor=request.user,
                benefit=benefit,
                month=data["month"],
                explanation=data["explanation"],
                recovery_action=data.get("recovery_action", ""),
            ),
        )
        if saved:
            messages.success(request, f"Explanation for {data['month']} saved")
            return redirect(f"{reverse('benefits:home')}?as_of={data['month']}")
    return render(
        request, "benefits/explanation_form.html", context, status=400 if form.errors else 200
    )


# -- programme settings -----------------------------------------------------------------------


def tracker_settings(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    user = request.user
    can_thresholds = user.has_perm("benefits.change_trackersettings", programme)
    can_savings = user.has_perm("benefits.change_savingsline", programme)
    if request.method == "POST" and not (can_thresholds or can_savings):
        raise PermissionDenied("Only the PMO (thresholds) or Finance (MTFS line) can change these.")
    current = selectors.tracker_settings_for(programme)
    defaults = current or TrackerSettings()
    initial = {
        "green_percent": (defaults.green_threshold * 100).normalize(),
        "amber_percent": (defaults.amber_threshold * 100).normalize(),
        "grace_months": defaults.grace_months,
        "carbon_contribution_target": defaults.carbon_contribution_target,
        "version": current.version if current else None,
    }
    which = request.POST.get("form", "")
    settings_form = TrackerSettingsForm(
        request.POST if which == "thresholds" else None, initial=initial, prefix="thresholds"
    )
    savings_form = SavingsLineForm(request.POST if which == "savings" else None, prefix="savings")
    if which == "thresholds":
        if not can_thresholds:
            raise PermissionDenied("Only the PMO can change the RAG thresholds.")
        if settings_form.is_valid() and _attempt(
            settings_form,
            lambda: services.tracker_settings_update(
                actor=user,
                programme=programme,
                expected_version=settings_form.cleaned_data.get("version"),
                **settings_form.service_data(),
            ),
        ):
            messages.success(request, "Tracker settings saved")
            return redirect("benefits:settings")
    elif which == "savings":
        if not can_savings:
            raise PermissionDenied("Only the PMO or Finance can set the MTFS savings line.")
        if savings_form.is_valid() and _attempt(
            savings_form,
            lambda: services.savings_line_set(
                actor=user, **{"programme": programme, **savings_form.cleaned_data}
            ),
        ):
            messages.success(request, "MTFS savings line saved")
            return redirect("benefits:settings")
    failed = settings_form.errors or savings_form.errors
    return render(
        request,
        "benefits/settings.html",
        {
            "programme": programme,
            "settings_form": settings_form,
            "savings_form": savings_form,
            "savings": selectors.savings_lines_for(programme),
            "current": current,
            "can_thresholds": can_thresholds,
            "can_savings": can_savings,
        },
        status=400 if failed else 200,
    )


# -- Excel --------------------------------------------------------------------------------------


def _workbook_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_register(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return _workbook_response(
        excel.register_workbook(programme), f"{programme.short_name}-benefits-register.xlsx"
    )


def export_profiles(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    return _workbook_response(
        excel.profiles_workbook(programme), f"{programme.short_name}-benefit-profiles.xlsx"
    )


def export_tracker(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    view = selectors.tracker(programme, as_of=_month_param(request))
    return _workbook_response(
        excel.tracker_workbook(view), f"{programme.short_name}-benefits-tracker-{view.as_of}.xlsx"
    )


@require_http_methods(["GET", "POST"])
def import_workbook(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    if not request.user.has_perm("benefits.import_workbook"):
        raise PermissionDenied("Only the PMO or a pillar sponsor can import benefits.")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        importer = (
            excel.import_benefits
            if form.cleaned_data["kind"] == "benefits"
            else excel.import_actuals
        )
        result = importer(
            actor=request.user, programme=programme, workbook=form.cleaned_data["workbook"]
        )
        if result.ok:
            messages.success(request, f"Imported {result.saved} rows; nothing else changed.")
            return redirect("benefits:register")
    return render(
        request,
        "benefits/import.html",
        {"programme": programme, "form": form, "result": result},
        status=400 if form.errors or (result is not None and not result.ok) else 200,
    )
