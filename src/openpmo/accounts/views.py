"""Sign in and out; accepting an invitation; the PMO's user administration pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from openpmo.accounts import selectors, services
from openpmo.accounts.forms import InviteForm, PersonForm, SignInForm
from openpmo.accounts.models import User
from openpmo.audit.models import AuditRecord


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "oidc_label": settings.OIDC_LABEL if settings.OIDC_ENABLED else "",
            "sso_refused": self.request.GET.get("sso") == "refused",
        }


class SignOutView(auth_views.LogoutView):
    pass


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: choose a password (the link then stops working)."""

    template_name = "accounts/invitation.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Your password is set: sign in with your user name")
        return super().form_valid(form)


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("Only the PMO can manage users.")


def user_list(request: HttpRequest) -> HttpResponse:
    _require(request, "accounts.view_user")
    return render(request, "accounts/user_list.html", {"people": selectors.user_list()})


def user_invite(request: HttpRequest) -> HttpResponse:
    _require(request, "accounts.add_user")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {person.email}")
            return redirect("accounts:user-detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": "Invite someone"},
        status=400 if form.errors else 200,
    )


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "accounts.change_user")
    person = get_object_or_404(User, pk=pk)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "job_title": person.job_title,
        "roles": person.role_names,
        "pillars": list(person.sponsored_pillars.all()),
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{person} saved")
            return redirect("accounts:user-detail", pk=person.pk)
    history = AuditRecord.objects.for_object(person).select_related("actor")[:20]
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": str(person), "person": person, "history": history},
        status=400 if form.errors else 200,
    )


@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    services.user_active_set(actor=request.user, user=person, active=active)
    messages.success(request, f"{person} {'reactivated' if active else 'deactivated'}")
    return redirect("accounts:user-detail", pk=person.pk)


@require_POST
def user_invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        services.user_invitation_resend(actor=request.user, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation sent again to {person.email}")
    return redirect("accounts:user-detail", pk=person.pk)
