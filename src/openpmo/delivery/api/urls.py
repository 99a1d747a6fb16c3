"""API routes of the delivery app, mounted under /api/ (see openpmo.api.urls)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from openpmo.delivery.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("interdependencies", views.InterdependencyViewSet, basename="interdependency")
router.register("schedule-tasks", views.ScheduleTaskViewSet, basename="schedule-task")
router.register("schedule-links", views.ScheduleLinkViewSet, basename="schedule-link")

urlpatterns = [
    path(
        "work-packages/<int:pk>/schedule/",
        views.WorkPackageScheduleView.as_view(),
        name="work-package-schedule",
    ),
    path(
        "work-packages/<int:pk>/schedule/import/",
        views.ScheduleImportView.as_view(),
        name="work-package-schedule-import",
    ),
    path(
        "work-packages/<int:pk>/schedule/calendar/",
        views.ScheduleCalendarView.as_view(),
        name="work-package-schedule-calendar",
    ),
    path(
        "work-packages/<int:pk>/schedule/export/",
        views.ScheduleExportView.as_view(),
        name="work-package-schedule-export",
    ),
    path(
        "work-packages/<int:pk>/schedule/tasks/",
        views.ScheduleTaskCreateView.as_view(),
        name="work-package-schedule-tasks",
    ),
    path(
        "work-packages/<int:pk>/schedule/links/",
        views.ScheduleLinkCreateView.as_view(),
        name="work-package-schedule-links",
    ),
    path("programme-schedule/", views.ProgrammeScheduleView.as_view(), name="programme-schedule"),
    path(
        "programme-schedule/export/",
        views.ProgrammeScheduleExportView.as_view(),
        name="programme-schedule-export",
    ),
    path("", include(router.urls)),
]
