"""Benefits realisation: months, benefit profiles, and the benefits tracker.

- ``Month`` — a calendar month (``Month.parse("2024-03")``), with its ``financial_year``; it
  lives beside ``FinancialYear`` in ``openpmo.core.money`` and is re-exported here.
- Profile generators (``linear_ramp``, ``s_curve``, ``step``, ``generate_profile``) spread a
  target over the months between two dates and add up to it exactly (``allocate``).
- ``track_benefit`` / ``track`` give each ``Benefit``'s position as of a month (planned and actual,
  in-month and cumulative, variance, RAG, missing and late actuals); ``roll_up`` totals positions
  by pillar, work package or programme; ``return_on_investment`` is cashable realised ÷ drawn.
- ``BenefitBook`` does the same for thousands of benefits at once on integer arrays, with the
  same exact ``Decimal`` answers, plus the cumulative ``curves`` behind the chart.

The conventions (signs of dis-benefits, missing actuals, RAG boundaries) are written out in the
docstring of ``openpmo.core.benefits._tracker``.
"""

from openpmo.core.benefits._book import BenefitBook, CurvePoint
from openpmo.core.benefits._profiles import (
    ProfileShape,
    allocate,
    generate_profile,
    linear_ramp,
    s_curve,
    shape_weights,
    step,
)
from openpmo.core.benefits._tracker import (
    Benefit,
    BenefitCategory,
    BenefitPosition,
    GroupBy,
    Rag,
    RagThresholds,
    RollUp,
    by_financial_year,
    return_on_investment,
    roll_up,
    rounded_percent,
    track,
    track_benefit,
)
from openpmo.core.money import Month

__all__ = [
    "Benefit",
    "BenefitBook",
    "BenefitCategory",
    "BenefitPosition",
    "CurvePoint",
    "GroupBy",
    "Month",
    "ProfileShape",
    "Rag",
    "RagThresholds",
    "RollUp",
    "allocate",
    "by_financial_year",
    "generate_profile",
    "linear_ramp",
    "return_on_investment",
    "roll_up",
    "rounded_percent",
    "s_curve",
    "shape_weights",
    "step",
    "track",
    "track_benefit",
]
