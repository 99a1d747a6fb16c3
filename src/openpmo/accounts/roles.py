"""The roles of a programme office, held as Django groups (names as the council uses them)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PMO = "PMO"
    PILLAR_SPONSOR = "Pillar sponsor"
    WORK_PACKAGE_MANAGER = "Work package manager"
    FINANCE = "Finance"
    BOARD_MEMBER = "Board member"
    DECISION_MAKER = "Decision maker"
    VIEWER = "Viewer"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Role.PMO: "PMO Manager and Project Support Officer: keep the register, run reporting",
    Role.PILLAR_SPONSOR: "Change and Delivery Manager: sponsors a pillar and its work packages",
    Role.WORK_PACKAGE_MANAGER: "Manages the work packages they own",
    Role.FINANCE: "Finance business partner or S151 officer: the reserve and the money",
    Role.BOARD_MEMBER: "Investment or portfolio board: decides stage progress at gates",
    Role.DECISION_MAKER: "Cabinet Member: approves drawdowns from the reserve",
    Role.VIEWER: "Viewer or auditor: reads everything, changes nothing",
}
