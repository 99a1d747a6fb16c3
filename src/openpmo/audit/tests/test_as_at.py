"""The value a field had at the end of a day, wound back through the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from openpmo.audit.selectors import as_at_copies, values_as_at
from openpmo.common.services import SYSTEM
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.services import work_package_update


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_a_field_is_wound_back_to_its_value_at_the_end_of_a_day(programme_tree):
    wp = programme_tree
    # Given a Green work package made Amber on 10 October, Red on 20 November and Green today
    for day, rag in ((dt.date(2023, 10, 10), "amber"), (dt.date(2023, 11, 20), "red")):
        with mock.patch("django.utils.timezone.now", return_value=_at(day)):
            work_package_update(actor=SYSTEM, work_package=wp, rag_status=rag)
    work_package_update(actor=SYSTEM, work_package=wp, rag_status="green", budget_envelope=5)
    wp = WorkPackage.objects.get(pk=wp.pk)
    fields = ["rag_status", "budget_envelope"]
    then = {
        day: values_as_at([wp], fields, day)[wp.pk]
        for day in (dt.date(2023, 10, 9), dt.date(2023, 10, 31), dt.date(2023, 11, 20))
    }
    # then each day has the value it had then (the creation winds nothing back),
    assert then[dt.date(2023, 10, 9)]["rag_status"] == "green"
    assert then[dt.date(2023, 10, 31)]["rag_status"] == "amber"
    assert then[dt.date(2023, 11, 20)]["rag_status"] == "red"
    assert then[dt.date(2023, 11, 20)]["budget_envelope"] == Decimal("100000.00")
    # a copy carries those values while the object itself is left as it is,
    (copy,) = as_at_copies([wp], fields, dt.date(2023, 10, 31))
    assert (copy.rag_status, copy.budget_envelope) == ("amber", Decimal("100000.00"))
    assert (wp.rag_status, wp.budget_envelope) == ("green", Decimal("5.00"))
    # and as at today nothing is wound back.
    assert as_at_copies([wp], fields, timezone.localdate())[0] is wp
