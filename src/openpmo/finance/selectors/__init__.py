"""Reads of the programme's money, shaped for pages and the API. Each does a fixed number of
queries whatever the number of rows; the figures come from the engines via ``core_adapters``."""

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.finance.selectors._common import (  # noqa: F401
    ZERO,
    _pence,
    known_entries,
)
from openpmo.finance.selectors.appraisal import (  # noqa: F401
    appraisal_get,
    appraisal_list,
    appraisal_result_json,
)
from openpmo.finance.selectors.money import (  # noqa: F401
    Money,
    ProgrammeMoney,
    RollupNode,
    WorkPackageMoney,
    YearSplit,
    _spend_to,
    forecasts_as_at,
    programme_money,
    released_by_work_package,
    work_package_money,
    work_package_released,
)
from openpmo.finance.selectors.reserve import (  # noqa: F401
    LedgerRow,
    PrintedTableCheck,
    ReserveLedgerView,
    _knock_on,
    balance_at,
    discrepancy_json,
    ledger_as_json,
    ledger_invariants,
    printed_table_check,
    reserve_default,
    reserve_entries,
    reserve_get,
    reserve_ledger_view,
    reserve_list,
)
from openpmo.finance.selectors.team_cost import (  # noqa: F401
    ROLE_AS_AT_FIELDS,
    TeamCostRow,
    TeamCostView,
    flex_comparison,
    team_cost_plan_get,
    team_cost_plan_list,
    team_cost_view,
)
