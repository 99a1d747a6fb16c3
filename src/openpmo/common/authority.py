"""The authority a decision carries into the services it moves (issue 17: one explicit seam).

A gate decision (or a standalone funding decision) moves a work package's stage and draws money
from the reserve. The apps that own those records (portfolio, finance) sit below the gates app
and never import it: the gates service hands them this value instead, saying who decided, in
which role, and by which decision. They check it themselves and write it on their own records
and audit trail, so the ledger and the register name the real decider, not "System".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DecisionAuthority:
    """Who decided (``decided_by``, a user), in which ``role`` of the delegated authority table,
    by which decision (``decision_id``, printed as ``decision``), on which day."""

    decided_by: Any
    role: str
    decision_id: int
    decision: str
    decided_on: dt.date
    forward_plan_reference: str = ""

    def __str__(self) -> str:
        reference = f", {self.forward_plan_reference}" if self.forward_plan_reference else ""
        return f"{self.decision} (decision {self.decision_id}{reference}; {self.role})"
