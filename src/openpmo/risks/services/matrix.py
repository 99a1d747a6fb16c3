"""The risk matrix and the programme's risk appetite."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openpmo.audit.services import audit_change, snapshot
from openpmo.common.services import (
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.portfolio.models import Programme
from openpmo.risks.models import (
    RiskAppetite,
    RiskMatrix,
)


@transaction.atomic
def risk_matrix_update(
    *,
    actor: Any,
    programme: Programme,
    expected_version: int | None = None,
    **data: Any,
) -> RiskMatrix:
    """Set the labels and score bands of the programme's matrix (made on first save)."""
    require(actor, "risks.change_riskmatrix", programme, message="Only the PMO sets the matrix.")
    matrix = RiskMatrix.objects.filter(programme=programme).first()
    if matrix is None:
        matrix, before = RiskMatrix(programme=programme), None
    else:
        matrix = lock_for_update(RiskMatrix, matrix.pk, expected_version=expected_version)
        before = snapshot(matrix)
    apply_fields(
        matrix,
        {k: v for k, v in data.items() if k in {"probability_labels", "impact_labels", "bands"}},
    )
    save_validated(matrix)
    after = snapshot(matrix)
    audit_change(actor=actor, action="risk_matrix.updated", obj=matrix, before=before, after=after)
    return matrix


@transaction.atomic
def risk_appetite_set(
    *,
    actor: Any,
    programme: Programme,
    category: str,
    max_score: int,
    statement: str = "",
    is_illustrative: bool = False,
    expected_version: int | None = None,
) -> RiskAppetite:
    """State the programme's appetite in one category (the highest score it will carry)."""
    require(
        actor, "risks.change_riskappetite", programme, message="Only the PMO sets risk appetite."
    )
    appetite = RiskAppetite.objects.filter(programme=programme, category=category).first()
    if appetite is None:
        appetite, before = RiskAppetite(programme=programme, category=category), None
    else:
        appetite = lock_for_update(RiskAppetite, appetite.pk, expected_version=expected_version)
        before = snapshot(appetite)
    appetite.max_score = max_score
    appetite.statement = statement
    appetite.is_illustrative = is_illustrative
    save_validated(appetite)
    after = snapshot(appetite)
    audit_change(actor=actor, action="risk_appetite.set", obj=appetite, before=before, after=after)
    return appetite
