"""Every write to the RAID register, its matrix and appetite, and simulation runs.

Views, the API, the demo loader and the background task all call these. Each checks the actor's
permission, validates, saves and writes the audit record in one transaction: a refusal
(``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes nothing. Updates take
``expected_version`` so that two people saving the same record at once cannot overwrite each other."""

from openpmo.common.services import SYSTEM  # noqa: F401 (the benchmarks act as services.SYSTEM)

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.risks.services.actions import (  # noqa: F401
    raid_action_create,
    raid_action_update,
)
from openpmo.risks.services.items import (  # noqa: F401
    ITEM_FIELDS,
    Hit,
    _in_programme,
    _item_snapshot,
    _next_reference,
    _place,
    _set_hits,
    issue_raise_from_risk,
    raid_item_create,
    raid_item_escalate,
    raid_item_update,
)
from openpmo.risks.services.matrix import (  # noqa: F401
    risk_appetite_set,
    risk_matrix_update,
)
from openpmo.risks.services.simulation import (  # noqa: F401
    DEFAULT_CORRELATION,
    DEFAULT_COST_SPREAD,
    DEFAULT_SPREAD,
    PROGRESS_SECONDS,
    _Progress,
    _quantified,
    log,
    simulation_inputs,
    simulation_run_create,
    simulation_run_execute,
    simulation_run_start,
)
