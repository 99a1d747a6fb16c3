from django.urls import include, path

from openpmo.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("accounts/", include("openpmo.accounts.urls")),
    path("oidc/", include("openpmo.accounts.oidc")),
    path("audit/", include("openpmo.audit.urls")),
    path("api/", include("openpmo.api.urls")),
    path("finance/", include("openpmo.finance.urls")),
    path("gates/", include("openpmo.gates.urls")),
    path("benefits/", include("openpmo.benefits.urls")),
    path("delivery/", include("openpmo.delivery.urls")),
    # The slippage impact page, beside the programme schedule whose form asks for it.
    path("delivery/", include("openpmo.impact.urls")),
    path("risks/", include("openpmo.risks.urls")),
    path("reports/", include("openpmo.reports.urls")),
    path("resources/", include("openpmo.resources.urls")),
    path("my-work/", include("openpmo.work.urls")),
    path("exchange/", include("openpmo.exchange.urls")),
    path("planning/", include("openpmo.planning.urls")),
    path("", include("openpmo.portfolio.urls")),
    path("", include("openpmo.web.urls")),
]

handler403 = "openpmo.web.errors.forbidden"
handler404 = "openpmo.web.errors.not_found"
handler500 = "openpmo.web.errors.server_error"
