"""Money at the gates: reading amounts by financial year, and drawing released funding from the
reserve. ``reserve_drawdowns`` is the one place this app writes to the finance app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from openpmo.common.authority import DecisionAuthority
from openpmo.common.services import ConflictError
from openpmo.core.errors import ValidationError as EngineValidationError
from openpmo.core.money import FinancialYear, parse_money
from openpmo.finance.models import Reserve
from openpmo.finance.services import reserve_drawdown_record

MAX_AMOUNT = Decimal("999999999999.99")


def parse_funding(value: Any, *, field: str) -> dict[FinancialYear, Decimal]:
    """``{"2023/24": "150000.00"}`` -> ``{FinancialYear(2023): Decimal("150000.00")}``.

    Each amount must be more than zero and in pounds and pence; a year written twice (2023/24 and
    2023-24) is refused. Errors name ``field`` so forms and the API can show them by it.
    """
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(
            {field: 'Give amounts by financial year, like {"2023/24": "150000.00"}.'}
        )
    funding: dict[FinancialYear, Decimal] = {}
    problems = []
    for year_text, amount_text in value.items():
        try:
            year = FinancialYear.parse(str(year_text))
            amount = parse_money(amount_text)
        except EngineValidationError as error:
            problems.append(error.message)
            continue
        if year in funding:
            problems.append(f"{year} is given twice.")
        elif amount <= 0:
            problems.append(f"{year}: the amount must be more than zero.")
        elif amount != amount.quantize(Decimal("0.01")) or amount > MAX_AMOUNT:
            problems.append(f"{year}: give the amount in pounds and pence, up to £1 trillion.")
        else:
            funding[year] = amount.quantize(Decimal("0.01"))
    if problems:
        raise ValidationError({field: problems})
    return dict(sorted(funding.items()))


def as_json(funding: Mapping[FinancialYear, Decimal]) -> dict[str, str]:
    return {str(year): str(amount) for year, amount in sorted(funding.items())}


def reserve_for(programme: Any, years: Iterable[FinancialYear]) -> Any:
    """The programme's reserve whose years hold every one of ``years`` (the first by name)."""
    wanted = sorted(set(years))
    for reserve in Reserve.objects.filter(programme=programme).order_by("name"):
        if all(year in reserve.years for year in wanted):
            return reserve
    raise ConflictError(
        f"{programme} has no reserve covering {', '.join(map(str, wanted))}, so nothing can be "
        "released. Nothing was saved."
    )


def reserve_drawdowns(
    *,
    actor: Any,
    decision: Any,
    authority: DecisionAuthority,
    releases: Mapping[FinancialYear, Decimal],
) -> dict[FinancialYear, Any]:
    """Draw each year's release from the programme's reserve, in the caller's transaction.

    The finance app's ``reserve_drawdown_record`` row-locks the reserve, checks ``authority``
    (a decision of the Cabinet Member for Finance, §7.1, recorded by the decider or the system)
    and refuses (``ConflictError``) a drawdown that would take the balance past zero in that
    year or any later one, so the caller's whole decision rolls back. Each ledger row names the
    decider; the decision's ``FundingRelease.reserve_entry`` is the link back.
    """
    if not releases:
        return {}
    reserve = reserve_for(decision.programme, releases)
    reference = decision.forward_plan_reference or "no Forward Plan reference"
    return {
        year: reserve_drawdown_record(
            actor=actor,
            reserve=reserve,
            year=str(year),
            amount=amount,
            authority=authority,
            work_package=decision.work_package,
            reason=f"Released by decision {decision.pk} ({reference}): {decision.subject}",
        )
        for year, amount in sorted(releases.items())
    }
