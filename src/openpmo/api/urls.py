from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
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
    """Exchange a username and password for an API token (``Authorization: Token …``)."""

    permission_classes = ()


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Each domain app's own routes (their api/urls.py), then the register's router.
    path("", include("openpmo.finance.api.urls")),
    path("", include("openpmo.gates.api.urls")),
    path("", include("openpmo.benefits.api.urls")),
    path("", include("openpmo.delivery.api.urls")),
    path("", include("openpmo.risks.api.urls")),
    path("", include("openpmo.reports.api.urls")),
    path("", include("openpmo.planning.api.urls")),
    path("", include(router.urls)),
]
