from django.urls import path

from openpmo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("all/", views.report_list, name="report-list"),
    path("new/", views.report_create, name="report-create"),
    path("board-pack/", views.board_pack, name="board-pack"),
    path("pdf/", views.pdf_request, name="pdf-request"),
    path("pdf/<int:pk>/", views.pdf_detail, name="pdf-detail"),
    path("pdf/<int:pk>/download/", views.pdf_download, name="pdf-download"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("<int:pk>/refresh/", views.report_refresh, name="report-refresh"),
    path("<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("<int:pk>/approve/", views.report_approve, name="report-approve"),
    path("<int:pk>/return/", views.report_return, name="report-return"),
]
