"""A council's default gates, checklists and delegated authority, created in one step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    ConflictError,
    require,
    save_validated,
)
from openpmo.gates.models import (
    ChecklistItem,
    DelegatedAuthority,
    Gate,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme

# The default sequence (Five Case Model, IPA gateway) with illustrative evidence checklists:
# (stage, name, purpose, needs an equality impact assessment, [(item, mandatory)]).
DEFAULT_GATES: list[tuple[str, str, str, bool, list[tuple[str, bool]]]] = [
    (
        Stage.DISCOVERY,
        "Discovery",
        "Is the problem understood well enough to write a Strategic Outline Case?",
        False,
        [
            ("Problem statement and scope agreed with the pillar sponsor", True),
            ("Users and stakeholders identified", True),
            ("Initial options listed, including do nothing", True),
            ("Dependencies on other work packages recorded", False),
        ],
    ),
    (
        Stage.STRATEGIC_OUTLINE_CASE,
        "Strategic Outline Case",
        "Is there a case for change, and a preferred way forward from the long list?",
        True,
        [
            ("Strategic fit with Everyone's Essex and the Technology Strategy", True),
            ("Long list of options appraised, including do nothing", True),
            ("Indicative costs and benefits", True),
            ("Equality impact assessment screening", True),
            ("Carbon impact considered (§4.9)", False),
        ],
    ),
    (
        Stage.OUTLINE_BUSINESS_CASE,
        "Outline Business Case",
        "Does the preferred option offer value for money, and can it be bought and delivered?",
        True,
        [
            ("Short list appraised (Green Book NPSV and BCR)", True),
            ("Commercial case: the sourcing route", True),
            ("Total cost of ownership including run costs", True),
            ("Benefit profiles with owners and baselines", True),
            ("Risks with owners and mitigations", True),
        ],
    ),
    (
        Stage.FULL_BUSINESS_CASE,
        "Full Business Case",
        "Is the contract or build ready to commit to, at a price the reserve can fund?",
        True,
        [
            ("Procurement outcome and contract price", True),
            ("Financial case signed off by the Finance business partner", True),
            ("Delivery plan and baselined schedule", True),
            ("Benefits realisation plan", True),
            ("Legal implications reviewed", True),
        ],
    ),
    (
        Stage.DELIVERY,
        "Delivery",
        "Is the change ready for service, with benefit owners in steady state?",
        False,
        [
            ("Acceptance into service", True),
            ("Benefit ownership handed over to steady state (§3.11)", True),
            ("Lessons learned recorded", False),
        ],
    ),
    (
        Stage.CLOSURE,
        "Closure and benefits review",
        "Were the benefits realised, and is any unspent money going back to the reserve?",
        False,
        [
            ("Benefits realised against plan, with evidence", True),
            ("Unspent funds identified for return to the reserve (§6.1.5)", True),
            ("Closure report", True),
        ],
    ),
]


# §7.1: every drawdown from the reserve needs the Cabinet Member for Finance; the board may
# approve stage progress without new money.
DEFAULT_AUTHORITY = [
    ("Decision maker", None, "All drawdowns from reserves (§7.1)"),
    ("Board member", Decimal("0"), "Stage progress without new money"),
]


@transaction.atomic
def gates_create_defaults(*, actor: Any, programme: Programme) -> list[Gate]:
    """Give ``programme`` the default gates, checklists and delegated authority it lacks."""
    require(actor, "gates.change_gate", programme)
    Programme.objects.select_for_update().get(pk=programme.pk)
    gates = []
    for order, (stage, name, purpose, needs_eqia, items) in enumerate(DEFAULT_GATES, start=1):
        gate = Gate.objects.filter(programme=programme, stage=stage).first()
        if gate is None:
            if Gate.objects.filter(programme=programme, order=order).exists():
                raise ConflictError(
                    f"{programme} already has gate number {order}; edit its gates instead."
                )
            gate = save_validated(
                Gate(
                    programme=programme,
                    stage=stage,
                    name=name,
                    order=order,
                    purpose=purpose,
                    requires_equality_assessment=needs_eqia,
                    is_illustrative=True,
                )
            )
            audit_record(
                actor=actor, action="gate.created", obj=gate, before=None, after=snapshot(gate)
            )
            for position, (text, mandatory) in enumerate(items, start=1):
                item = save_validated(
                    ChecklistItem(gate=gate, text=text, mandatory=mandatory, order=position)
                )
                audit_record(
                    actor=actor,
                    action="gate.checklist_item_created",
                    obj=item,
                    before=None,
                    after=snapshot(item),
                )
        gates.append(gate)
    if not DelegatedAuthority.objects.filter(programme=programme).exists():
        for role, limit, note in DEFAULT_AUTHORITY:
            row = save_validated(
                DelegatedAuthority(programme=programme, role=role, limit=limit, note=note)
            )
            audit_record(
                actor=actor,
                action="delegated_authority.set",
                obj=row,
                before=None,
                after=snapshot(row),
            )
    return gates
