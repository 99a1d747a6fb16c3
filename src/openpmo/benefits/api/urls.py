"""API routes of the benefits app, mounted under /api/ (see openpmo.api.urls)."""

from rest_framework.routers import SimpleRouter

from openpmo.benefits.api.views import BenefitViewSet

router = SimpleRouter()
router.register("benefits", BenefitViewSet, basename="benefit")

urlpatterns = router.urls
