from django.urls import path

from openpmo.gates import views

app_name = "gates"
urlpatterns = [
    path("", views.pipeline, name="home"),
    path("decisions/", views.decision_log, name="decision-log"),
    path("decisions/funding/new/", views.funding_decision_new, name="funding-decision-new"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("decisions/<int:pk>/correct/", views.decision_correct, name="decision-correct"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action-complete"),
    path("work-packages/", views.work_package_list, name="work-package-list"),
    path("work-packages/<int:pk>/", views.work_package_gates, name="work-package"),
    path(
        "work-packages/<int:pk>/business-cases/new/",
        views.business_case_create,
        name="business-case-create",
    ),
    path("work-packages/<int:pk>/request/", views.request_submit, name="request-submit"),
    path("business-cases/<int:pk>/", views.business_case_detail, name="business-case-detail"),
    path("business-cases/<int:pk>/edit/", views.business_case_edit, name="business-case-edit"),
    path("business-cases/<int:pk>/options/new/", views.option_edit, name="option-create"),
    path(
        "business-cases/<int:pk>/options/<int:option_pk>/edit/",
        views.option_edit,
        name="option-edit",
    ),
    path(
        "business-cases/<int:pk>/options/<int:option_pk>/remove/",
        views.option_remove,
        name="option-remove",
    ),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path(
        "requests/<int:pk>/quality-assurance/",
        views.request_quality_assure,
        name="request-quality-assure",
    ),
    path("requests/<int:pk>/decide/", views.request_decide, name="request-decide"),
    path("equality-assessments/", views.assessment_list, name="assessment-list"),
    path("equality-assessments/new/", views.assessment_create, name="assessment-create"),
    path("equality-assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/defaults/", views.gates_defaults, name="gates-defaults"),
    path("settings/authority/", views.authority_set, name="authority-set"),
    path("settings/gates/", views.gate_add, name="gate-add"),
    path("settings/gates/<int:pk>/remove/", views.gate_delete, name="gate-remove"),
    path("settings/gates/<int:gate_pk>/items/", views.checklist_item_add, name="checklist-add"),
    path("settings/items/<int:pk>/toggle/", views.checklist_item_toggle, name="checklist-toggle"),
]
