"""RAID register (risks, assumptions, issues, dependencies, decisions) and quantitative risk (Monte Carlo)."""
