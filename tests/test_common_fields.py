"""One field for financial years and one for money in every app (issue 17): a year typed any
way the core reads is kept as ``2023/24``; anything else is refused with the field named."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from openpmo.audit.services import audit_change, snapshot
from openpmo.benefits.forms import SavingsLineForm
from openpmo.benefits.models import SavingsLine
from openpmo.common.fields import FinancialYearField, FinancialYearFormField
from openpmo.common.models import Created, Illustrative, Versioned
from openpmo.finance import models as finance_models
from openpmo.portfolio.tests.factories import ProgrammeFactory

SRC = Path(__file__).resolve().parents[1] / "src" / "openpmo"

# Every financial-year column of every app, by model and field.
YEAR_COLUMNS = {
    ("benefits", "savingsline", "financial_year"),
    ("finance", "teamcostplan", "base_year"),
    ("finance", "inflationrate", "year"),
    ("finance", "reserve", "first_year"),
    ("finance", "reserve", "last_year"),
    ("finance", "reserveentry", "year"),
    ("finance", "reservestatedfigure", "year"),
    ("finance", "appraisal", "base_year"),
    ("finance", "appraisaldeflator", "year"),
    ("finance", "appraisalamount", "year"),
    ("finance", "workpackageforecast", "year"),
    ("gates", "businesscase", "base_year"),
    ("gates", "fundingrelease", "year"),
    ("planning", "fundingdecision", "start_year"),
}


def _columns(kind: type[models.Field]) -> set[tuple[str, str, str]]:
    return {
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        if model.__module__.startswith("openpmo.")
        for field in model._meta.concrete_fields
        if isinstance(field, kind)
    }


def test_every_financial_year_column_is_the_one_field_and_no_other_column_holds_a_year():
    assert _columns(FinancialYearField) == YEAR_COLUMNS
    # No seven-letter text column is left that could be a year kept some other way.
    sevens = {
        column
        for column in _columns(models.CharField)
        if apps.get_model(column[0], column[1])._meta.get_field(column[2]).max_length == 7
    }
    assert sevens == YEAR_COLUMNS


# The decimals that are not money, and why: rates, shares and indices are ratios, FTE is people,
# delays are working days, a benefit's figures are in its own unit (hours, tCO2e, or pounds).
NOT_MONEY = {
    ("finance", "InflationRate", "rate"),
    ("finance", "TeamRole", "fte"),
    ("finance", "TeamRole", "on_cost_rate"),
    ("finance", "AppraisalDeflator", "index"),
    ("finance", "AppraisalLine", "optimism_bias"),
    ("benefits", "Benefit", "baseline_value"),
    ("benefits", "Benefit", "target_value"),
    ("benefits", "ProfileMonth", "value"),
    ("benefits", "BenefitActual", "value"),
    ("benefits", "TrackerSettings", "green_threshold"),
    ("benefits", "TrackerSettings", "amber_threshold"),
    ("benefits", "TrackerSettings", "carbon_contribution_target"),
    ("delivery", "ScheduleLink", "lag_percent"),
    ("risks", "RaidItem", "chance"),
    ("risks", "RaidItem", "delay_min"),
    ("risks", "RaidItem", "delay_likely"),
    ("risks", "RaidItem", "delay_max"),
    ("resources", "Person", "fte"),
    ("resources", "Demand", "fte"),
    ("resources", "PackageSourcing", "partner_share"),
    ("planning", "BusinessDriver", "weight"),
}


def _decimal_declarations() -> dict[tuple[str, str, str], str]:
    """Each decimal column of every app's models, by how it is declared (MoneyField or other)."""
    found = {}
    for path in sorted(SRC.glob("*/models.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                    name = ast.unparse(statement.value.func)
                    if name in ("MoneyField", "models.DecimalField"):
                        column = (path.parent.name, node.name, statement.targets[0].id)
                        found[column] = name
    return found


def test_every_money_column_is_a_money_field_and_every_other_decimal_is_not_money():
    declared = _decimal_declarations()
    assert {column for column, name in declared.items() if name != "MoneyField"} == NOT_MONEY
    money = {column for column, name in declared.items() if name == "MoneyField"}
    assert ("finance", "ReserveEntry", "amount") in money
    assert ("portfolio", "WorkPackage", "budget_envelope") in money
    assert ("benefits", "SavingsLine", "planned_savings") in money
    assert len(money) == 26
    # every decimal column of every model is declared in one of the two ways
    assert len(declared) == len(_columns(models.DecimalField))


def test_a_money_field_is_the_decimal_column_it_always_was():
    field = SavingsLine._meta.get_field("planned_savings")
    assert type(field) is models.DecimalField
    assert (field.max_digits, field.decimal_places) == (14, 2)
    # a column that needs fewer digits keeps them (the reserve's reporting unit)
    unit = finance_models.Reserve._meta.get_field("reporting_unit")
    assert (unit.max_digits, unit.decimal_places) == (10, 2)


def test_finance_names_the_shared_field_not_a_copy():
    assert finance_models.FinancialYearField is FinancialYearField


@pytest.mark.parametrize("typed", ["2024/25", "2024-25", "2024/2025", " 2024/25 "])
def test_a_year_typed_on_a_form_any_way_the_core_reads_is_kept_as_2024_25(typed):
    form = SavingsLineForm({"financial_year": typed, "planned_savings": "10"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["financial_year"] == "2024/25"


@pytest.mark.parametrize("typed", ["2024/26", "24/25", "next year", "2024"])
def test_a_year_that_is_not_one_is_refused_naming_the_field(typed):
    form = SavingsLineForm({"financial_year": typed, "planned_savings": "10"})
    assert not form.is_valid()
    assert form.errors["financial_year"] == [
        "Financial year must be a financial year, like 2023/24"
    ]


def test_a_model_form_of_a_year_column_uses_the_year_form_field_with_its_label():
    field = finance_models.Reserve._meta.get_field("first_year").formfield()
    assert isinstance(field, FinancialYearFormField)
    with pytest.raises(ValidationError, match="First year must be a financial year"):
        field.clean("2023/25")
    assert field.clean("2023-24") == "2023/24"


@pytest.mark.django_db
def test_a_year_is_stored_2023_24_whichever_way_it_arrived():
    programme = ProgrammeFactory()
    # full_clean writes it back the council way
    line = SavingsLine(programme=programme, financial_year="2023-24", planned_savings=Decimal(1))
    line.full_clean()
    assert line.financial_year == "2023/24"
    # and a save that skipped the checks stores it that way too
    other = SavingsLine.objects.create(
        programme=programme, financial_year="2024/2025", planned_savings=Decimal(2)
    )
    assert other.financial_year == "2024/25"
    assert set(SavingsLine.objects.values_list("financial_year", flat=True)) == {"2024/25"}
    line.save()
    assert sorted(SavingsLine.objects.values_list("financial_year", flat=True)) == [
        "2023/24",
        "2024/25",
    ]


@pytest.mark.django_db
def test_a_model_refuses_a_year_that_is_not_one_on_that_field():
    line = SavingsLine(
        programme=ProgrammeFactory(), financial_year="2023/25", planned_savings=Decimal(1)
    )
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "the second year must follow the first" in error.value.message_dict["financial_year"][0]


# -- the shared bookkeeping fields ----------------------------------------------------------------

BASES = (Versioned, Illustrative, Created)


def test_a_record_on_a_shared_base_keeps_the_fields_it_had():
    # A work package's version and a business case's author and flag are still there, as before.
    from openpmo.gates.models import BusinessCase
    from openpmo.portfolio.models import Programme

    version = Programme._meta.get_field("version")
    assert (version.default, version.editable) == (1, False)
    assert issubclass(BusinessCase, Created) and issubclass(BusinessCase, Illustrative)
    created_by = BusinessCase._meta.get_field("created_by")
    assert created_by.null and created_by.remote_field.on_delete is models.PROTECT
    assert BusinessCase._meta.get_field("created_at").auto_now_add
    # each model keeps its own table: the bases are abstract
    assert all(base._meta.abstract for base in BASES)


@pytest.mark.django_db
def test_an_audit_snapshot_kept_before_the_fields_moved_still_compares_equal():
    # Given a programme's snapshot as it was stored when version and is_illustrative came last
    programme = ProgrammeFactory()
    now = snapshot(programme)
    assert set(list(now)[1:3]) == {"is_illustrative", "version"}  # the bases' fields come first
    stored = {key: now[key] for key in [*now.keys() - {"is_illustrative", "version"}, "version"]}
    stored["is_illustrative"] = now["is_illustrative"]
    assert list(stored) != list(now)
    # when it is compared with today's snapshot, nothing changed and nothing is recorded
    assert (
        audit_change(actor=None, action="t.same", obj=programme, before=stored, after=now) is None
    )
    # and a real change is still seen, named by field, whatever the key order
    programme.name = "Renamed"
    record = audit_change(
        actor=None, action="t.renamed", obj=programme, before=stored, after=snapshot(programme)
    )
    assert record is not None
    assert [key for key, _old, _new in record.changes] == ["name"]


def test_the_forecast_form_takes_the_year_the_same_way():
    from openpmo.finance.forms import ForecastForm

    data = {"spend_type": "capital", "amount": "5"}
    assert ForecastForm({**data, "year": "2024-2025"}).is_valid()
    form = ForecastForm({**data, "year": "2024/26"})
    assert not form.is_valid()
    assert form.errors["year"] == ["Financial year must be a financial year, like 2023/24"]
