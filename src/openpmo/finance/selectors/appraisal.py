"""Reads of Green Book appraisals and their results."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from openpmo.finance.models import (
    Appraisal,
    AppraisalLine,
    AppraisalOption,
)


def appraisal_list() -> QuerySet[Appraisal]:
    return Appraisal.objects.select_related("programme", "work_package", "created_by")


def appraisal_get(pk: int) -> Appraisal:
    return (
        Appraisal.objects.select_related("programme", "work_package", "created_by")
        .prefetch_related(
            "deflators",
            Prefetch(
                "options",
                queryset=AppraisalOption.objects.prefetch_related(
                    Prefetch("lines", queryset=AppraisalLine.objects.prefetch_related("amounts"))
                ),
            ),
        )
        .get(pk=pk)
    )


def appraisal_result_json(result: Any) -> dict[str, Any]:
    """The shape ``openpmo appraise --json`` prints: the core result's own ``to_dict()``."""
    return dict(result.to_dict())
