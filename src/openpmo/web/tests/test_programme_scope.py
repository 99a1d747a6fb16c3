"""One "programme in scope" rule for every app (issue 11 item 18): with two programmes, every
section opens the same one; ``?programme=`` chooses another, remembered for the next pages; the
header shows the programme and switches it."""

from __future__ import annotations

import pytest

from openpmo.accounts.roles import Role
from openpmo.portfolio.tests.factories import ProgrammeFactory

SECTIONS = ["/gates/", "/finance/", "/benefits/", "/delivery/", "/risks/", "/reports/"]


@pytest.fixture
def two_programmes(db):
    """Created out of name order, so "first by id" and "first by name" differ."""
    zulu = ProgrammeFactory(name="Zulu programme", short_name="ZULU")
    alpha = ProgrammeFactory(name="Alpha programme", short_name="ALPHA")
    return alpha, zulu


@pytest.fixture
def viewer(client, role_user):
    client.force_login(role_user(Role.VIEWER))
    return client


def _programme_of(response):
    assert response.status_code == 200, response
    return response.context["programme"]


def test_every_section_opens_the_same_programme_and_remembers_the_choice(viewer, two_programmes):
    alpha, zulu = two_programmes
    # Given two programmes, every section opens the same one (the first by name),
    assert {_programme_of(viewer.get(url)) for url in SECTIONS} == {alpha}
    # one chosen with ?programme= is shown there,
    assert _programme_of(viewer.get(f"/finance/?programme={zulu.pk}")) == zulu
    # and remembered by every other section, until another is chosen.
    assert {_programme_of(viewer.get(url)) for url in SECTIONS} == {zulu}
    assert _programme_of(viewer.get(f"/delivery/?programme={alpha.pk}")) == alpha
    assert _programme_of(viewer.get("/finance/")) == alpha


def test_the_header_shows_the_programme_and_switches_it(viewer, two_programmes):
    alpha, zulu = two_programmes
    html = viewer.get("/gates/").content.decode()
    assert '<label class="govuk-label' in html and 'for="programme-in-scope"' in html
    assert f'<option value="{zulu.pk}">Zulu programme</option>' in html
    assert "Showing <strong>Alpha programme</strong>" in html


def test_a_programme_that_does_not_exist_is_a_404_not_another_programme(viewer, two_programmes):
    for url in ("/finance/?programme=99999", "/gates/?programme=abc"):
        assert viewer.get(url).status_code == 404


def test_the_api_uses_the_same_rule_without_remembering(client, role_user, two_programmes):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    alpha, zulu = two_programmes
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=role_user(Role.VIEWER))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/programme-schedule/").json()["programme"] == alpha.pk
    chosen = api.get(f"/api/programme-schedule/?programme={zulu.pk}").json()
    assert chosen["programme"] == zulu.pk
