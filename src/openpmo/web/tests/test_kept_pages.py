"""Pages and API lists kept in the cache under the latest audited write: kept while nothing
governed changes, and showing a governed write at once (in the next request)."""

from __future__ import annotations

from decimal import Decimal

from openpmo.accounts.roles import Role
from openpmo.benefits.services import actual_record
from openpmo.benefits.tests.factories import BenefitFactory, give_profile
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.services import work_package_update


def test_register_rows_and_api_list_show_a_governed_rename_at_once(
    client, role_user, programme_tree
):
    pmo = role_user(Role.PMO)
    client.force_login(pmo)
    name = programme_tree.name
    assert name in client.get("/work-packages/").content.decode()
    assert client.get("/api/work-packages/").json()["results"][0]["name"] == name
    # A write behind the services' back (not audited) is not seen: the kept copies are served.
    WorkPackage.objects.filter(pk=programme_tree.pk).update(name="Changed off the record")
    assert name in client.get("/work-packages/").content.decode()
    assert client.get("/api/work-packages/").json()["results"][0]["name"] == name
    # A governed write shows at once on the page and in the API.
    work_package_update(actor=pmo, work_package=programme_tree, name="Renamed on the record")
    assert "Renamed on the record" in client.get("/work-packages/").content.decode()
    assert client.get("/api/work-packages/").json()["results"][0]["name"] == "Renamed on the record"


def test_the_tracker_shows_a_recorded_actual_at_once(client, role_user, programme_tree):
    benefit = BenefitFactory(
        reference="BEN-K1",
        title="Kept saving",
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(benefit, {"2024-04": "100", "2024-05": "100"})
    client.force_login(role_user(Role.VIEWER))

    def row() -> str:
        html = client.get("/benefits/?as_of=2024-05").content.decode()
        return html.split("BEN-K1</a>")[1].split("</tr>")[0]

    before = row()
    assert row() == before  # kept
    actual_record(
        actor=programme_tree.owner,
        benefit=benefit,
        month="2024-05",
        value=Decimal("100"),
        evidence="Invoice",
    )
    after = row()
    assert "2 months missing" in before
    assert after != before and "2 months missing" not in after
