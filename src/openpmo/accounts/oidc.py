"""Single sign-on through OpenID Connect (mozilla-django-oidc), with the provider's groups
mapped to OpenPMO roles and pillars.

The groups claim (``OIDC_GROUPS_CLAIM``, ``groups`` in Entra ID) is read from the user info at
every sign-in: ``OIDC_GROUP_ROLES`` gives the roles, ``OIDC_GROUP_PILLARS`` the pillars a
sponsor sponsors. The provider is the source of truth for people who sign in through it: their
roles follow their groups at each sign-in (audited). Someone in none of the mapped groups is
refused and nothing is created; a deactivated account stays refused.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from openpmo.accounts import services
from openpmo.accounts.models import User
from openpmo.accounts.roles import Role

log = logging.getLogger(__name__)


def mapped(claims: dict[str, Any]) -> tuple[list[Role], list[str]]:
    """The roles and pillar names that the claims' groups give."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    roles = sorted(
        {Role(settings.OIDC_GROUP_ROLES[g]) for g in groups if g in settings.OIDC_GROUP_ROLES}
    )
    pillars = sorted(
        {settings.OIDC_GROUP_PILLARS[g] for g in groups if g in settings.OIDC_GROUP_PILLARS}
    )
    return roles, pillars


class GroupMappingBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email"))

    def _sign_in(self, user: User | None, claims: dict[str, Any]) -> User | None:
        roles, pillars = mapped(claims)
        if not roles:
            log.warning("Single sign-on refused %s: no group maps to a role", claims.get("email"))
            return None
        return services.user_from_provider(
            user=user,
            email=claims["email"],
            username=claims.get("preferred_username") or claims["email"],
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
            roles=roles,
            pillar_names=pillars if settings.OIDC_GROUP_PILLARS else None,
        )

    def create_user(self, claims: dict[str, Any]) -> User | None:  # type: ignore[override]
        return self._sign_in(None, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User | None:  # type: ignore[override]
        if not user.is_active:
            return None
        return self._sign_in(user, claims)


def _when_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Not found (rather than a configuration error) where single sign-on is not set up."""

    @login_not_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up here.")
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path(
        "callback/",
        _when_enabled(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "authenticate/",
        _when_enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
]
