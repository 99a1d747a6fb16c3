"""Equality impact assessments, which a gate request or decision may cite."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    apply_fields,
    require,
    save_validated,
)
from openpmo.gates.choices import (
    ProtectedCharacteristic,
)
from openpmo.gates.models import (
    EqualityImpactAssessment,
)
from openpmo.portfolio.models import Programme


@transaction.atomic
def equality_assessment_create(
    *, actor: Any, programme: Programme, **data: Any
) -> EqualityImpactAssessment:
    require(actor, "gates.add_equalityimpactassessment", programme)
    characteristics = list(data.pop("characteristics", []) or [])
    known = {c.value for c in ProtectedCharacteristic}
    unknown = [c for c in characteristics if c not in known]
    if unknown:
        raise ValidationError(
            {"characteristics": f"Not protected characteristics: {', '.join(map(str, unknown))}."}
        )
    if not characteristics:
        raise ValidationError(
            {"characteristics": "Select the protected characteristics the assessment considered."}
        )
    assessment = EqualityImpactAssessment(programme=programme)
    apply_fields(assessment, data)
    # Kept in the order of §8.2, whatever order they were given in.
    assessment.characteristics = [
        c.value for c in ProtectedCharacteristic if c.value in characteristics
    ]
    save_validated(assessment)
    audit_record(
        actor=actor,
        action="equality_assessment.created",
        obj=assessment,
        before=None,
        after=snapshot(assessment),
    )
    return assessment
