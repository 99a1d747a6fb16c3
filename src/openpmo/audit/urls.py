from django.urls import path

from openpmo.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("<str:app_label>/<str:model>/<str:pk>/", views.object_history, name="history"),
]
