"""Governed fields of a work package (issue 11, items 13 and 17): its stage moves only through a
gate decision or a PMO correction with a reason; moving it to another pillar and changing its
budget envelope are the PMO's (or the sponsor's of both pillars). Every route is tried (service,
API PATCH and PUT, the edit form, create), by every role; each refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio import services
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.tests.factories import StrandFactory

ROLES = ["manager", "sponsor", "finance", "pmo"]


@pytest.fixture
def people(role_user, programme_tree):
    return {
        "manager": programme_tree.owner,
        "sponsor": programme_tree.strand.pillar.sponsor,
        "finance": role_user(Role.FINANCE),
        "pmo": role_user(Role.PMO),
    }


@pytest.fixture
def other_strand(programme_tree):
    """A strand of another pillar of the same programme, sponsored by someone else."""
    return StrandFactory(pillar__programme=programme_tree.strand.pillar.programme)


def _api(user):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def _state(work_package):
    """What a user would notice: the package's governed fields and the audit trail."""
    row = WorkPackage.objects.get(pk=work_package.pk)
    return (row.stage, row.strand_id, row.budget_envelope, row.version, AuditRecord.objects.count())


def _form_data(work_package, **changes):
    data = {
        "reference": work_package.reference,
        "name": work_package.name,
        "strand": work_package.strand_id,
        "owner": work_package.owner_id,
        "rag_status": work_package.rag_status,
        "budget_envelope": str(work_package.budget_envelope),
        "baseline_start": "2023-04-01",
        "baseline_end": "2024-03-31",
        "version": work_package.version,
    }
    return data | changes


# --- item 13: stage gates cannot be bypassed ---------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_no_role_changes_a_stage_by_editing_the_work_package(client, people, programme_tree, who):
    # Given a work package at Discovery and someone of each role
    user = people[who]
    wp = programme_tree
    before = _state(wp)
    # when they set its stage through the service (a shell call),
    with pytest.raises((ValidationError, PermissionDenied)):
        services.work_package_update(actor=user, work_package=wp, stage="closure")
    # through the API (PATCH and PUT),
    api = _api(user)
    patched = api.patch(f"/api/work-packages/{wp.pk}/", {"stage": "delivery"}, format="json")
    body = api.get(f"/api/work-packages/{wp.pk}/").json()
    put = api.put(f"/api/work-packages/{wp.pk}/", body | {"stage": "fbc"}, format="json")
    assert patched.status_code in (400, 403) and put.status_code in (400, 403)
    if who != "finance":
        assert "gate decision" in patched.json()["stage"][0]
    assert _state(wp) == before
    # and through the edit form (which has no stage: a posted one is ignored),
    client.force_login(user)
    client.post(f"/work-packages/{wp.pk}/edit/", _form_data(wp, stage="closure"))
    # then the stage, and everything else, is as it was (nothing is audited as changed).
    after = _state(wp)
    assert (after[:3], after[4]) == (before[:3], before[4])


@pytest.mark.parametrize("who", ["sponsor", "pmo"])
def test_a_new_work_package_starts_at_discovery(people, programme_tree, who):
    user = people[who]
    count = WorkPackage.objects.count(), AuditRecord.objects.count()
    with pytest.raises(ValidationError) as error:
        services.work_package_create(
            actor=user, strand=programme_tree.strand, reference="LATE-1", name="Late", stage="fbc"
        )
    assert "starts at Discovery" in error.value.message_dict["stage"][0]
    created = _api(user).post(
        "/api/work-packages/",
        {"reference": "LATE-2", "name": "Late", "strand": programme_tree.strand_id, "stage": "fbc"},
        format="json",
    )
    assert created.status_code == 400 and "stage" in created.json()
    assert (WorkPackage.objects.count(), AuditRecord.objects.count()) == count
    # at Discovery (or saying nothing) it is created
    made = services.work_package_create(
        actor=user, strand=programme_tree.strand, reference="NEW-1", name="New"
    )
    assert made.stage == "discovery"


def test_the_pmo_corrects_a_stage_with_a_reason_audited_as_such(client, people, programme_tree):
    wp = programme_tree
    pmo = people["pmo"]
    before = _state(wp)
    # Without a reason the PMO's correction is refused,
    with pytest.raises(ValidationError) as error:
        services.work_package_stage_correct(actor=pmo, work_package=wp, stage="soc", reason=" ")
    assert "reason" in error.value.message_dict
    # and nobody else may correct a stage, with or without one (service or page).
    for who in ("manager", "sponsor", "finance"):
        with pytest.raises(PermissionDenied):
            services.work_package_stage_correct(
                actor=people[who], work_package=wp, stage="soc", reason="Recorded wrongly"
            )
        client.force_login(people[who])
        url = f"/work-packages/{wp.pk}/stage/"
        assert client.post(url, {"stage": "soc", "reason": "Recorded wrongly"}).status_code == 403
    assert _state(wp) == before
    # With a reason, on the page, it is corrected and audited as a correction.
    client.force_login(pmo)
    response = client.post(
        f"/work-packages/{wp.pk}/stage/",
        {"stage": "soc", "reason": "Passed its SOC gate on paper in 2022", "version": wp.version},
    )
    assert response.status_code == 302
    wp.refresh_from_db()
    assert wp.stage == "soc"
    record = AuditRecord.objects.get(action="work_package.stage_corrected")
    assert record.actor == pmo and record.before == {"stage": "discovery"}
    assert record.after == {"stage": "soc", "reason": "Passed its SOC gate on paper in 2022"}


