"""Forms of portfolio planning: they read and check what was typed; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.core.money import FinancialYear, parse_money
from openpmo.planning.choices import Objective


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#")
    ]


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the scenario")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    objective = forms.ChoiceField(choices=Objective.choices, label="What to maximise")
    budget = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Budget by financial year (optional)",
        help_text="One year a line, like 2026/27: 1,500,000. Leave blank to plan against the "
        "reserve's headroom, with unspent money carried forward.",
    )
    forces = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Must-do and must-not (optional)",
        help_text="One work package a line, like ETP-DATA-001 in, or ETP-DATA-002 out.",
    )

    def clean_budget(self) -> dict[FinancialYear, Decimal] | None:
        budget: dict[FinancialYear, Decimal] = {}
        for number, line in _lines(self.cleaned_data["budget"]):
            year_text, _, amount_text = line.partition(":")
            try:
                year = FinancialYear.parse(year_text)
                amount = parse_money(amount_text)
            except CoreValidationError as error:
                raise as_validation_error(
                    error, prefix=f"Line {number}: ", with_where=False
                ) from None
            if amount < 0:
                raise forms.ValidationError(f"Line {number}: the budget must not be negative.")
            if year in budget:
                raise forms.ValidationError(f"Line {number}: {year} is given twice.")
            budget[year] = amount
        return budget or None

    def clean_forces(self) -> dict[str, str]:
        forces: dict[str, str] = {}
        for number, line in _lines(self.cleaned_data["forces"]):
            parts = line.split()
            if len(parts) != 2 or parts[1].lower() not in ("in", "out"):
                raise forms.ValidationError(
                    f"Line {number}: write a work package reference then in or out."
                )
            forces[parts[0]] = parts[1].lower()
        return forces

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "objective": data["objective"],
            "budget": data["budget"],
            "forces": data["forces"],
        }


class CommitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class WeightsForm(forms.Form):
    """Typed weights, one field per driver."""

    def __init__(self, *args: Any, drivers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drivers = drivers
        for driver in drivers:
            self.fields[f"driver_{driver.pk}"] = forms.DecimalField(
                label=driver.name,
                min_value=0,
                max_digits=9,
                decimal_places=6,
                initial=driver.weight,
            )

    def weights(self) -> dict[int, Decimal]:
        return {d.pk: self.cleaned_data[f"driver_{d.pk}"] for d in self.drivers}


SAATY_CHOICES = [
    *[(f"1/{n}", f"{n}: second more important") for n in range(9, 1, -1)],
    ("1", "1: equal"),
    *[(str(n), f"{n}: first more important") for n in range(2, 10)],
]


class ComparisonForm(forms.Form):
    """One judgement per pair of drivers on Saaty's scale."""

    def __init__(self, *args: Any, drivers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = [(a, b) for i, a in enumerate(drivers) for b in drivers[i + 1 :]]
        for first, second in self.pairs:
            self.fields[f"pair_{first.pk}_{second.pk}"] = forms.ChoiceField(
                label=f"{first.name} compared with {second.name}",
                choices=SAATY_CHOICES,
                initial="1",
            )

    def judgements(self) -> dict[tuple[int, int], str]:
        return {(a.pk, b.pk): self.cleaned_data[f"pair_{a.pk}_{b.pk}"] for a, b in self.pairs}
