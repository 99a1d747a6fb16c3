from __future__ import annotations

import pytest

from openpmo.accounts.roles import Role


@pytest.fixture
def pmo(role_user):
    return role_user(Role.PMO)
