"""The public surface of ``openpmo.core.finance``, pinned: the finance app builds on these names."""

from __future__ import annotations

import openpmo.core.finance as finance

PUBLIC = {
    # team cost model (seed §6.1, Table 1)
    "Role", "TeamCostModel", "TeamCostResult", "RoleCost", "RedundancyExposure",
    "compute_team_cost", "days_by_financial_year", "post_exceeds_two_years",
    "load_team", "load_team_yaml", "load_team_xlsx", "team_model_from_mapping",
    # reserve ledger (Table 2)
    "ReserveLedger", "LedgerLine", "Subtotal", "StatedFigures", "QuotedTotal", "LedgerYear",
    "LedgerResult", "DrawdownCheck", "compute_ledger", "reconcile_ledger", "check_drawdown",
    "bracketed", "ledger_from_mapping", "load_reserve_yaml",
    # reconciliation
    "Discrepancy", "DiscrepancyKind", "Table", "check_figure", "reconcile_table",
    "table_from_rows", "read_table", "read_table_csv", "read_table_xlsx",
    # Green Book appraisal
    "DISCOUNT_BANDS", "OPTIMISM_BIAS", "Appraisal", "AppraisalResult", "Option",
    "OptionAppraisal", "OptimismBiasRange", "appraise", "appraisal_from_mapping",
    "discount_factor", "discount_rate", "optimism_bias_rate", "load_appraisal_yaml",
}  # fmt: skip


def test_the_finance_package_exports_exactly_its_public_names():
    assert set(finance.__all__) == PUBLIC
    assert len(finance.__all__) == len(PUBLIC)
    assert all(hasattr(finance, name) for name in PUBLIC)
