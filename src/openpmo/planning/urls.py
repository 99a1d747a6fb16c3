from django.urls import path

from openpmo.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.home, name="home"),
    path("drivers/", views.drivers, name="drivers"),
    path("scenarios/new/", views.scenario_create, name="scenario-create"),
    path("scenarios/compare/", views.scenario_compare, name="scenario-compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:pk>/commit/", views.scenario_commit, name="scenario-commit"),
    path("scenarios/<int:pk>/export.xlsx", views.scenario_export, name="scenario-export"),
]
