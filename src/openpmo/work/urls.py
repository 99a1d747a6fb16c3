from django.urls import path

from openpmo.work import views

app_name = "work"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("settings/", views.notification_settings, name="settings"),
    path("dev/mail/", views.mailbox, name="mailbox"),
    path("dev/mail/<str:name>", views.mailbox_file, name="mailbox-file"),
]
