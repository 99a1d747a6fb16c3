"""Fixtures of the reports tests: a small programme with a reporting month and its people."""

from __future__ import annotations

import datetime as dt

import pytest

from openpmo.accounts.roles import Role
from openpmo.reports import services

MONTH = dt.date(2024, 3, 1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test users need no slow password hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(role_user, programme_tree):
    """The PMO (two officers), the pillar's sponsor, the work package's manager and others."""
    pillar = programme_tree.strand.pillar
    return {
        "pmo": role_user(Role.PMO, username="pmo-1"),
        "pmo2": role_user(Role.PMO, username="pmo-2"),
        "sponsor": pillar.sponsor,
        "other_sponsor": role_user(Role.PILLAR_SPONSOR, username="sponsor-elsewhere"),
        "manager": programme_tree.owner,
        "finance": role_user(Role.FINANCE, username="finance-1"),
        "board": role_user(Role.BOARD_MEMBER, username="board-1"),
        "decision_maker": role_user(Role.DECISION_MAKER, username="cabinet-1"),
        "viewer": role_user(Role.VIEWER, username="viewer-1"),
    }


@pytest.fixture
def pillar_report(people, programme_tree):
    """A draft pillar highlight report for March 2024, written by the pillar's sponsor."""
    pillar = programme_tree.strand.pillar
    return services.report_create(
        actor=people["sponsor"],
        kind="pillar_highlight",
        programme=pillar.programme,
        period=MONTH,
        pillar=pillar,
        progress_this_period="Went well",
        next_period="More of the same",
    )


@pytest.fixture
def submitted(people, pillar_report):
    return services.report_submit(actor=people["sponsor"], report=pillar_report)


@pytest.fixture
def approved(people, submitted):
    return services.report_approve(actor=people["pmo"], report=submitted)
