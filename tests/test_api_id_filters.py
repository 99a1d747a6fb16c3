"""Every id filter of the API reads its parameter the same way (``common.api_params``): huge,
negative, fractional, non-numeric or NUL is a 400 naming the parameter, never a 500 (SQLite
overflows), an empty list (PostgreSQL compares) or a filter silently dropped."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role

pytestmark = pytest.mark.django_db

FILTERS = [
    ("/api/work-packages/", "pillar"),
    ("/api/work-packages/", "strand"),
    ("/api/strands/", "pillar"),
    ("/api/interdependencies/", "programme"),
    ("/api/interdependencies/", "work_package"),
    ("/api/slippage-impact/?weeks=4", "work_package"),
    ("/api/reserve/ledger/", "reserve"),
    ("/api/spend/", "work_package"),
    ("/api/forecasts/", "work_package"),
    ("/api/gate-requests/", "programme"),
    ("/api/decisions/", "programme"),
    ("/api/decisions/", "work_package"),
    ("/api/benefits/", "pillar"),
    ("/api/benefits/tracker/", "pillar"),
    ("/api/risks/", "programme"),
    ("/api/issues/", "pillar"),
    ("/api/risks/", "work_package"),
    ("/api/simulation-runs/", "work_package"),
    ("/api/reports/", "pillar"),
    ("/api/resources/capacity/", "programme"),
    ("/api/resources/capacity/", "pillar"),
]
BAD = ["abc", "-1", "1.5", "99999999999999999999999", str(2**63), "１２", "%00"]


@pytest.fixture
def api(role_user, programme_tree):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=role_user(Role.PMO))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _get(api, path: str, param: str, value: str):
    joiner = "&" if "?" in path else "?"
    return api.get(f"{path}{joiner}{param}={value}")


@pytest.mark.parametrize(("path", "param"), FILTERS)
def test_a_bad_id_is_a_400_naming_the_parameter(api, path, param):
    for value in BAD:
        response = _get(api, path, param, value)
        assert response.status_code == 400, (value, response.content[:300])
        assert param in response.json(), (value, response.json())


@pytest.mark.parametrize(("path", "param"), FILTERS)
def test_a_real_id_and_no_id_are_read(api, programme_tree, path, param):
    ids = {
        "programme": programme_tree.strand.pillar.programme_id,
        "pillar": programme_tree.strand.pillar_id,
        "strand": programme_tree.strand_id,
        "work_package": programme_tree.pk,
    }
    assert _get(api, path, param, str(ids.get(param, 1))).status_code in (200, 404)
    if "slippage" not in path:  # its work package is required
        assert _get(api, path, param, "").status_code in (200, 404)  # 404: no reserve yet


def test_a_filter_filters(api, programme_tree):
    pillar = programme_tree.strand.pillar_id
    assert len(_get(api, "/api/work-packages/", "pillar", str(pillar)).json()["results"]) == 1
    assert _get(api, "/api/work-packages/", "pillar", str(pillar + 1)).json()["results"] == []
    assert _get(api, "/api/work-packages/", "pillar", str(2**63 - 1)).json()["results"] == []
