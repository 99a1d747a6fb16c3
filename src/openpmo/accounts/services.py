"""Writes to people and roles: the PMO invites people, gives them roles and pillars, and
deactivates them. Every change is audited (the password hash never enters the record)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.accounts.sponsorship import sponsorship
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import SYSTEM, lock_for_update, require, save_validated

_NOT_AUDITED = ("password", "last_login")


@transaction.atomic
def roles_ensure() -> list[Group]:
    """Create the role groups that do not exist yet (idempotent)."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in Role]


@transaction.atomic
def user_roles_set(*, user: User, roles: list[Role]) -> None:
    """Give ``user`` exactly these roles (the system's own path: demo data, sign-in mapping)."""
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.set(groups)
    user.__dict__.pop("role_names", None)


def _view(user: User) -> dict[str, Any]:
    data = snapshot(user, exclude=(*_NOT_AUDITED, "user_permissions"))
    data["groups"] = sorted(user.groups.values_list("name", flat=True))
    data["sponsored_pillars"] = sorted(user.sponsored_pillars.values_list("pk", flat=True))
    return data


def _set_pillars(actor: Any, user: User, pillars: Iterable[Any]) -> None:
    """Make ``user`` the sponsor of exactly ``pillars`` (through the portfolio's own service)."""
    sponsorship().assign(actor, user, pillars)


def invitation_link(user: User) -> str:
    """A link to set a password; it stops working once the password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation", args=[uid, token])
    return f"{settings.OPENPMO_BASE_URL}{path}"


def _send_invitation(user: User, invited_by: str) -> None:
    EmailMessage(
        subject="[OpenPMO] You are invited to OpenPMO",
        body=(
            f"Hello {user.get_full_name() or user.username},\n\n"
            f"{invited_by} has given you an OpenPMO account (user name: {user.username}).\n"
            f"Choose your password here:\n\n{invitation_link(user)}\n\n"
            "The link works once. If it has stopped working, ask the PMO to send another.\n"
        ),
        to=[user.email],
    ).send()


@transaction.atomic
def user_invite(
    *,
    actor: Any,
    email: str,
    first_name: str,
    last_name: str,
    username: str = "",
    job_title: str = "",
    roles: Iterable[Role | str] = (),
    pillars: Iterable[Any] = (),
) -> User:
    """Create the account (no password yet), give its roles and pillars, and email a link to set
    a password once the transaction has committed."""
    require(actor, "accounts.add_user", message="Only the PMO can invite people.")
    email = (email or "").strip().lower()
    username = (username or email).strip()
    if not email:
        raise ValidationError({"email": "Enter the person's email address."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already has an account."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The user name {username} is taken."})
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
    )
    user.set_unusable_password()
    save_validated(user)
    user_roles_set(user=user, roles=[Role(r) for r in roles])
    _set_pillars(actor, user, pillars)
    audit_record(actor=actor, action="user.invited", obj=user, before=None, after=_view(user))
    transaction.on_commit(lambda: _send_invitation(user, str(actor)))
    return user


@transaction.atomic
def user_invitation_resend(*, actor: Any, user: User) -> None:
    require(actor, "accounts.add_user", message="Only the PMO can invite people.")
    if user.has_usable_password():
        raise ValidationError(f"{user} has already chosen a password.")
    audit_record(actor=actor, action="user.invitation_resent", obj=user, before=None, after=None)
    transaction.on_commit(lambda: _send_invitation(user, str(actor)))


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    roles: Iterable[Role | str],
    pillars: Iterable[Any] = (),
    first_name: str | None = None,
    last_name: str | None = None,
    job_title: str | None = None,
) -> User:
    """Set the person's roles and the pillars they sponsor (and their name and title)."""
    locked = lock_for_update(User, user.pk)
    require(actor, "accounts.change_user", locked, message="Only the PMO can change roles.")
    before = _view(locked)
    for name, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("job_title", job_title),
    ):
        if value is not None:
            setattr(locked, name, value.strip())
    save_validated(locked)
    role_list = [Role(r) for r in roles]
    if locked.pk == getattr(actor, "pk", None) and Role.PMO not in role_list:
        raise PermissionDenied("You cannot take the PMO role from yourself: ask another officer.")
    user_roles_set(user=locked, roles=role_list)
    _set_pillars(actor, locked, pillars)
    after = _view(locked)
    if after != before:
        audit_record(actor=actor, action="user.changed", obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def user_active_set(*, actor: Any, user: User, active: bool) -> User:
    """Deactivate (cannot sign in; API tokens revoked; history kept) or reactivate."""
    locked = lock_for_update(User, user.pk)
    require(
        actor,
        "accounts.deactivate_user",
        locked,
        message="Only the PMO can deactivate people, and not themselves.",
    )
    if locked.is_active == active:
        return locked
    before = _view(locked)
    locked.is_active = active
    save_validated(locked)
    if not active:
        Token.objects.filter(user=locked).delete()
    audit_record(
        actor=actor,
        action="user.reactivated" if active else "user.deactivated",
        obj=locked,
        before=before,
        after=_view(locked),
    )
    return locked


@transaction.atomic
def user_from_provider(
    *,
    user: User | None,
    email: str,
    username: str,
    first_name: str,
    last_name: str,
    roles: list[Role],
    pillar_names: list[str] | None,
) -> User:
    """Create or refresh someone who signed in through single sign-on: their roles (and, when
    the provider maps pillars, the pillars they sponsor) follow the provider's groups."""
    if user is None:
        if User.objects.filter(username__iexact=username).exists():
            username = email
        user = User(username=username, email=email.lower())
        user.set_unusable_password()
        before = None
    else:
        user = lock_for_update(User, user.pk)
        before = _view(user)
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    save_validated(user)
    user_roles_set(user=user, roles=roles)
    if pillar_names is not None:
        _set_pillars(SYSTEM, user, sponsorship().named(pillar_names))
    after = _view(user)
    if after != before:
        action = "user.created_by_sign_on" if before is None else "user.changed_by_sign_on"
        audit_record(actor=SYSTEM, action=action, obj=user, before=before, after=after)
    return user
