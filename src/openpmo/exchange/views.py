"""Registers in and out of Excel: downloads of every register, and the PMO's register import
(upload, preview with row-level errors, then import all or nothing)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from openpmo.common import spreadsheets, uploads
from openpmo.common.services import ConflictError
from openpmo.exchange import exports, services
from openpmo.exchange.choices import REGISTER_COLUMNS
from openpmo.exchange.forms import RegisterUploadForm
from openpmo.exchange.models import ImportBatch

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def home(request: HttpRequest) -> HttpResponse:
    form = RegisterUploadForm()
    return render(
        request,
        "exchange/home.html",
        {"registers": exports.REGISTERS.values(), "form": form},
    )


def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    register = exports.REGISTERS.get(slug)
    if register is None or fmt not in CONTENT_TYPES:
        raise Http404("No such register or format.")
    if not request.user.has_perm("exchange.export_register"):
        raise PermissionDenied
    response = HttpResponse(exports.export_bytes(register, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


def template(request: HttpRequest) -> HttpResponse:
    """An empty register with the headings the importer reads."""
    body = spreadsheets.table_workbook("Register", [h for h, _ in REGISTER_COLUMNS], [])
    response = HttpResponse(body, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="register-template.xlsx"'
    return response


def import_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("exchange.add_importbatch"):
        raise PermissionDenied("Only the PMO can import a register.")
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            uploads.checked(uploads.SPREADSHEET, upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            try:
                batch, _ = services.register_import_preview(
                    actor=request.user, filename=upload.name, data=upload.read()
                )
            except spreadsheets.SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                return redirect(batch)
    return render(
        request,
        "exchange/upload.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("exchange.add_importbatch"):
        raise PermissionDenied("Only the PMO can import a register.")
    batch = get_object_or_404(ImportBatch, pk=pk)
    plan = services.plan_of(batch)
    return render(
        request,
        "exchange/preview.html",
        {"batch": batch, "plan": plan},
        status=400 if plan.errors else 200,
    )


def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("exchange:import-preview", pk=pk)
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        summary = services.register_import_commit(actor=request.user, batch=batch)
    except (ValidationError, ConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(batch)
    messages.success(
        request,
        f"Register imported: {summary['created']} work packages created, "
        f"{summary['updated']} updated, {summary['unchanged']} unchanged",
    )
    return redirect("portfolio:work-package-list")
