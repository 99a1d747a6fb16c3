from __future__ import annotations

import pytest

from openpmo.accounts.roles import Role


@pytest.fixture
def pmo(role_user):
    return role_user(Role.PMO)


@pytest.fixture
def two_packages(programme_tree):
    """``programme_tree`` and a second work package in another pillar of the same programme."""
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    programme = programme_tree.strand.pillar.programme
    other = WorkPackageFactory(strand__pillar__programme=programme, reference="WP-OTHER")
    return programme_tree, other


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users made by the factories get a fast hash: these tests are about schedules."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
