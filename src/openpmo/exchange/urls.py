from django.urls import path

from openpmo.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/<slug:slug>.<str:fmt>", views.export, name="export"),
    path("import/template.xlsx", views.template, name="template"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import-preview"),
    path("import/<int:pk>/commit/", views.import_commit, name="import-commit"),
]
