"""Forms of the finance pages. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from openpmo.common import uploads
from openpmo.common.fields import FinancialYearFormField
from openpmo.common.forms import DateInput as _DateInput
from openpmo.core import safe_yaml
from openpmo.core.errors import ParseError
from openpmo.finance.choices import EntryKind, SpendType
from openpmo.finance.models import Reserve, TeamCostPlan
from openpmo.portfolio.models import WorkPackage


class TeamFlexForm(forms.Form):
    """FTE, start and end of every role of a plan, each field named after its role's id."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, plan: TeamCostPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.roles = list(plan.roles.all())
        self.fields["version"].initial = plan.version
        for role in self.roles:
            self.fields[f"fte_{role.pk}"] = forms.DecimalField(
                label=f"FTE of {role.name}",
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=role.fte,
            )
            self.fields[f"start_{role.pk}"] = forms.DateField(
                label=f"Start of {role.name}", initial=role.start, widget=_DateInput()
            )
            self.fields[f"end_{role.pk}"] = forms.DateField(
                label=f"End of {role.name}", initial=role.end, widget=_DateInput()
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for role in self.roles:
            start, end = data.get(f"start_{role.pk}"), data.get(f"end_{role.pk}")
            if start and end and end < start:
                self.add_error(
                    f"end_{role.pk}", f"The end of {role.name} must not be before its start."
                )
        return data

    def changes(self) -> dict[int, dict[str, Any]]:
        """Only what differs from the saved roles."""
        found: dict[int, dict[str, Any]] = {}
        for role in self.roles:
            new = {
                "fte": self.cleaned_data[f"fte_{role.pk}"],
                "start": self.cleaned_data[f"start_{role.pk}"],
                "end": self.cleaned_data[f"end_{role.pk}"],
            }
            if (new["fte"], new["start"], new["end"]) != (role.fte, role.start, role.end):
                found[role.pk] = new
        return found

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "role": role,
                "fields": [self[f"{name}_{role.pk}"] for name in ("fte", "start", "end")],
            }
            for role in self.roles
        ]


class ReserveEntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of entry",
        choices=EntryKind.choices,
        help_text="Drawdowns and withdrawals are made by decisions of the Cabinet Member for "
        "Finance (§7.1), recorded at Gates: they draw the money themselves.",
    )
    year = forms.ChoiceField(label="Financial year")
    amount = forms.DecimalField(
        label="Amount (£)",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="Pounds paid in or taken out, more than zero",
    )
    reason = forms.CharField(label="What it is for", widget=forms.Textarea(attrs={"rows": 3}))
    work_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.none(),
        required=False,
        label="Work package the money is released to (or returned from)",
        help_text="Optional. A return gives back no more than was drawn for it.",
    )
    override_reason = forms.CharField(
        required=False,
        label="Reason to let the reserve go past zero",
        help_text="Only a Decision maker may allow a drawdown the reserve cannot afford.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, reserve: Reserve, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in reserve.years]  # type: ignore[attr-defined]
        self.fields["work_package"].queryset = WorkPackage.objects.filter(  # type: ignore[attr-defined]
            strand__pillar__programme=reserve.programme
        ).order_by("reference")


class ReconcileForm(forms.Form):
    upload = forms.FileField(
        required=False,
        label="A table as a CSV or Excel (.xlsx) file",
        help_text="A header row, one row per line with its label first, a row or column labelled Total.",
    )
    text = forms.CharField(
        required=False,
        label="Or type or paste the table (comma-separated)",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("upload")
        if not upload and not (data.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or type a table to reconcile.")
        if upload:
            try:
                uploads.checked(uploads.SPREADSHEET, upload)
            except forms.ValidationError as error:
                self.add_error("upload", error)
        if upload and not upload.name.lower().endswith((".csv", ".xlsx")):
            self.add_error("upload", "The file must be a .csv or .xlsx file.")
        return data


class AppraisalForm(forms.Form):
    name = forms.CharField(max_length=200)
    work_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.order_by("reference"),
        required=False,
        label="Work package (business case) it appraises",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.CharField(
        required=False,
        label="Options, costs and benefits (YAML)",
        help_text="base_year, then options with costs and benefits by financial year in real "
        "base-year prices, as `openpmo appraise` reads them",
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    upload = forms.FileField(required=False, label="Or upload a YAML file")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = data.get("document") or ""
        upload = data.get("upload")
        if upload:
            try:
                uploads.checked(uploads.DOCUMENT, upload)
            except forms.ValidationError as error:
                self.add_error("upload", error)
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", "The file is not UTF-8 text.")
                return data
        if not text.strip():
            self.add_error("document", "Enter the options to appraise, or upload a YAML file.")
            return data
        try:
            parsed = safe_yaml.load(text)
        except ParseError as error:
            place = f" ({error.where})" if error.where else ""
            self.add_error("document", f"This YAML {error.message}{place}.")
            return data
        if not isinstance(parsed, dict):
            self.add_error("document", "The YAML must be a mapping: base_year, options.")
            return data
        data["parsed"] = parsed
        data["document"] = text
        return data


class SpendForm(forms.Form):
    month = forms.CharField(label="Month", help_text="For example, 2023-04", max_length=10)
    spend_type = forms.ChoiceField(label="Capital or revenue", choices=SpendType.choices)
    amount = forms.DecimalField(
        label="Actual spend (£)", max_digits=14, decimal_places=2, help_text="A credit is negative"
    )


class ForecastForm(forms.Form):
    year = FinancialYearFormField(label="Financial year", help_text="For example, 2024/25")
    spend_type = forms.ChoiceField(label="Capital or revenue", choices=SpendType.choices)
    amount = forms.DecimalField(
        label="Spend still expected that year (£)", min_value=0, max_digits=14, decimal_places=2
    )


class SpendImportForm(forms.Form):
    upload = forms.FileField(
        label="Finance system export (CSV)",
        help_text="Columns: work package reference, month, capital or revenue, amount.",
    )

    def clean_upload(self) -> Any:
        return uploads.checked(uploads.SPREADSHEET, self.cleaned_data["upload"])


def month_label(value: dt.date) -> str:
    return value.strftime("%B %Y")
