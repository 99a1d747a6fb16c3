"""Reads of benefits data. Each does a fixed number of queries, however many benefits there are;
the tracker's figures come from the engine (``openpmo.core.benefits.BenefitBook``)."""

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.benefits.selectors.carbon import (  # noqa: F401
    CarbonItem,
    CarbonSummary,
    CarbonYear,
    carbon_summary,
)
from openpmo.benefits.selectors.detail import (  # noqa: F401
    BenefitDetail,
    ProfileRow,
    benefit_detail,
)
from openpmo.benefits.selectors.linked import (  # noqa: F401
    LinkedBenefit,
    benefits_of_work_packages,
)
from openpmo.benefits.selectors.register import (  # noqa: F401
    Register,
    RegisterRows,
    _actuals_as_at,
    _as_text,
    _months_of,
    _months_of_text,
    _profiles_in_force,
    benefit_get,
    benefit_list,
    register_load,
    register_rows,
    savings_lines_for,
    tracker_settings_for,
)
from openpmo.benefits.selectors.tracker import (  # noqa: F401
    BenefitLine,
    GroupLine,
    SavingsYear,
    Tracker,
    _cashable_pounds,
    _curve_to,
    _latest_actual_month,
    _savings,
    default_as_of,
    in_year,
    tracker,
)
