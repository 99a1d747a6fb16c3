"""API routes of resources, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from openpmo.resources.api import views

router = SimpleRouter()
router.register("resources/roles", views.ResourceRoleViewSet, basename="resource-role")
router.register("resources/people", views.PersonViewSet, basename="resource-person")
router.register("resources/suppliers", views.SupplierViewSet, basename="resource-supplier")

urlpatterns = [
    path("resources/capacity/", views.CapacityView.as_view(), name="resource-capacity"),
    path("resources/levelling/", views.LevellingView.as_view(), name="resource-levelling"),
    path(
        "resources/work-packages/<int:pk>/demand/",
        views.DemandView.as_view(),
        name="resource-demand",
    ),
    path(
        "resources/work-packages/<int:pk>/demand/mspdi/",
        views.DemandMspdiView.as_view(),
        name="resource-demand-mspdi",
    ),
    path("", include(router.urls)),
]
