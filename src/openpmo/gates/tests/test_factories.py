"""The gates factories build rows the models accept, tied to one programme."""

from __future__ import annotations

import pytest

from openpmo.gates.tests.factories import (
    ChecklistItemFactory,
    DelegatedAuthorityFactory,
    EqualityImpactAssessmentFactory,
    GateRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_a_request_hangs_together_and_every_row_validates():
    request = GateRequestFactory()
    case = request.business_case
    programme = request.work_package.strand.pillar.programme
    assert case.work_package == request.work_package
    assert request.gate == case.gate and request.gate.programme == programme
    assert request.gate.stage == request.work_package.stage
    assert str(request.requested_total) == "100000.00"
    rows = [
        request,
        case,
        request.gate,
        ChecklistItemFactory(gate=request.gate),
        DelegatedAuthorityFactory(programme=programme),
        EqualityImpactAssessmentFactory(programme=programme),
    ]
    for row in rows:
        row.full_clean()
