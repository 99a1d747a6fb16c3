"""Who may create and update work packages: every role, through the service (the one write path)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.portfolio import services
from openpmo.portfolio.models import WorkPackage

# role -> (may create in the strand, may update the work package), for a user who is NOT the
# pillar's sponsor nor the work package's owner unless the case says so.
MATRIX = [
    (Role.PMO, "unrelated", True, True),
    (Role.PILLAR_SPONSOR, "sponsor of this pillar", True, True),
    (Role.PILLAR_SPONSOR, "unrelated", False, False),
    (Role.WORK_PACKAGE_MANAGER, "owner of this work package", False, True),
    (Role.WORK_PACKAGE_MANAGER, "unrelated", False, False),
    (Role.FINANCE, "unrelated", False, False),
    (Role.BOARD_MEMBER, "unrelated", False, False),
    (Role.DECISION_MAKER, "unrelated", False, False),
    (Role.VIEWER, "unrelated", False, False),
]


def _actor(role, relation, work_package, role_user):
    if relation == "sponsor of this pillar":
        return work_package.strand.pillar.sponsor
    if relation == "owner of this work package":
        return work_package.owner
    return role_user(role)


@pytest.mark.parametrize(("role", "relation", "may_create", "may_update"), MATRIX)
def test_work_package_create_by_role(
    role, relation, may_create, may_update, programme_tree, role_user
):
    # Given a user of this role and a strand of the programme
    work_package = programme_tree
    actor = _actor(role, relation, work_package, role_user)
    packages_before = WorkPackage.objects.count()
    audit_before = AuditRecord.objects.count()
    # When they add a work package to the strand
    if may_create:
        created = services.work_package_create(
            actor=actor, strand=work_package.strand, reference="NEW-001", name="New work package"
        )
        # then it exists and the creation is audited under their name
        assert WorkPackage.objects.get(reference="NEW-001") == created
        record = AuditRecord.objects.for_object(created).get()
        assert (record.action, record.actor) == ("work_package.created", actor)
    else:
        with pytest.raises(PermissionDenied):
            services.work_package_create(
                actor=actor,
                strand=work_package.strand,
                reference="NEW-001",
                name="New work package",
            )
        # then nothing was saved and nothing audited
        assert WorkPackage.objects.count() == packages_before
        assert AuditRecord.objects.count() == audit_before


@pytest.mark.parametrize(("role", "relation", "may_create", "may_update"), MATRIX)
def test_work_package_update_by_role(
    role, relation, may_create, may_update, programme_tree, role_user
):
    work_package = programme_tree
    actor = _actor(role, relation, work_package, role_user)
    audit_before = AuditRecord.objects.count()
    if may_update:
        services.work_package_update(actor=actor, work_package=work_package, rag_status="red")
        work_package.refresh_from_db()
        assert work_package.rag_status == "red"
        record = AuditRecord.objects.for_object(work_package).get()
        assert record.action == "work_package.updated"
        assert (record.before["rag_status"], record.after["rag_status"]) == ("green", "red")
    else:
        with pytest.raises(PermissionDenied):
            services.work_package_update(actor=actor, work_package=work_package, rag_status="red")
        work_package.refresh_from_db()
        assert work_package.rag_status == "green"
        assert AuditRecord.objects.count() == audit_before


def test_a_sponsor_cannot_move_a_work_package_into_a_pillar_they_do_not_sponsor(programme_tree):
    from openpmo.portfolio.tests.factories import StrandFactory

    work_package = programme_tree
    sponsor = work_package.strand.pillar.sponsor
    elsewhere = StrandFactory()
    with pytest.raises(PermissionDenied):
        services.work_package_update(actor=sponsor, work_package=work_package, strand=elsewhere)
    work_package.refresh_from_db()
    assert work_package.strand != elsewhere
