from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from openpmo.accounts.roles import Role


class User(AbstractUser):
    """A person who signs in to OpenPMO. Roles are groups (see ``openpmo.accounts.roles``)."""

    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> list[str]:
        """The names of this person's roles (one query, cached for the request)."""
        return sorted(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names