# --- item 17: moving between pillars and changing the envelope ---------------------------------


def test_a_work_package_manager_cannot_move_their_package_or_raise_its_envelope(
    client, people, programme_tree, other_strand
):
    # Given the manager of a package sponsored in one pillar
    manager = people["manager"]
    wp = programme_tree
    before = _state(wp)
    # when they move it into another pillar, or raise its envelope to £35m, by the service,
    with pytest.raises(PermissionDenied, match="another pillar"):
        services.work_package_update(actor=manager, work_package=wp, strand=other_strand)
    with pytest.raises(PermissionDenied, match="budget envelope"):
        services.work_package_update(
            actor=manager, work_package=wp, budget_envelope=Decimal("35000000")
        )
    # by the API,
    api = _api(manager)
    moved = api.patch(f"/api/work-packages/{wp.pk}/", {"strand": other_strand.pk}, format="json")
    raised = api.patch(
        f"/api/work-packages/{wp.pk}/", {"budget_envelope": "35000000.00"}, format="json"
    )
    assert (moved.status_code, raised.status_code) == (403, 403)
    # or by the edit form (which offers neither),
    client.force_login(manager)
    form = client.post(
        f"/work-packages/{wp.pk}/edit/",
        _form_data(wp, strand=other_strand.pk, budget_envelope="35000000"),
    )
    assert form.status_code == 400
    form = client.post(f"/work-packages/{wp.pk}/edit/", _form_data(wp, budget_envelope="35000000"))
    # then the package stays where it was, with its envelope.
    assert _state(wp)[:3] == before[:3]
    # They still edit the rest of it.
    services.work_package_update(actor=manager, work_package=wp, name="Renamed by its manager")
    assert WorkPackage.objects.get(pk=wp.pk).name == "Renamed by its manager"


def test_moving_between_pillars_needs_the_pmo_or_the_sponsor_of_both(
    role_user, people, programme_tree, other_strand
):
    wp = programme_tree
    sponsor = people["sponsor"]
    before = _state(wp)
    # The sponsor of the package's pillar alone cannot give it to another pillar,
    with pytest.raises(PermissionDenied, match="sponsor of both pillars"):
        services.work_package_update(actor=sponsor, work_package=wp, strand=other_strand)
    assert _state(wp) == before
    # the sponsor of both pillars can,
    other_strand.pillar.sponsor = sponsor
    other_strand.pillar.save()
    services.work_package_update(actor=sponsor, work_package=wp, strand=other_strand)
    moved = AuditRecord.objects.get(action="work_package.moved")
    assert moved.actor == sponsor
    assert moved.before["pillar"] == programme_tree.strand.pillar_id
    assert moved.after == {"pillar": other_strand.pillar_id, "strand": other_strand.pk}
    # and so can the PMO, back again.
    services.work_package_update(actor=people["pmo"], work_package=wp, strand=programme_tree.strand)
    assert WorkPackage.objects.get(pk=wp.pk).strand_id == programme_tree.strand_id
    assert AuditRecord.objects.filter(action="work_package.moved").count() == 2


@pytest.mark.parametrize("who", ["sponsor", "pmo"])
def test_the_pmo_or_the_sponsor_changes_the_envelope_audited(people, programme_tree, who):
    user = people[who]
    services.work_package_update(
        actor=user, work_package=programme_tree, budget_envelope=Decimal("250000")
    )
    record = AuditRecord.objects.get(action="work_package.envelope_changed")
    assert record.actor == user
    assert (record.before, record.after) == (
        {"budget_envelope": "100000.00"},
        {"budget_envelope": "250000"},
    )


@pytest.mark.parametrize("who", ["sponsor", "manager"])
def test_only_the_pmo_brings_in_an_existing_register_at_its_stages(people, programme_tree, who):
    count = WorkPackage.objects.count(), AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        services.work_package_create(
            actor=people[who],
            strand=programme_tree.strand,
            reference="OLD-1",
            name="Underway elsewhere",
            stage="delivery",
            from_existing_register=True,
        )
    assert (WorkPackage.objects.count(), AuditRecord.objects.count()) == count
    made = services.work_package_create(
        actor=people["pmo"],
        strand=programme_tree.strand,
        reference="OLD-2",
        name="Underway elsewhere",
        stage="delivery",
        from_existing_register=True,
    )
    assert made.stage == "delivery"
