"""Forms of the gates. They only shape input (text lines into amounts by year, and so on): the
rules live in ``services.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from openpmo.accounts.models import User
from openpmo.common.fields import FinancialYearFormField
from openpmo.common.forms import DateInput as _DateInput
from openpmo.gates.choices import AssessmentOutcome, Outcome, ProtectedCharacteristic
from openpmo.gates.models import BusinessCase, EqualityImpactAssessment, Gate

LINES_HELP = "One line each: name | financial year | amount, e.g. Staff | 2023/24 | 150000"
FUNDING_HELP = "One year a line: financial year and amount, e.g. 2023/24: 150000"


def _parts(line: str) -> list[str]:
    return [part.strip() for part in line.replace("\t", "|").split("|")]


def parse_funding_text(text: str) -> dict[str, str]:
    """``2023/24: 150000`` lines into ``{"2023/24": "150000"}`` (amounts checked by the service)."""
    funding: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        year, separator, amount = line.replace("|", ":").partition(":")
        if not separator or not year.strip() or not amount.strip():
            raise forms.ValidationError(f"Line {number}: write it like 2023/24: 150000.")
        funding[year.strip()] = amount.strip().replace(",", "").replace("£", "")
    return funding


def funding_text(funding: dict[str, Any] | None) -> str:
    return "\n".join(f"{year}: {amount}" for year, amount in (funding or {}).items())


def parse_lines_text(text: str) -> dict[str, dict[str, str]]:
    lines: dict[str, dict[str, str]] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _parts(line)
        if len(parts) != 3 or not all(parts):
            raise forms.ValidationError(f"Line {number}: write it like Staff | 2023/24 | 150000.")
        name, year, amount = parts
        lines.setdefault(name, {})[year] = amount.replace(",", "").replace("£", "")
    return lines


def lines_text(lines: dict[str, dict[str, Any]] | None) -> str:
    return "\n".join(
        f"{name} | {year} | {amount}"
        for name, amounts in (lines or {}).items()
        for year, amount in amounts.items()
    )


def parse_bias_text(text: str) -> dict[str, str]:
    bias: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _parts(line)
        if len(parts) != 2 or not all(parts):
            raise forms.ValidationError(f"Line {number}: write it like Staff | 0.24.")
        bias[parts[0]] = parts[1]
    return bias


class BusinessCaseForm(forms.Form):
    """The case's text, money and evidence; one met/evidence pair per checklist item."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=300)
    strategic_case = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Strategic case"
    )
    benefits_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Benefits summary"
    )
    risks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Main risks"
    )
    base_year = FinancialYearFormField(
        label="Base year of the appraisal", help_text="Year 0, e.g. 2023/24"
    )
    requested_funding = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Funding requested for the next stage only",
        help_text=FUNDING_HELP,
    )
    equality_assessment = forms.ModelChoiceField(
        queryset=EqualityImpactAssessment.objects.none(),
        required=False,
        label="Equality impact assessment",
        empty_label="None linked yet",
    )

    def __init__(self, *args: Any, case: BusinessCase, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "version": case.version,
                "title": case.title,
                "strategic_case": case.strategic_case,
                "benefits_summary": case.benefits_summary,
                "risks": case.risks,
                "base_year": case.base_year,
                "requested_funding": funding_text(case.requested_funding),
                "equality_assessment": case.equality_assessment_id,
            }
            for item_id, answer in (case.checklist_answers or {}).items():
                kwargs["initial"][f"met_{item_id}"] = answer.get("met", False)
                kwargs["initial"][f"evidence_{item_id}"] = answer.get("evidence", "")
        super().__init__(*args, **kwargs)
        self.fields["equality_assessment"].queryset = EqualityImpactAssessment.objects.filter(  # type: ignore[attr-defined]
            programme_id=case.gate.programme_id
        )
        self.checklist = list(case.gate.checklist.all())
        for item in self.checklist:
            label = f"{item.text}{'' if item.mandatory else ' (optional)'}"
            self.fields[f"met_{item.pk}"] = forms.BooleanField(
                required=False, label=f"Met: {label}"
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                required=False, label=f"Evidence for: {item.text}", max_length=500
            )

    def clean_requested_funding(self) -> dict[str, str]:
        return parse_funding_text(self.cleaned_data["requested_funding"])

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "strategic_case",
                "benefits_summary",
                "risks",
                "base_year",
                "requested_funding",
                "equality_assessment",
            )
        }
        data["checklist_answers"] = {
            str(item.pk): {
                "met": self.cleaned_data.get(f"met_{item.pk}", False),
                "evidence": self.cleaned_data.get(f"evidence_{item.pk}", ""),
            }
            for item in self.checklist
        }
        return data


class OptionForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_recommended = forms.BooleanField(required=False, label="This is the recommended option")
    costs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=LINES_HELP
    )
    benefits = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=LINES_HELP
    )
    optimism_bias = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Optimism bias",
        help_text="One cost line a line, with its uplift as a fraction: Staff | 0.24",
    )

    def clean_costs(self) -> dict[str, dict[str, str]]:
        return parse_lines_text(self.cleaned_data["costs"])

    def clean_benefits(self) -> dict[str, dict[str, str]]:
        return parse_lines_text(self.cleaned_data["benefits"])

    def clean_optimism_bias(self) -> dict[str, str]:
        return parse_bias_text(self.cleaned_data["optimism_bias"])

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class GateRequestForm(forms.Form):
    business_case = forms.ModelChoiceField(
        queryset=BusinessCase.objects.none(), label="Business case version", empty_label=None
    )
    requested = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Funding requested for the next stage only",
        help_text=FUNDING_HELP + ". Leave empty to ask for the business case's figures.",
    )

    def __init__(self, *args: Any, work_package: Any, gate: Gate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_case"].queryset = BusinessCase.objects.filter(  # type: ignore[attr-defined]
            work_package=work_package, gate=gate
        ).order_by("-number")
        self.fields["business_case"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"Version {c.number}: {c.title} ({c.get_status_display().lower()})"
        )

    def clean_requested(self) -> dict[str, str] | None:
        text = self.cleaned_data["requested"]
        return parse_funding_text(text) if text.strip() else None

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class QualityAssuranceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        choices=[("forward", "Forward for decision"), ("return", "Return with comments")],
        widget=forms.RadioSelect,
        label="Quality assurance",
    )
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when you return the request",
    )


class _DecisionParticulars(forms.Form):
    """What a decision record names besides its outcome: date, Forward Plan, consultees."""

    decided_on = forms.DateField(widget=_DateInput(), label="Date of the decision")
    forward_plan_reference = forms.CharField(
        max_length=40, required=False, label="Forward Plan reference"
    )
    decision_maker_title = forms.CharField(
        max_length=300, required=False, help_text="Name and title as the decision record shows them"
    )
    s151_officer = forms.CharField(max_length=200, required=False, label="S151 officer")
    s151_consulted_on = forms.DateField(
        widget=_DateInput(), required=False, label="S151 officer consulted on"
    )
    monitoring_officer = forms.CharField(max_length=200, required=False)
    monitoring_officer_consulted_on = forms.DateField(
        widget=_DateInput(), required=False, label="Monitoring Officer consulted on"
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_released(self) -> dict[str, str]:
        return parse_funding_text(self.cleaned_data["released"])

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FundingDecisionForm(_DecisionParticulars):
    """A drawdown the Cabinet Member for Finance approves outside any gate (§7.1): it draws the
    money from the reserve itself."""

    field_order = ["subject", "released"]
    subject = forms.CharField(max_length=300, label="What the decision is about")
    released = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Drawdown from the reserve",
        help_text=FUNDING_HELP,
    )


class DecisionForm(_DecisionParticulars):
    field_order = ["outcome", "released", "conditions"]
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    released = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Funding released",
        help_text=FUNDING_HELP + ". No more than was requested; empty for stage progress only.",
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For an approval with conditions, one a line: what | owner's username | due date "
        "(YYYY-MM-DD)",
    )

    def clean_conditions(self) -> list[dict[str, Any]]:
        conditions = []
        for number, line in enumerate(self.cleaned_data["conditions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = _parts(line)
            if len(parts) != 3:
                raise forms.ValidationError(
                    f"Line {number}: write it like Baseline the benefits | pmo | 2024-05-01."
                )
            description, username, due = parts
            owner = User.objects.filter(username=username, is_active=True).first()
            if owner is None:
                raise forms.ValidationError(f"Line {number}: nobody signs in as {username!r}.")
            try:
                due_on = dt.date.fromisoformat(due)
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number}: write the due date as YYYY-MM-DD."
                ) from None
            conditions.append({"description": description, "owner": owner, "due_on": due_on})
        return conditions


class CorrectionForm(forms.Form):
    correction_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What was wrong"
    )
    subject = forms.CharField(max_length=300)
    decided_on = forms.DateField(widget=_DateInput(), label="Date of the decision")
    forward_plan_reference = forms.CharField(
        max_length=40, required=False, label="Forward Plan reference"
    )
    decision_maker_title = forms.CharField(max_length=300, required=False)
    s151_officer = forms.CharField(max_length=200, required=False, label="S151 officer")
    s151_consulted_on = forms.DateField(
        widget=_DateInput(), required=False, label="S151 officer consulted on"
    )
    monitoring_officer = forms.CharField(max_length=200, required=False)
    monitoring_officer_consulted_on = forms.DateField(
        widget=_DateInput(), required=False, label="Monitoring Officer consulted on"
    )
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EqualityAssessmentForm(forms.Form):
    reference = forms.CharField(max_length=40, help_text="e.g. ECIA458492761")
    title = forms.CharField(max_length=300)
    assessed_on = forms.DateField(widget=_DateInput(), label="Date of the assessment")
    characteristics = forms.MultipleChoiceField(
        choices=ProtectedCharacteristic.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Protected characteristics considered",
        required=False,
    )
    outcome = forms.ChoiceField(choices=AssessmentOutcome.choices, widget=forms.RadioSelect)
    mitigations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AuthorityForm(forms.Form):
    role = forms.ChoiceField(choices=[])
    limit = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        label="Most one decision may release (£)",
        help_text="Empty for no limit; 0 for stage progress without new money",
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from openpmo.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.value) for r in Role]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ChecklistItemForm(forms.Form):
    text = forms.CharField(max_length=300, label="Evidence asked for")
    mandatory = forms.BooleanField(required=False, initial=True)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class GateForm(forms.Form):
    name = forms.CharField(max_length=100, label="Gate name")
    stage = forms.ChoiceField(label="The stage it closes")
    purpose = forms.CharField(max_length=500, required=False, label="The question it answers")
    requires_equality_assessment = forms.BooleanField(
        required=False, initial=True, label="Needs an equality impact assessment"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from openpmo.portfolio.choices import Stage

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = Stage.choices  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
