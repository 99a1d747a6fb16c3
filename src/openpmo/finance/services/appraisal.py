"""Green Book appraisals: options, lines, amounts and deflators in one write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import (
    require,
    save_validated,
)
from openpmo.core.errors import InputError
from openpmo.finance.models import (
    Appraisal,
    AppraisalAmount,
    AppraisalDeflator,
    AppraisalLine,
    AppraisalOption,
)
from openpmo.finance.services._common import _actor_or_none
from openpmo.portfolio.models import Programme, WorkPackage


@transaction.atomic
def appraisal_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    document: dict[str, Any],
    description: str = "",
    work_package: WorkPackage | None = None,
    is_illustrative: bool = False,
) -> Appraisal:
    """Store an appraisal from the YAML shape ``openpmo appraise`` reads (already parsed).

    The engine reads the document first (naming any bad field); optimism bias given as a project
    type is kept as the rate it comes to.
    """
    from openpmo.core.finance import appraisal_from_mapping

    require(actor, "finance.add_appraisal", programme)
    if not isinstance(document, dict):
        raise ValidationError({"document": "The appraisal must be a mapping (field: value)."})
    try:
        parsed = appraisal_from_mapping(document)
        if parsed.prices != "real":
            raise ValidationError(
                {"document": "Enter amounts in real base-year prices (prices: real)."}
            )
    except InputError as error:
        raise as_validation_error(error, "document") from None
    appraisal = Appraisal(
        programme=programme,
        work_package=work_package,
        name=name,
        base_year=str(parsed.base_year),
        description=description,
        created_by=_actor_or_none(actor),
        is_illustrative=is_illustrative,
    )
    save_validated(appraisal)
    for year, index in (parsed.gdp_deflator or {}).items():
        AppraisalDeflator.objects.create(appraisal=appraisal, year=str(year), index=index)
    for order, option in enumerate(parsed.options):
        row = AppraisalOption.objects.create(appraisal=appraisal, name=option.name, order=order)
        for group, lines in (("cost", option.costs), ("benefit", option.benefits)):
            for line_name, amounts in lines.items():
                line = AppraisalLine.objects.create(
                    option=row,
                    group=group,
                    name=line_name,
                    optimism_bias=option.optimism_bias.get(line_name) if group == "cost" else None,
                )
                AppraisalAmount.objects.bulk_create(
                    AppraisalAmount(line=line, year=str(year), amount=_pence(amount, line_name))
                    for year, amount in amounts.items()
                )
    after = snapshot(appraisal)
    after["document"] = _jsonable(document)
    audit_record(actor=actor, action="appraisal.created", obj=appraisal, before=None, after=after)
    return appraisal


def _pence(amount: Decimal, where: str) -> Decimal:
    if amount != amount.quantize(Decimal("0.01")) or abs(amount) >= Decimal("1e12"):
        raise ValidationError(
            {"document": f"{where}: {amount} is not an amount in pounds and pence."}
        )
    return amount


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
