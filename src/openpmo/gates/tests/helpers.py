"""What a refusal must leave alone: counts of every gates row, the audit trail and the ledger."""

from __future__ import annotations

from openpmo.audit.models import AuditRecord
from openpmo.gates.models import (
    BusinessCase,
    ConditionAction,
    Decision,
    FundingRelease,
    GateRequest,
)


def state(work_package=None) -> dict[str, object]:
    from openpmo.finance.models import Reserve, ReserveEntry

    data: dict[str, object] = {
        model.__name__: model.objects.count()
        for model in (
            AuditRecord,
            BusinessCase,
            GateRequest,
            Decision,
            FundingRelease,
            ConditionAction,
            ReserveEntry,
        )
    }
    data["balances"] = sorted(Reserve.objects.values_list("pk", "balance"))
    data["statuses"] = sorted(GateRequest.objects.values_list("pk", "status"))
    if work_package is not None:
        work_package.refresh_from_db()
        data["stage"] = work_package.stage
    return data
