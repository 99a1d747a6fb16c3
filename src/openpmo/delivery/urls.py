from django.urls import path

from openpmo.delivery import views

app_name = "delivery"
urlpatterns = [
    path("", views.home, name="home"),
    path("export.xml", views.programme_export, name="programme-export"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/days-off/", views.calendar_exception_add, name="calendar-exception-add"),
    path(
        "calendar/days-off/<int:pk>/remove/",
        views.calendar_exception_remove,
        name="calendar-exception-remove",
    ),
    path("work-packages/<int:pk>/", views.work_package_schedule, name="work-package-schedule"),
    path("work-packages/<int:pk>/start/", views.schedule_start_edit, name="schedule-start"),
    path(
        "work-packages/<int:pk>/calendar/",
        views.work_package_calendar,
        name="work-package-calendar",
    ),
    path("work-packages/<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("work-packages/<int:pk>/links/new/", views.link_create, name="link-create"),
    path("work-packages/<int:pk>/import/", views.schedule_import, name="schedule-import"),
    path("work-packages/<int:pk>/export.xml", views.schedule_export, name="schedule-export"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("tasks/<int:pk>/achieved/", views.milestone_achieved, name="milestone-achieved"),
    path("links/<int:pk>/delete/", views.link_delete, name="link-delete"),
    path("interdependencies/", views.interdependency_list, name="interdependency-list"),
    path("interdependencies/new/", views.interdependency_create, name="interdependency-create"),
    path(
        "interdependencies/<int:pk>/", views.interdependency_detail, name="interdependency-detail"
    ),
    path(
        "interdependencies/<int:pk>/edit/", views.interdependency_edit, name="interdependency-edit"
    ),
]
