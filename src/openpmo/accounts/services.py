"""Writes to people and roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role


@transaction.atomic
def roles_ensure() -> list[Group]:
    """Create the role groups that do not exist yet (idempotent)."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in Role]


@transaction.atomic
def user_roles_set(*, user: User, roles: list[Role]) -> None:
    """Give ``user`` exactly these roles."""
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.set(groups)
    user.__dict__.pop("role_names", None)
