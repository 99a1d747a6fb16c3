"""The register's services: audit on every write, nothing saved on any refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord, AuditRecordImmutable
from openpmo.common.services import ConflictError
from openpmo.portfolio import services
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.portfolio.tests.factories import PillarFactory, ProgrammeFactory, StrandFactory


@pytest.fixture
def pmo(role_user):
    return role_user(Role.PMO)


def test_every_register_write_is_audited_with_its_action_code(pmo):
    # Given the PMO, when they build a programme from nothing,
    programme = services.programme_create(actor=pmo, name="Test programme", short_name="TP")
    services.programme_update(actor=pmo, programme=programme, description="Now described")
    pillar = services.pillar_create(
        actor=pmo, programme=programme, name="Data", objective="Organise data"
    )
    services.pillar_update(actor=pmo, pillar=pillar, objective="Organise our information")
    strand = services.strand_create(actor=pmo, pillar=pillar, name="Data Hub")
    services.strand_update(actor=pmo, strand=strand, description="A platform")
    wp = services.work_package_create(actor=pmo, strand=strand, reference="TP-1", name="Hub")
    services.work_package_update(actor=pmo, work_package=wp, name="Data Hub")
    # then each write left exactly one record, in order, naming the actor and the object.
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "actor", "object_id"))
    assert actions == [
        ("programme.created", pmo.pk, str(programme.pk)),
        ("programme.updated", pmo.pk, str(programme.pk)),
        ("pillar.created", pmo.pk, str(pillar.pk)),
        ("pillar.updated", pmo.pk, str(pillar.pk)),
        ("strand.created", pmo.pk, str(strand.pk)),
        ("strand.updated", pmo.pk, str(strand.pk)),
        ("work_package.created", pmo.pk, str(wp.pk)),
        ("work_package.updated", pmo.pk, str(wp.pk)),
    ]
    last = AuditRecord.objects.order_by("-id").first()
    assert (last.before["name"], last.after["name"]) == ("Hub", "Data Hub")


def test_invalid_work_package_is_refused_and_nothing_is_saved(pmo):
    strand = StrandFactory()
    with pytest.raises(ValidationError) as error:
        services.work_package_create(
            actor=pmo,
            strand=strand,
            reference="X-1",
            name="Backwards",
            baseline_start=dt.date(2024, 1, 1),
            baseline_end=dt.date(2023, 1, 1),
            budget_envelope=Decimal("-5"),
        )
    assert "budget_envelope" in error.value.message_dict
    assert WorkPackage.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_duplicate_reference_is_refused_with_the_field_named(pmo, programme_tree):
    with pytest.raises(ValidationError) as error:
        services.work_package_create(
            actor=pmo, strand=programme_tree.strand, reference=programme_tree.reference, name="Copy"
        )
    assert "reference" in error.value.message_dict
    assert WorkPackage.objects.count() == 1


def test_a_stale_edit_is_refused_and_the_first_save_survives(pmo, programme_tree):
    # Given two people who opened the same work package at version 1
    wp = programme_tree
    seen = wp.version
    # when the first saves
    services.work_package_update(actor=pmo, work_package=wp, expected_version=seen, name="First")
    # and the second saves on top of what they saw,
    with pytest.raises(ConflictError, match="changed by someone else"):
        services.work_package_update(
            actor=pmo, work_package=wp, expected_version=seen, name="Second"
        )
    # then the first change stands and only it was audited.
    wp.refresh_from_db()
    assert (wp.name, wp.version) == ("First", seen + 1)
    assert AuditRecord.objects.filter(action="work_package.updated").count() == 1


def test_saving_without_changes_records_nothing(pmo, programme_tree):
    services.work_package_update(actor=pmo, work_package=programme_tree, name=programme_tree.name)
    assert not AuditRecord.objects.exists()


def test_audit_records_cannot_be_changed_or_deleted(pmo):
    programme = services.programme_create(actor=pmo, name="P", short_name="P")
    record = AuditRecord.objects.get()
    record.action = "programme.tampered"
    with pytest.raises(AuditRecordImmutable):
        record.save()
    with pytest.raises(AuditRecordImmutable):
        record.delete()
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.all().update(action="x")
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get().action == "programme.created"
    assert Programme.objects.get() == programme


def test_pillar_sponsor_edits_own_pillar_but_pmo_alone_adds_pillars(role_user):
    sponsor = role_user(Role.PILLAR_SPONSOR)
    pillar = PillarFactory(sponsor=sponsor)
    services.pillar_update(actor=sponsor, pillar=pillar, objective="Sharper")
    assert Pillar.objects.get(pk=pillar.pk).objective == "Sharper"
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.pillar_create(
            actor=sponsor, programme=ProgrammeFactory(), name="Mine", objective="x"
        )
    assert Pillar.objects.count() == 1
    strand = services.strand_create(actor=sponsor, pillar=pillar, name="Sponsored strand")
    assert Strand.objects.get(pk=strand.pk).pillar == pillar
