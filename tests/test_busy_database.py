"""A busy database (SQLite "database is locked", a PostgreSQL lock timeout or serialization
failure) is a 503 "busy, try again" on every page and every API call, never a 500, and nothing
is saved. The error is forced where a service takes its lock."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.busy import is_busy


class _PostgresError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("could not obtain lock")
        self.sqlstate = sqlstate


def _postgres(sqlstate: str) -> OperationalError:
    error = OperationalError("canceling statement")
    error.__cause__ = _PostgresError(sqlstate)
    return error


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        OperationalError("database table is locked: portfolio_pillar"),
        _postgres("55P03"),  # lock_not_available: lock_timeout passed
        _postgres("40001"),  # serialization_failure
        _postgres("40P01"),  # deadlock_detected
    ],
)
def test_these_are_a_busy_database(error):
    assert is_busy(error)


@pytest.mark.parametrize(
    "error",
    [OperationalError("no such table: x"), _postgres("42P01"), IntegrityError("locked")],
)
def test_these_are_not(error):
    assert not is_busy(error)


BUSY_ERRORS = [OperationalError("database is locked"), _postgres("55P03"), _postgres("40001")]


@pytest.mark.parametrize("error", BUSY_ERRORS)
def test_a_page_that_meets_a_busy_database_says_try_again_and_saves_nothing(
    client, role_user, programme_tree, error
):
    pillar = programme_tree.strand.pillar
    client.force_login(role_user(Role.PMO))
    data = {"name": "Renamed", "objective": "x", "order": 1, "version": pillar.version}
    with mock.patch("openpmo.portfolio.services.lock_for_update", side_effect=error):
        page = client.post(f"/pillars/{pillar.pk}/edit/", data)
    assert page.status_code == 503
    assert "busy" in page.content.decode() and "nothing was saved" in page.content.decode()
    assert page["Retry-After"] == "5"
    pillar.refresh_from_db()
    assert pillar.name != "Renamed"
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("error", BUSY_ERRORS)
def test_the_api_says_the_same_in_json(role_user, programme_tree, error):
    pillar = programme_tree.strand.pillar
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=role_user(Role.PMO))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with mock.patch("openpmo.portfolio.services.lock_for_update", side_effect=error):
        response = api.patch(f"/api/pillars/{pillar.pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 503
    assert "busy" in response.json()["detail"]
    assert response["Retry-After"] == "5"
    pillar.refresh_from_db()
    assert pillar.name != "Renamed"


def test_another_database_error_is_still_a_server_error(client, role_user, programme_tree):
    pillar = programme_tree.strand.pillar
    client.force_login(role_user(Role.PMO))
    client.raise_request_exception = False
    data = {"name": "Renamed", "objective": "x", "order": 1, "version": pillar.version}
    broken = OperationalError("no such column: portfolio_pillar.name")
    with mock.patch("openpmo.portfolio.services.lock_for_update", side_effect=broken):
        page = client.post(f"/pillars/{pillar.pk}/edit/", data)
    assert page.status_code == 500
