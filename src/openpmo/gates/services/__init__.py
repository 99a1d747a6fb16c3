"""Every write at the gates. Views, the API and the demo loader all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
transaction: a refusal (``PermissionDenied`` → 403, ``ValidationError`` → 400,
``ConflictError`` → 409) changes nothing. A busy SQLite database or a PostgreSQL deadlock is a
503 "try again" page or API response (``openpmo.common.busy``), never a server error.

Recording a decision (``decision_record``) is the heart of it. In one transaction it row-locks
the gate request (so two approvals of the same request queue, and the second finds it decided),
checks the decider's delegated authority against the money, writes the decision and its releases
(a partial unique constraint allows one original decision per request, whatever the locks do),
draws the money from the reserve (``funding.reserve_drawdowns``), moves the work package to its
next stage, turns conditions into actions, and audits each step.

The work package's stage belongs to the portfolio app: the gate service hands
``work_package_stage_move`` the decision's authority (``openpmo.common.authority``: who
decided, in which role, which decision), as it hands the finance app's drawdown, so the
register, the ledger and the audit trail all name the real decision maker, never "System".
Any money released needs the Cabinet Member for Finance (the Decision maker role, §7.1)."""

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.gates.services._common import (  # noqa: F401
    BUSY,
    P,
    R,
    _is_system,
    _programme_of,
)
from openpmo.gates.services.business_cases import (  # noqa: F401
    _CASE_FIELDS,
    _clean_answers,
    _clean_case_data,
    _lock_draft,
    _touch,
    business_case_create,
    business_case_option_remove,
    business_case_option_save,
    business_case_update,
)
from openpmo.gates.services.configuration import (  # noqa: F401
    _check_sequence,
    checklist_item_create,
    checklist_item_update,
    delegated_authority_remove,
    delegated_authority_set,
    gate_create,
    gate_remove,
    gate_update,
)
from openpmo.gates.services.corrections import (  # noqa: F401
    CORRECTABLE,
    _decision_correct,
    condition_action_complete,
    decision_correct,
)
from openpmo.gates.services.decisions import (  # noqa: F401
    FORWARD_PLAN_NEEDED,
    _authority,
    _authority_of,
    _check_dates,
    _clean_conditions,
    _decider,
    _decision_record,
    _write_decision,
    decision_record,
)
from openpmo.gates.services.defaults import (  # noqa: F401
    DEFAULT_AUTHORITY,
    DEFAULT_GATES,
    gates_create_defaults,
)
from openpmo.gates.services.equality import (  # noqa: F401
    equality_assessment_create,
)
from openpmo.gates.services.funding import (  # noqa: F401
    funding_decision_record,
)
from openpmo.gates.services.gate_requests import (  # noqa: F401
    _unmet_mandatory,
    gate_request_quality_assure,
    gate_request_submit,
)
