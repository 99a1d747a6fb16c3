"""A funding decision: money released to a work package without a stage gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.gates import funding
from openpmo.gates.choices import (
    Outcome,
)
from openpmo.gates.models import (
    Decision,
    EqualityImpactAssessment,
)
from openpmo.gates.services.decisions import (
    FORWARD_PLAN_NEEDED,
    _authority,
    _check_dates,
    _decider,
    _write_decision,
)
from openpmo.portfolio.models import Programme


@transaction.atomic
def funding_decision_record(
    *,
    actor: Any,
    programme: Programme,
    subject: str,
    released: Mapping[str, Any],
    decided_on: dt.date,
    decided_by: User | None = None,
    forward_plan_reference: str = "",
    decision_maker_title: str = "",
    s151_officer: str = "",
    s151_consulted_on: dt.date | None = None,
    monitoring_officer: str = "",
    monitoring_officer_consulted_on: dt.date | None = None,
    equality_assessment: EqualityImpactAssessment | None = None,
    rationale: str = "",
    is_illustrative: bool = False,
) -> Decision:
    """A drawdown approved for the programme as a whole, outside any gate (e.g. FP/527/10/22,
    the core programme team): the recorded standalone decision, with its decision maker, date,
    Forward Plan reference and S151 sign-off. Same authority and reserve rules as a gate
    approval; it draws the money from the reserve itself.
    """
    decider = _decider(actor, decided_by)
    Programme.objects.select_for_update().get(pk=programme.pk)
    releases = funding.parse_funding(released, field="released")
    if not releases:
        raise ValidationError({"released": "A funding decision releases money: give it by year."})
    if not (s151_officer and s151_consulted_on):
        raise ValidationError(
            {
                "s151_consulted_on": "A drawdown from the reserve needs the S151 officer's sign-off: name and date."
            }
        )
    if not subject.strip():
        raise ValidationError({"subject": "Say what the decision is about."})
    if not forward_plan_reference.strip():
        raise ValidationError({"forward_plan_reference": FORWARD_PLAN_NEEDED})
    authority = _authority(decider, programme, sum(releases.values(), Decimal(0)))
    _check_dates(
        decided_on,
        {
            "s151_consulted_on": s151_consulted_on,
            "monitoring_officer_consulted_on": monitoring_officer_consulted_on,
        },
        timezone.localdate(),
    )
    return _write_decision(
        actor=actor,
        decider=decider,
        authority=authority,
        programme=programme,
        outcome=Outcome.APPROVED,
        releases=releases,
        conditions=[],
        fields={
            "subject": subject.strip(),
            "decided_on": decided_on,
            "forward_plan_reference": forward_plan_reference.strip(),
            "decision_maker_title": decision_maker_title.strip(),
            "s151_officer": s151_officer.strip(),
            "s151_consulted_on": s151_consulted_on,
            "monitoring_officer": monitoring_officer.strip(),
            "monitoring_officer_consulted_on": monitoring_officer_consulted_on,
            "equality_assessment": equality_assessment,
            "rationale": rationale.strip(),
            "is_illustrative": is_illustrative,
        },
    )
