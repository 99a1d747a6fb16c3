from typing import Any

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from openpmo.portfolio.api.views import (
    PillarViewSet,
    ProgrammeViewSet,
    StrandViewSet,
    WorkPackageViewSet,
)

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("pillars", PillarViewSet, basename="pillar")
router.register("strands", StrandViewSet, basename="strand")
router.register("work-packages", WorkPackageViewSet, basename="work-package")


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token …``).

    Sign-in throttling applies here as on the sign-in page: a locked-out account or address gets
    429 and no token, whatever the password."""

    permission_classes = ()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": "Too many failed sign-ins: signing in is paused for a while."},
                    status=429,
                )
            raise


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Each domain app's own routes (their api/urls.py), then the register's router.
    path("", include("openpmo.finance.api.urls")),
    path("", include("openpmo.gates.api.urls")),
    path("", include("openpmo.benefits.api.urls")),
    path("", include("openpmo.delivery.api.urls")),
    # Reads composed above the domains (the benefits at risk from a slip).
    path("", include("openpmo.impact.api.urls")),
    path("", include("openpmo.risks.api.urls")),
    path("", include("openpmo.reports.api.urls")),
    path("", include("openpmo.resources.api.urls")),
    path("", include("openpmo.work.api.urls")),
    path("", include("openpmo.exchange.api.urls")),
    path("", include("openpmo.planning.api.urls")),
    path("", include(router.urls)),
]
