"""Fixtures of the work tests: the gates' programme with people who each have something to do."""

from __future__ import annotations

import pytest

from openpmo.gates.tests.conftest import decision_maker, gated, pmo  # noqa: F401 - fixtures


@pytest.fixture
def authority(gated, decision_maker):  # noqa: F811 - the fixture imported above
    from openpmo.common.services import SYSTEM
    from openpmo.gates.services import delegated_authority_set

    delegated_authority_set(
        actor=SYSTEM, programme=gated.strand.pillar.programme, role="Decision maker", limit=None
    )
    return decision_maker
