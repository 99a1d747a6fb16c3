from django.urls import path

from openpmo.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.register, name="home"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/escalate/", views.item_escalate, name="item-escalate"),
    path("items/<int:pk>/raise-issue/", views.item_raise_issue, name="item-raise-issue"),
    path("items/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/edit/", views.matrix_edit, name="matrix-edit"),
    path("appetite/<str:category>/", views.appetite_edit, name="appetite-edit"),
    path("dependencies/", views.dependencies, name="dependencies"),
    path("decisions/", views.decisions, name="decisions"),
    path("work-packages/<int:pk>/", views.work_package_risks, name="work-package"),
    path("simulations/", views.simulation_list, name="run-list"),
    path("simulations/new/", views.simulation_start, name="run-start"),
    path("simulations/<int:pk>/", views.simulation_detail, name="run-detail"),
    path("simulations/<int:pk>/inputs.yaml", views.simulation_inputs, name="run-inputs"),
]
