"""Money: the team cost model, the earmarked reserve ledger and its reconciliation, Green Book appraisal, work package budgets and spend."""
