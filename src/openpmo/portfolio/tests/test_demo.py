"""The ETP demo data: the report's facts, loaded once however often the loader runs."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management import call_command

from openpmo.accounts.models import User
from openpmo.audit.models import AuditRecord
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage

PILLARS = [
    "Automation and Efficiency",
    "Technology for Collaboration",
    "Citizen Engagement",
    "Innovation and Improvement",
    "Platforms for Data",
    "Renewing our technology",
]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Programme, Pillar, Strand, WorkPackage, StrategicPriority, AuditRecord)
    }


def test_demo_load_is_idempotent_and_reproduces_the_report(db, tmp_path, settings, capsys):
    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    call_command("load_demo")
    first = _counts()
    first_output = capsys.readouterr().out
    call_command("load_demo")
    assert _counts() == first
    assert "nothing to add" in capsys.readouterr().out
    # The six pillars of §3.7, with their objectives word for word
    assert list(Pillar.objects.order_by("order").values_list("name", flat=True)) == PILLARS
    assert Pillar.objects.get(name="Platforms for Data").objective == (
        "To organise our information and make it accessible and useful"
    )
    # Named work of §3.1 and Appendix 1
    for name in [
        "SSCP",
        "End User Devices",
        "Network and Voice",
        "Digital Platforms",
        "Data Hub",
        "GIS modernisation",
        "Future Cloud Strategy",
        "Office 365 roadmap",
        "Social Care Platform",
    ]:
        assert Strand.objects.filter(name=name).exists(), name
    assert StrategicPriority.objects.count() == 2
    # Invented facts are marked as such
    assert not WorkPackage.objects.filter(is_illustrative=False).exists()
    # One sign-in account per role, with a password printed but never stored in code
    for role in Group.objects.all():
        signers = [u for u in User.objects.filter(groups=role) if u.has_usable_password()]
        assert len(signers) == 1, role.name
        assert signers[0].username in first_output
    assert (tmp_path / "demo-credentials.json").exists()
    # The load itself is audited, as the system
    assert (
        AuditRecord.objects.filter(action="work_package.created", actor__isnull=True).count()
        == WorkPackage.objects.count()
    )
