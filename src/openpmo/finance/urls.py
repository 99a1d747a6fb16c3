from django.urls import path

from openpmo.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.home, name="home"),
    path("team/<int:pk>/", views.team_cost_plan, name="team-cost-plan"),
    path("team/<int:pk>/flex/", views.team_flex, name="team-flex"),
    path("reserves/<int:pk>/", views.reserve_detail, name="reserve"),
    path("reserves/<int:pk>/entries/new/", views.reserve_entry_new, name="reserve-entry-new"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("appraisals/", views.appraisal_list, name="appraisal-list"),
    path("appraisals/new/", views.appraisal_new, name="appraisal-new"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("work-packages/", views.programme_money, name="programme-money"),
    path("work-packages/<int:pk>/", views.work_package_money, name="work-package"),
    path("spend/import/", views.spend_import, name="spend-import"),
]
