"""A number in a page's address beyond any id (past 2^63) is a 400 naming the parameter, never a
500: where the database driver refuses such a number (SQLite: OverflowError; PostgreSQL: a
DataError, out of range), pages answer as the API already does (openpmo.api.exceptions)."""

from __future__ import annotations

import pytest
from django.db import DataError, connection
from django.db.models.sql import compiler

from openpmo.accounts.roles import Role
from openpmo.portfolio.models import WorkPackage

HUGE = "99999999999999999999999"


@pytest.fixture
def pmo_client(client, role_user, programme_tree):
    client.force_login(role_user(Role.PMO))
    return client


def _is_a_400_naming(response, parameter: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<code>{parameter}</code>" in page
    assert "beyond any id or count" in page
    assert "govuk-header" in page  # the service's own page, with its menu and a way back


@pytest.mark.django_db
def test_comparing_a_scenario_beyond_any_id_is_a_400(pmo_client):
    """SQLite refuses the number in ``pk IN (…)`` (OverflowError): a 500 before. PostgreSQL
    compares it and finds no such scenario: the page shows its usual choice."""
    response = pmo_client.get(f"/planning/scenarios/compare/?scenario={HUGE}")
    if connection.vendor == "sqlite":
        _is_a_400_naming(response, "scenario")
    else:
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"/benefits/?pillar={HUGE}", "pillar"),
        (f"/work-packages/?pillar={HUGE}", "pillar"),
        (f"/risks/?work_package={HUGE}", "work_package"),
        (f"/finance/?work_package={HUGE}&as_of=2024-06", "work_package"),
    ],
)
def test_the_database_refusing_a_huge_filter_is_a_400_naming_it(
    pmo_client, monkeypatch, url, parameter
):
    """PostgreSQL answers "value out of range" (DataError) when a filter hands it the number;
    the page's first query (after the session and the user) is made to fail that way, as it
    would for a filter passing the number through (each of these pages answered 500)."""
    execute = compiler.SQLCompiler.execute_sql
    refused: list[bool] = []

    def refuse_once(self, *args, **kwargs):
        app = self.query.model._meta.app_label if self.query.model else ""
        if not refused and app not in {"sessions", "accounts", "auth", "contenttypes", "axes"}:
            refused.append(True)
            raise DataError("value out of range for type bigint")
        return execute(self, *args, **kwargs)

    monkeypatch.setattr(compiler.SQLCompiler, "execute_sql", refuse_once)
    response = pmo_client.get(url)
    assert refused
    _is_a_400_naming(response, parameter)


@pytest.mark.django_db
def test_another_database_fault_is_not_hidden_as_a_bad_address(pmo_client, monkeypatch):
    """No huge number in the request: the fault is a real one, left to the 500 page and the log."""
    monkeypatch.setattr(
        compiler.SQLCompiler,
        "execute_sql",
        lambda *args, **kwargs: (_ for _ in ()).throw(DataError("something else")),
    )
    with pytest.raises(DataError):
        pmo_client.get("/work-packages/?pillar=7")


@pytest.mark.django_db
def test_a_huge_number_in_a_form_saves_nothing(pmo_client, programme_tree):
    before = list(WorkPackage.objects.values_list("pk", "name"))
    response = pmo_client.post(
        f"/work-packages/new/?strand={programme_tree.strand_id}",
        {"name": "Never saved", "owner": HUGE},
    )
    assert response.status_code in {200, 400}  # the form's own message or the 400 page
    assert list(WorkPackage.objects.values_list("pk", "name")) == before


def test_the_api_keeps_its_own_json_answer(admin_client):
    response = admin_client.get(f"/api/work-packages/?pillar={HUGE}")
    assert response.status_code in {200, 400}
    assert response["Content-Type"].startswith("application/json")
