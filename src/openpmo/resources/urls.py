from django.urls import path

from openpmo.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/export.xlsx", views.people_export, name="people-export"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("work-packages/<int:pk>/demand/", views.demand, name="demand"),
    path("work-packages/<int:pk>/demand/mspdi.xml", views.demand_mspdi, name="demand-mspdi"),
    path("levelling/", views.levelling, name="levelling"),
    path("hybrid/", views.hybrid, name="hybrid"),
    path("core-team/", views.core_team, name="core-team"),
]
