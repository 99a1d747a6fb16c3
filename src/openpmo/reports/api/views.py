"""API of governed reporting: the same services (permissions, states, audit) as the pages.

Refusals: 400 names what is missing, 403 when the role may not (or approving one's own
submission), 409 when the state forbids it (an approved report is frozen) or the version is
stale. Nothing is saved in any of these cases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openpmo.common.api import validated_update
from openpmo.common.api_params import id_param
from openpmo.portfolio.selectors import programme_in_scope
from openpmo.reports import exports, selectors, services
from openpmo.reports.api.serializers import (
    ReportCreateSerializer,
    ReportListSerializer,
    ReportNarrativeSerializer,
    ReportPdfRequestSerializer,
    ReportPdfSerializer,
    ReportSerializer,
    ReturnSerializer,
    TransitionSerializer,
)
from openpmo.reports.choices import PdfStatus, ReportKind, ReportStatus
from openpmo.reports.models import Report, ReportPdf
from openpmo.reports.views import CONTENT_TYPES


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description="A month, YYYY-MM"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ReportKind.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ReportStatus.values),
            OpenApiParameter("pillar", OpenApiTypes.INT),
        ]
    )
)
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return ReportListSerializer
        if self.action == "create":
            return ReportCreateSerializer
        if self.action in ("update", "partial_update"):
            return ReportNarrativeSerializer
        if self.action == "return_":
            return ReturnSerializer
        if self.action in ("submit", "approve", "refresh"):
            return TransitionSerializer
        return ReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        params = self.request.query_params
        if self.action != "list":
            return Report.objects.select_related("decided_by", "submitted_by")
        period = params.get("period")
        if period and selectors.parse_period(period) is None:
            raise ValidationError({"period": "Give the month like 2024-03."})
        pillar = id_param(self.request, "pillar")
        return selectors.report_list(
            period=selectors.parse_period(period),
            kind=params.get("kind", ""),
            status=params.get("status", ""),
            pillar=pillar,
        )

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a draft report, its figures pre-filled from live data."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = data.pop("programme", None) or programme_in_scope(request, remember=False)
        if programme is None:
            raise NotFound("No programme yet.")
        report = services.report_create(actor=request.user, programme=programme, **data)
        return Response(ReportSerializer(report).data, status=201)

    @extend_schema(request=ReportNarrativeSerializer, responses=ReportSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the narrative of a draft or returned report (an approved one is 409)."""
        report, serializer = validated_update(self, request, kwargs, partial=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        saved = services.report_update(
            actor=request.user, report=report, expected_version=version, **data
        )
        return Response(ReportSerializer(saved).data)

    @extend_schema(request=ReportNarrativeSerializer, responses=ReportSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=TransitionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request: Request, pk: str | None = None) -> Response:
        """Take a draft's figures again from live data."""
        return self._transition(request, services.report_refresh)

    def _transition(self, request: Request, run: Any) -> Response:
        report = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        done = run(report=report, expected_version=version, actor=request.user, **data)
        return Response(ReportSerializer(done).data)

    @extend_schema(request=TransitionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit a draft or returned report for approval (its figures are taken afresh)."""
        return self._transition(request, services.report_submit)

    @extend_schema(request=TransitionSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a submitted report: from now on its snapshot is frozen."""
        return self._transition(request, services.report_approve)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """Return a submitted report to its author with comments."""
        return self._transition(request, services.report_return)


class _AnyFormat(BaseContentNegotiation):
    """``format`` here names the document (html, pdf, xlsx), not a DRF renderer."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class BoardPackView(APIView):
    content_negotiation_class = _AnyFormat

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=True, description="YYYY-MM"),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["html", "pdf", "xlsx"], description="Default html"
            ),
        ],
        responses={
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="Printable page"),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The stored PDF of an approved pack, once prepared (POST /api/reports/pdfs/)",
            ),
            409: OpenApiResponse(description="No stored PDF yet: ask for it at /api/reports/pdfs/"),
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(
                OpenApiTypes.BINARY, description="Excel workbook"
            ),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """The month's investment board pack: the governed (frozen once approved) report when one
        exists, else a live preview. PDFs are prepared in the background (``/api/reports/pdfs/``);
        ``format=pdf`` here serves an approved pack's stored PDF once it is ready."""
        period = selectors.parse_period(request.query_params.get("period"))
        if period is None:
            raise ValidationError({"period": "Give the month like 2024-03."})
        fmt = request.query_params.get("format", "html")
        if fmt not in ("html", "pdf", "xlsx"):
            raise ValidationError({"format": "Choose html, pdf or xlsx."})
        programme = programme_in_scope(request, remember=False)
        if programme is None:
            raise NotFound("No programme yet.")
        document = selectors.board_pack_document(programme, period)
        meta = exports.report_meta(document.report, document.snapshot)
        if fmt == "html":
            response = HttpResponse(
                exports.print_html(document.snapshot, meta), content_type="text/html; charset=utf-8"
            )
        elif fmt == "pdf":
            response = _stored_pdf(document)
        else:
            response = HttpResponse(
                exports.xlsx_bytes(document.snapshot, meta), content_type=CONTENT_TYPES["xlsx"]
            )
        if fmt != "html":
            response["Content-Disposition"] = (
                f'attachment; filename="board-pack-{period:%Y-%m}.{fmt}"'
            )
        response["X-Report-Status"] = document.report.status if document.report else "live"
        return response


def _stored_pdf(document: selectors.Document) -> HttpResponse:
    """The ready PDF stored for this approved report (the same bytes every time), else 409."""
    report = document.report
    body = None
    if report is not None and report.status == ReportStatus.APPROVED:
        body = (
            ReportPdf.objects.filter(
                report=report, fingerprint=report.snapshot_sha256, status=PdfStatus.READY
            )
            .values_list("pdf", flat=True)
            .first()
        )
    if body is None:
        raise Conflict(
            "PDFs are prepared in the background: POST the period (or the report) to "
            "/api/reports/pdfs/, follow its status, then download it."
        )
    return HttpResponse(bytes(body), content_type=CONTENT_TYPES["pdf"])


class Conflict(APIException):
    status_code = 409
    default_detail = "Not in a state that allows this."


class ReportPdfViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """PDFs of reports and board packs, prepared by the background worker: POST asks for one
    (202; an approved report's PDF is prepared once and the same one is answered again), GET
    follows its status, ``download/`` serves it when ready."""

    lookup_value_regex = r"\d+"
    serializer_class = ReportPdfSerializer
    queryset = ReportPdf.objects.defer("pdf")

    def get_object(self) -> ReportPdf:
        try:
            return super().get_object()
        except Http404:
            raise NotFound(
                "No such PDF. A draft's or live board pack's PDF is removed once a newer one is "
                "ready (and after some days): POST to /api/reports/pdfs/ to prepare it again."
            ) from None

    @extend_schema(request=ReportPdfRequestSerializer, responses={202: ReportPdfSerializer})
    def create(self, request: Request) -> Response:
        serializer = ReportPdfRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = serializer.validated_data.get("report")
        programme = report.programme if report else programme_in_scope(request, remember=False)
        if programme is None:
            raise NotFound("No programme yet.")
        pdf = services.report_pdf_request(
            actor=request.user,
            programme=programme,
            report=report,
            period=serializer.validated_data.get("period"),
        )
        return Response(ReportPdfSerializer(pdf).data, status=202)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            409: OpenApiResponse(description="Not ready (queued, rendering or failed)"),
        }
    )
    @action(detail=True, methods=["get"], content_negotiation_class=_AnyFormat)
    def download(self, request: Request, pk: str | None = None) -> HttpResponse:
        pdf = self.get_object()
        if pdf.status != PdfStatus.READY:
            raise Conflict(f"The PDF is {pdf.get_status_display().lower()}, not ready.")
        body = ReportPdf.objects.filter(pk=pdf.pk).values_list("pdf", flat=True).first()
        if body is None:  # removed between the two reads
            raise NotFound("No such PDF: POST to /api/reports/pdfs/ to prepare it again.")
        response = HttpResponse(bytes(body), content_type=CONTENT_TYPES["pdf"])
        response["Content-Disposition"] = f'attachment; filename="report-pdf-{pdf.pk}.pdf"'
        return response
