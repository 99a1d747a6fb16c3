"""The shared kit the apps now draw on instead of their own copies (issue 17): a refusal onto a
form, the audit of a real change only, optional list filters and search, spreadsheet cells."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.audit.models import AuditRecord
from openpmo.audit.services import audit_change, snapshot
from openpmo.common.db import filter_given, search_text
from openpmo.common.forms import add_refusal
from openpmo.common.services import ConflictError
from openpmo.common.spreadsheets import cell_date, cell_text
from openpmo.portfolio.models import Programme
from openpmo.portfolio.tests.factories import ProgrammeFactory


class _Form(forms.Form):
    name = forms.CharField()


def _refused(error: Exception, **options: bool) -> _Form:
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_refusal(form, error, **options)
    return form


def test_a_refusal_lands_on_the_field_the_form_has_and_the_rest_in_the_summary():
    error = ValidationError({"name": ["Taken."], "budget_year": ["Not a year."]})
    form = _refused(error)
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Not a year."]
    named = _refused(error, name_other_fields=True)
    assert named.non_field_errors() == ["Budget year: Not a year."]


@pytest.mark.parametrize(
    ("error", "summary"),
    [
        (ValidationError("Closed."), ["Closed."]),
        (ConflictError("Someone saved first."), ["Someone saved first."]),
        (PermissionDenied("Only the PMO."), ["Only the PMO."]),
    ],
)
def test_a_refusal_without_fields_is_said_in_the_summary(error, summary):
    assert _refused(error).non_field_errors() == summary


@pytest.mark.django_db
def test_an_edit_is_audited_only_when_more_than_bookkeeping_changed():
    programme = ProgrammeFactory()
    before = snapshot(programme)
    assert audit_change(actor=None, action="t.new", obj=programme, before=None, after=before)
    programme.version += 1
    programme.save()
    assert (
        audit_change(
            actor=None, action="t.same", obj=programme, before=before, after=snapshot(programme)
        )
        is None
    )
    programme.name = "Renamed"
    programme.save()
    audit_change(
        actor=None, action="t.renamed", obj=programme, before=before, after=snapshot(programme)
    )
    actions = list(AuditRecord.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["t.new", "t.renamed"] and "t.same" not in actions


@pytest.mark.django_db
def test_blank_filters_are_left_out_and_search_matches_any_field_ignoring_case():
    north = ProgrammeFactory(name="North depot", description="")
    south = ProgrammeFactory(name="South", description="Depot works")
    everything = Programme.objects.filter(pk__in=[north.pk, south.pk])
    assert set(filter_given(everything, name="", pk=None)) == {north, south}
    assert list(filter_given(everything, name="South", pk=0)) == [south]
    assert set(search_text(everything, "DEPOT", ("name", "description"))) == {north, south}
    assert list(search_text(everything, "north", ("name", "description"))) == [north]
    assert set(search_text(everything, "", ("name",))) == {north, south}


def test_spreadsheet_cells_read_as_text_and_dates():
    assert [cell_text(v) for v in (None, 12.0, 12.5, "  a ")] == ["", "12", "12.5", "a"]
    parse = dt.date.fromisoformat
    assert cell_date("", parse) is None and cell_date(None, parse) is None
    assert cell_date(dt.datetime(2024, 4, 1, 9, 30), parse) == dt.date(2024, 4, 1)
    assert cell_date(" 2024-04-01 ", parse) == dt.date(2024, 4, 1)
    with pytest.raises(ValueError):
        cell_date("1 April", parse)
