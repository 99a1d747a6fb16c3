"""The dashboard's headline figures are kept a short time, and a governed write shows at once."""

from __future__ import annotations

import re

from openpmo.accounts.roles import Role
from openpmo.portfolio.services import work_package_update
from openpmo.risks.tests.factories import RaidItemFactory


def _risks(client) -> str:
    html = client.get("/").content.decode()
    found = re.search(r'openpmo-headline__value">(\d+ of \d+)</span> <a[^>]*>the register', html)
    assert found, "the dashboard shows the risks outside appetite of those open"
    return found.group(1)


def test_headline_is_kept_until_a_governed_write(client, role_user, programme_tree):
    pmo = role_user(Role.PMO)
    client.force_login(pmo)
    before = _risks(client)
    RaidItemFactory(work_package=programme_tree, owner=programme_tree.owner)  # not audited
    assert _risks(client) == before  # kept: nothing governed has changed
    work_package_update(actor=pmo, work_package=programme_tree, name="Renamed on the record")
    after = _risks(client)
    assert after != before and after.endswith("of 1")


def test_what_waits_for_you_is_worked_out_once_per_dashboard(
    client, role_user, programme_tree, monkeypatch
):
    """The panel and the header's count are one list: worked out once, and they agree."""
    from openpmo.work import selectors

    calls = []
    real = selectors.my_work
    monkeypatch.setattr(selectors, "my_work", lambda user: calls.append(user) or real(user))
    client.force_login(programme_tree.owner)
    html = client.get("/").content.decode()
    assert len(calls) == 1
    count = len(real(programme_tree.owner))
    assert "openpmo-my-work-panel" in html
    if count:
        assert f'govuk-tag--blue">{count}</span>' in html
