"""Fixtures shared by every test: one signed-in user per role, and a small programme."""

from __future__ import annotations

import pytest

from openpmo.accounts.roles import Role


@pytest.fixture
def role_user(db):
    """``role_user(Role.PMO)`` makes a user holding that role."""
    from openpmo.accounts.tests.factories import UserFactory

    def make(*roles: Role, **fields: object):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def programme_tree(db):
    """A programme with one pillar (sponsored), one strand and one work package (owned)."""
    from openpmo.accounts.tests.factories import UserFactory
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    sponsor = UserFactory(roles=[Role.PILLAR_SPONSOR], username="sponsor-here")
    owner = UserFactory(roles=[Role.WORK_PACKAGE_MANAGER], username="owner-here")
    work_package = WorkPackageFactory(strand__pillar__sponsor=sponsor, owner=owner)
    return work_package


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many users: hash their passwords cheaply (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
