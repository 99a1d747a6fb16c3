"""Reads of Green Book appraisals and their results."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from openpmo.finance.models import (
    Appraisal,
    AppraisalLine,
    AppraisalOption,
)
from openpmo.finance.selectors._common import _pence


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
    """The shape ``openpmo appraise --json`` prints."""

    def money(value: Decimal | None) -> str | None:
        return None if value is None else _pence(value)

    return {
        "base_year": str(result.base_year),
        "options": [
            {
                "name": option.name,
                "tco_real": money(option.tco_real),
                "tco_nominal": money(option.tco_nominal),
                "pv_costs": money(option.pv_costs),
                "pv_benefits": money(option.pv_benefits),
                "npsv": money(option.npsv),
                "bcr": None if option.bcr is None else str(option.bcr.quantize(Decimal("0.01"))),
                "discounted_payback_year": None
                if option.discounted_payback_year is None
                else str(option.discounted_payback_year),
            }
            for option in result.options
        ],
        "preferred": result.preferred,
    }
