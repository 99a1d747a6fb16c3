from django.urls import path

from openpmo.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme-edit"),
    path(
        "programmes/<int:pk>/separation-of-duties/",
        views.programme_separation_of_duties,
        name="programme-separation-of-duties",
    ),
    path("programmes/<int:programme_pk>/pillars/new/", views.pillar_create, name="pillar-create"),
    path(
        "programmes/<int:programme_pk>/priorities/new/",
        views.strategic_priority_create,
        name="strategic-priority-create",
    ),
    path("pillars/", views.pillar_list, name="pillar-list"),
    path("pillars/<int:pk>/", views.pillar_detail, name="pillar-detail"),
    path("pillars/<int:pk>/edit/", views.pillar_edit, name="pillar-edit"),
    path("pillars/<int:pillar_pk>/strands/new/", views.strand_create, name="strand-create"),
    path("strands/<int:pk>/", views.strand_detail, name="strand-detail"),
    path("strands/<int:pk>/edit/", views.strand_edit, name="strand-edit"),
    path("work-packages/", views.work_package_list, name="work-package-list"),
    path("work-packages/new/", views.work_package_create, name="work-package-create"),
    path("work-packages/<int:pk>/", views.work_package_detail, name="work-package-detail"),
    path("work-packages/<int:pk>/edit/", views.work_package_edit, name="work-package-edit"),
    path(
        "work-packages/<int:pk>/stage/",
        views.work_package_stage_correct,
        name="work-package-stage-correct",
    ),
]
