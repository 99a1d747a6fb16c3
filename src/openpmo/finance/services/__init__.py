"""Every write to the programme's money. Views, the API, imports, the demo loader and other apps
(the gates app records drawdowns when it approves a gate) all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
``transaction.atomic`` block: a refusal (``PermissionDenied``, ``ValidationError``,
``ConflictError``) changes nothing. They work inside a caller's own transaction too (the block
becomes a savepoint), so a caller that fails later undoes them with the rest of its work.

The reserve ledger: every entry is added under a row lock on the reserve (``select_for_update``),
so two drawdowns racing for the last of the reserve are decided one after the other, and the
reserve's ``balance`` is always its opening balance plus the sum of its entries."""

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.finance.services._common import (  # noqa: F401
    _actor_or_none,
    _financial_year,
    _positive_amount,
)
from openpmo.finance.services.appraisal import (  # noqa: F401
    _jsonable,
    _pence,
    appraisal_create,
)
from openpmo.finance.services.reserve import (  # noqa: F401
    MONEY_OUT_NEEDS_A_DECISION,
    _check_authority,
    _check_balance_fits,
    _check_past_zero,
    _check_return_within_released,
    _record_entry,
    reserve_contribution_record,
    reserve_create,
    reserve_drawdown_record,
    reserve_entry_record,
    reserve_return_record,
    reserve_stated_figure_record,
    reserve_withdrawal_record,
)
from openpmo.finance.services.spend import (  # noqa: F401
    SPEND_COLUMNS,
    _money,
    _month,
    _spend_upsert,
    forecast_record,
    spend_import,
    spend_record,
)
from openpmo.finance.services.team_cost import (  # noqa: F401
    FLEXIBLE_FIELDS,
    _check_team_model,
    team_cost_plan_create,
    team_plan_flex,
    team_role_create,
)

__all__ = [
    "appraisal_create",
    "forecast_record",
    "spend_import",
    "spend_record",
    "team_cost_plan_create",
    "team_plan_flex",
    "team_role_create",
    "reserve_contribution_record",
    "reserve_create",
    "reserve_drawdown_record",
    "reserve_entry_record",
    "reserve_return_record",
    "reserve_stated_figure_record",
    "reserve_withdrawal_record",
]
