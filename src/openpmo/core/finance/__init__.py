"""The money engines: team cost model, reserve ledger, reconciliation, Green Book appraisal.

Pure Python (no Django): frozen dataclasses in, results out, ``Decimal`` pounds throughout.

- :mod:`~openpmo.core.finance.team_cost`: roles x FTE x annual cost x inflation, prorated by
  days in each financial year; totals against a cap; redundancy exposure (seed §6.1, Table 1).
- :mod:`~openpmo.core.finance.reserve`: the earmarked reserve as a ledger by financial year,
  its stated figures reconciled, and the "would this drawdown take it past zero" check (Table 2).
- :mod:`~openpmo.core.finance.reconcile`: re-adding any table of stated figures; every
  disagreement classed ``rounding`` or ``error``.
- :mod:`~openpmo.core.finance.appraisal`: Green Book discounting, optimism bias, NPSV, BCR.
"""

from openpmo.core.finance.appraisal import (
    DISCOUNT_BANDS,
    OPTIMISM_BIAS,
    Appraisal,
    AppraisalResult,
    OptimismBiasRange,
    Option,
    OptionAppraisal,
    appraisal_from_mapping,
    appraise,
    discount_factor,
    discount_rate,
    load_appraisal_yaml,
    optimism_bias_rate,
)
from openpmo.core.finance.reconcile import (
    Discrepancy,
    DiscrepancyKind,
    Table,
    check_figure,
    read_table_csv,
    reconcile_table,
    table_from_rows,
)
from openpmo.core.finance.reserve import (
    DrawdownCheck,
    LedgerLine,
    LedgerResult,
    LedgerYear,
    QuotedTotal,
    ReserveLedger,
    StatedFigures,
    Subtotal,
    bracketed,
    check_drawdown,
    compute_ledger,
    ledger_from_mapping,
    load_reserve_yaml,
    reconcile_ledger,
)
from openpmo.core.finance.team_cost import (
    RedundancyExposure,
    Role,
    RoleCost,
    TeamCostModel,
    TeamCostResult,
    compute_team_cost,
    days_by_financial_year,
    load_team,
    load_team_xlsx,
    load_team_yaml,
    post_exceeds_two_years,
    team_model_from_mapping,
)

__all__ = [
    "DISCOUNT_BANDS",
    "OPTIMISM_BIAS",
    "Appraisal",
    "AppraisalResult",
    "Discrepancy",
    "DiscrepancyKind",
    "DrawdownCheck",
    "LedgerLine",
    "LedgerResult",
    "LedgerYear",
    "OptimismBiasRange",
    "Option",
    "OptionAppraisal",
    "QuotedTotal",
    "RedundancyExposure",
    "ReserveLedger",
    "Role",
    "RoleCost",
    "StatedFigures",
    "Subtotal",
    "Table",
    "TeamCostModel",
    "TeamCostResult",
    "appraisal_from_mapping",
    "appraise",
    "bracketed",
    "check_drawdown",
    "check_figure",
    "compute_ledger",
    "compute_team_cost",
    "days_by_financial_year",
    "discount_factor",
    "discount_rate",
    "ledger_from_mapping",
    "load_appraisal_yaml",
    "load_reserve_yaml",
    "load_team",
    "load_team_xlsx",
    "load_team_yaml",
    "optimism_bias_rate",
    "post_exceeds_two_years",
    "read_table_csv",
    "reconcile_table",
    "reconcile_ledger",
    "table_from_rows",
    "team_model_from_mapping",
]
