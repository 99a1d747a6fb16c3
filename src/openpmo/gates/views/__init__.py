"""Pages of the gates. Each write goes through ``services``; errors come back to the form (with
the GOV.UK error summary, status 400) and nothing is saved. Pages a role may not use answer 403."""

# The package re-exports what the single module offered, so every import of it still works.
from openpmo.gates.views._common import (  # noqa: F401
    _add_errors,
    _programme,
    _save_form,
)
from openpmo.gates.views.cases import (  # noqa: F401
    _case_or_404,
    _characteristic_labels,
    business_case_create,
    business_case_detail,
    business_case_edit,
    option_edit,
    option_remove,
    work_package_gates,
    work_package_list,
)
from openpmo.gates.views.configuration import (  # noqa: F401
    _back,
    _configure,
    authority_set,
    checklist_item_add,
    checklist_item_toggle,
    gate_add,
    gate_delete,
    gates_defaults,
    settings_page,
)
from openpmo.gates.views.decisions import (  # noqa: F401
    action_complete,
    actions,
    decision_correct,
    decision_detail,
    decision_log,
    pipeline,
)
from openpmo.gates.views.equality import (  # noqa: F401
    assessment_create,
    assessment_detail,
    assessment_list,
)
from openpmo.gates.views.gate_requests import (  # noqa: F401
    _request_context,
    funding_decision_new,
    request_decide,
    request_detail,
    request_quality_assure,
    request_submit,
)
