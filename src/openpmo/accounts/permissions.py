"""Role predicates shared by every domain's ``permissions.py``."""

from __future__ import annotations

import rules

from openpmo.accounts.roles import Role


def _has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role_{role.name.lower()}")
    def predicate(user: object) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)  # type: ignore[attr-defined]

    return predicate


is_pmo = _has_role(Role.PMO)
is_pillar_sponsor = _has_role(Role.PILLAR_SPONSOR)
is_work_package_manager = _has_role(Role.WORK_PACKAGE_MANAGER)
is_finance = _has_role(Role.FINANCE)
is_board_member = _has_role(Role.BOARD_MEMBER)
is_decision_maker = _has_role(Role.DECISION_MAKER)
is_viewer = _has_role(Role.VIEWER)
is_signed_in = rules.is_authenticated


@rules.predicate
def is_someone_else(user: object, obj: object) -> bool:
    return obj is None or getattr(obj, "pk", None) != getattr(user, "pk", None)


# User administration (invite, roles and pillars, deactivate): the PMO; nobody deactivates
# themselves, so the last PMO officer cannot lock the office out by mistake.
rules.add_perm("accounts.view_user", is_pmo)
rules.add_perm("accounts.add_user", is_pmo)
rules.add_perm("accounts.change_user", is_pmo)
rules.add_perm("accounts.deactivate_user", is_pmo & is_someone_else)
