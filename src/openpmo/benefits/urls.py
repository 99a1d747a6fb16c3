from django.urls import path

from openpmo.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.tracker, name="home"),
    path("carbon/", views.carbon, name="carbon"),
    path("register/", views.benefit_list, name="register"),
    path("register/new/", views.benefit_create, name="benefit-create"),
    path("register/<int:pk>/", views.benefit_detail, name="benefit-detail"),
    path("register/<int:pk>/edit/", views.benefit_edit, name="benefit-edit"),
    path("register/<int:pk>/profile/", views.profile_edit, name="profile"),
    path("register/<int:pk>/actuals/", views.actual_record, name="actual-record"),
    path("register/<int:pk>/shortfall/", views.shortfall_explain, name="shortfall-explain"),
    path("actuals/<int:pk>/evidence/", views.actual_attachment, name="actual-attachment"),
    path("settings/", views.tracker_settings, name="settings"),
    path("export/register.xlsx", views.export_register, name="export-register"),
    path("export/profiles.xlsx", views.export_profiles, name="export-profiles"),
    path("export/tracker.xlsx", views.export_tracker, name="export-tracker"),
    path("import/", views.import_workbook, name="import"),
]
