"""The register's pages, as a signed-in officer sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.tests.factories import WorkPackageFactory


def _audited_write(obj) -> None:
    """What any governed write does: a new audit record, so pages kept under the latest one are
    worked out again (and their queries counted)."""
    from openpmo.audit.services import audit_record
    from openpmo.common.services import SYSTEM

    audit_record(actor=SYSTEM, action="test.touched", obj=obj, before=None, after=None)


@pytest.fixture
def pmo_client(client, role_user):
    client.force_login(role_user(Role.PMO))
    return client


def test_dashboard_shows_pillars_with_counts_and_rag_mix(pmo_client, programme_tree):
    WorkPackageFactory(strand=programme_tree.strand, rag_status="red")
    programme = programme_tree.strand.pillar.programme
    response = pmo_client.get(f"/programmes/{programme.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert programme_tree.strand.pillar.name in html
    # The data table behind the RAG bars: pillar row has 1 green, 0 amber, 1 red, 0 not set, 2 total
    row = html.split(
        f'<th scope="row" class="govuk-table__header">{programme_tree.strand.pillar.name}</th>'
    )[1]
    cells = [c.split("</td>")[0] for c in row.split('govuk-table__cell--numeric">')[1:6]]
    assert cells == ["1", "0", "1", "0", "2"]


def test_home_is_the_only_programmes_dashboard(pmo_client, programme_tree):
    response = pmo_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    programme = programme_tree.strand.pillar.programme
    assert programme.name in html and programme_tree.strand.pillar.name in html
    assert "Released to work packages" in html and "Gate requests waiting" in html


def test_work_package_list_filters_by_pillar_and_rag(pmo_client, programme_tree):
    other = WorkPackageFactory(name="Elsewhere entirely", rag_status="red")
    response = pmo_client.get("/work-packages/", {"pillar": other.strand.pillar.pk})
    html = response.content.decode()
    assert "Elsewhere entirely" in html and programme_tree.name not in html
    response = pmo_client.get("/work-packages/", {"rag_status": "green"})
    html = response.content.decode()
    assert programme_tree.name in html and "Elsewhere entirely" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/work-packages/",
        "/pillars/",
        "/programmes/{programme}/",
        "/pillars/{pillar}/",
        "/strands/{strand}/",
        "/audit/",
    ],
)
def test_list_pages_do_a_fixed_number_of_queries(pmo_client, programme_tree, url):
    strand = programme_tree.strand
    ids = {"programme": strand.pillar.programme.pk, "pillar": strand.pillar.pk, "strand": strand.pk}
    url = url.format(**ids)
    pmo_client.get(url)  # warm the per-process caches (content types) before counting
    _audited_write(programme_tree)  # kept parts of the page are worked out afresh
    with CaptureQueriesContext(connection) as few:
        assert pmo_client.get(url).status_code == 200
    WorkPackageFactory.create_batch(15, strand=strand, owner=programme_tree.owner)
    WorkPackageFactory.create_batch(5)
    _audited_write(programme_tree)
    with CaptureQueriesContext(connection) as many:
        assert pmo_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_edit_form_saves_and_records_history(pmo_client, programme_tree):
    wp = programme_tree
    form = pmo_client.get(f"/work-packages/{wp.pk}/edit/")
    assert form.status_code == 200
    data = {
        "reference": wp.reference,
        "name": "Renamed package",
        "strand": wp.strand.pk,
        "stage": "obc",
        "rag_status": "amber",
        "owner": wp.owner.pk,
        "budget_envelope": "250000",
        "version": wp.version,
        "baseline_start": "2023-04-01",
        "baseline_end": "2024-03-31",
    }
    response = pmo_client.post(f"/work-packages/{wp.pk}/edit/", data)
    assert response.status_code == 302
    wp.refresh_from_db()
    # (the stage is not on the form: it moves through gate decisions)
    assert (wp.name, wp.stage, str(wp.budget_envelope)) == (
        "Renamed package",
        "discovery",
        "250000.00",
    )
    page = pmo_client.get(f"/work-packages/{wp.pk}/").content.decode()
    assert "Work package updated" in page and "Renamed package" in page


def test_edit_form_shows_the_error_summary_and_saves_nothing(pmo_client, programme_tree):
    wp = programme_tree
    data = {
        "reference": wp.reference,
        "name": "",
        "strand": wp.strand.pk,
        "stage": "obc",
        "baseline_start": "2024-04-01",
        "baseline_end": "2023-03-31",
        "version": wp.version,
    }
    response = pmo_client.post(f"/work-packages/{wp.pk}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    wp.refresh_from_db()
    assert wp.name != "" and wp.stage == "discovery"
    assert not AuditRecord.objects.exists()


def test_a_stale_form_is_refused_with_a_message(pmo_client, programme_tree):
    wp = programme_tree
    data = {
        "reference": wp.reference,
        "name": "Mine",
        "strand": wp.strand.pk,
        "stage": "discovery",
        "version": wp.version - 1 if wp.version > 1 else 99,
    }
    response = pmo_client.post(f"/work-packages/{wp.pk}/edit/", data)
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    wp.refresh_from_db()
    assert wp.name != "Mine"


def test_viewer_cannot_open_the_edit_form(client, role_user, programme_tree):
    client.force_login(role_user(Role.VIEWER))
    response = client.get(f"/work-packages/{programme_tree.pk}/edit/")
    assert response.status_code == 403
    response = client.post(f"/work-packages/{programme_tree.pk}/edit/", {"name": "Hijacked"})
    assert response.status_code == 403
    programme_tree.refresh_from_db()
    assert programme_tree.name != "Hijacked"


def test_sponsor_creates_a_work_package_from_the_strand_page(client, programme_tree):
    sponsor = programme_tree.strand.pillar.sponsor
    client.force_login(sponsor)
    strand = programme_tree.strand
    response = client.post(
        f"/work-packages/new/?strand={strand.pk}",
        {"reference": "NEW-9", "name": "Fresh", "strand": strand.pk, "stage": "discovery"},
    )
    assert response.status_code == 302
    created = WorkPackage.objects.get(reference="NEW-9")
    assert AuditRecord.objects.for_object(created).get().actor == sponsor


def test_history_page_lists_changes(pmo_client, programme_tree):
    from openpmo.portfolio import services

    services.work_package_update(
        actor=pmo_client.session and programme_tree.strand.pillar.sponsor,
        work_package=programme_tree,
        rag_status="amber",
    )
    response = pmo_client.get(f"/audit/portfolio/workpackage/{programme_tree.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    # in words: who changed what, with labels and names, never field dumps
    sponsor = programme_tree.strand.pillar.sponsor
    assert "Work package updated" in html and "RAG status changed from Green to Amber" in html
    assert f"by {sponsor.get_full_name() or sponsor.username}" in html
    assert "owner_id" not in html and "moj-timeline" in html


def test_pmo_adds_a_pillar_and_a_priority_but_a_sponsor_cannot(client, role_user, programme_tree):
    from openpmo.portfolio.models import Pillar, StrategicPriority

    programme = programme_tree.strand.pillar.programme
    client.force_login(programme_tree.strand.pillar.sponsor)
    refused = client.post(
        f"/programmes/{programme.pk}/pillars/new/", {"name": "Mine", "objective": "x"}
    )
    assert refused.status_code == 403
    assert not Pillar.objects.filter(name="Mine").exists()
    client.force_login(role_user(Role.PMO))
    made = client.post(
        f"/programmes/{programme.pk}/pillars/new/",
        {"name": "Net zero", "objective": "Cut carbon", "order": 7},
    )
    assert made.status_code == 302
    assert Pillar.objects.get(name="Net zero").programme == programme
    client.post(
        f"/programmes/{programme.pk}/priorities/new/", {"title": "A high quality environment"}
    )
    assert StrategicPriority.objects.filter(
        programme=programme, title="A high quality environment"
    ).exists()
    assert AuditRecord.objects.filter(action="strategic_priority.created").count() == 1


def test_work_package_page_links_to_its_pages_in_the_other_domains(pmo_client, programme_tree):
    html = pmo_client.get(f"/work-packages/{programme_tree.pk}/").content.decode()
    # Each app registers its own page (in its ready()); they are listed gates, money, schedule,
    # risks.
    places = [
        html.index(f'href="{prefix}work-packages/{programme_tree.pk}/"')
        for prefix in ("/gates/", "/finance/", "/delivery/", "/risks/")
    ]
    assert places == sorted(places)


def test_pages_offer_only_the_changes_the_user_may_make(client, role_user, programme_tree):
    pillar, strand = programme_tree.strand.pillar, programme_tree.strand
    client.force_login(role_user(Role.VIEWER))
    html = (
        client.get(f"/pillars/{pillar.pk}/").content.decode()
        + client.get(f"/strands/{strand.pk}/").content.decode()
    )
    assert "Edit pillar" not in html and "Add a strand" not in html
    assert "Edit strand" not in html and "Add a work package" not in html
    client.force_login(pillar.sponsor)
    html = (
        client.get(f"/pillars/{pillar.pk}/").content.decode()
        + client.get(f"/strands/{strand.pk}/").content.decode()
    )
    assert "Edit pillar" in html and "Add a strand" in html
    assert "Edit strand" in html and "Add a work package" in html
