"""Forms of the benefits pages. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from openpmo.benefits.choices import GENERATED_SHAPES, Category, ProfileMethod, Unit
from openpmo.benefits.models import Benefit
from openpmo.benefits.profile_input import parse_month, parse_pasted, parse_value
from openpmo.common import uploads
from openpmo.common.fields import FinancialYearFormField
from openpmo.common.forms import DateInput as _DateInput
from openpmo.common.forms import VersionedForm
from openpmo.core.benefits import Month
from openpmo.portfolio.models import Pillar, Programme, StrategicPriority, WorkPackage


class MonthField(forms.CharField):
    """A month typed as 2024-04 (or Apr 2024), cleaned to a ``Month``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 2024-04")
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("spellcheck", "false")

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, Month) else value

    def clean(self, value: Any) -> Month | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        return parse_month(text)


class ValueField(forms.CharField):
    """A planned or actual value: positive, at most two decimal places, commas allowed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if text in (None, ""):
            return None
        return parse_value(text)


class BenefitForm(VersionedForm):
    """The register entry. Carries the version the editor loaded, so a stale save is refused."""

    active_people = ("owner", "steady_state_owner")

    class Meta:
        model = Benefit
        fields = [
            "reference",
            "title",
            "description",
            "category",
            "measure",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "steady_state_owner",
            "pillar",
            "work_packages",
            "strategic_objective",
            "confidence",
            "evidence_required",
            "carbon_scope",
            "carbon_method",
        ]
        widgets = {
            "baseline_date": _DateInput(),
            "target_date": _DateInput(),
            "work_packages": forms.CheckboxSelectMultiple,
            "category": forms.RadioSelect,
            "confidence": forms.RadioSelect,
        }
        labels = {
            "strategic_objective": "Strategic objective it serves",
            "steady_state_owner": "Owner in steady state (after handover)",
            "target_value": "Target (total benefit planned)",
            "carbon_scope": "Carbon scope",
            "carbon_method": "Carbon method",
        }

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.fields["pillar"].queryset = Pillar.objects.filter(programme=programme)  # type: ignore[attr-defined]
            self.fields["work_packages"].queryset = WorkPackage.objects.filter(  # type: ignore[attr-defined]
                strand__pillar__programme=programme
            ).select_related("strand__pillar")
            self.fields["strategic_objective"].queryset = StrategicPriority.objects.filter(  # type: ignore[attr-defined]
                programme=programme
            )
        self.fields["work_packages"].label_from_instance = (  # type: ignore[attr-defined]
            lambda wp: f"{wp.reference} {wp.name} ({wp.strand.pillar.name})"
        )
        self.fields["work_packages"].help_text = "Only work packages of the benefit's own pillar"
        self.fields["category"].choices = list(Category.choices)  # type: ignore[attr-defined]
        self.fields["confidence"].choices = [  # type: ignore[attr-defined]
            c
            for c in self.fields["confidence"].choices
            if c[0]  # type: ignore[attr-defined]
        ]


class ProfileGenerateForm(forms.Form):
    shape = forms.ChoiceField(
        choices=[
            (str(s), ProfileMethod(s).label.replace("Generated: ", "").capitalize())
            for s in GENERATED_SHAPES
        ],
        widget=forms.RadioSelect,
        help_text="Linear ramp rises steadily; S-curve starts slowly, peaks midway and tails off; "
        "step is the same amount every month",
    )
    total = ValueField(label="Total to spread over the months")
    first = MonthField(label="First month")
    last = MonthField(label="Last month")
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Required when re-baselining; the original profile is kept",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            self.add_error("last", "The last month must not be before the first month.")
        return data


class ProfilePasteForm(forms.Form):
    text = forms.CharField(
        label="Rows copied from a spreadsheet",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="A month and a value on each line (two columns copied from Excel), or values "
        "only with the first month given below",
    )
    first = MonthField(label="First month (when pasting values only)", required=False)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Required when re-baselining; the original profile is kept",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text"):
            try:
                data["months"] = parse_pasted(data["text"], first=data.get("first"))
            except ValidationError as error:
                self.add_error("text", error)
        return data


class ProfileEntryForm(forms.Form):
    """One field per month from ``first`` to ``last``: the profile typed month by month."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Required when re-baselining; the original profile is kept",
    )

    def __init__(
        self,
        *args: Any,
        first: Month,
        last: Month,
        initial_values: dict[Month, Decimal] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.month_names: list[tuple[Month, str]] = []
        for month in Month.span(first, last):
            name = f"m_{month.year:04d}_{month.month:02d}"
            self.fields[name] = ValueField(
                label=month.first_day.strftime("%B %Y"),
                required=False,
                initial=(initial_values or {}).get(month),
            )
            self.month_names.append((month, name))
        self.order_fields([name for _m, name in self.month_names] + ["reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        months = {
            month: data[name] for month, name in self.month_names if data.get(name) is not None
        }
        if not months and not self.errors:
            raise ValidationError("Enter a planned value for at least one month.")
        data["months"] = months
        return data


class ActualForm(forms.Form):
    month = MonthField(label="Month")
    value = ValueField(
        label="Actual value",
        help_text="In the benefit's unit; a dis-benefit as the size of the harm (positive)",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Evidence",
        help_text="What shows the figure is real (invoice, report, system extract …)",
    )
    attachment = forms.FileField(
        required=False,
        label="Attach evidence",
        help_text="A document, spreadsheet, image or email, up to 10 MB",
        validators=[lambda upload: uploads.checked(uploads.EVIDENCE, upload)],
    )
    correction_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why is the recorded figure corrected?",
        help_text="Needed when the month is already recorded: the earlier figure stays in the "
        "history with your reason",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExplanationForm(forms.Form):
    month = MonthField(label="Month")
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Why is the benefit behind plan?"
    )
    recovery_action = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What will bring it back on track?",
    )


class TrackerSettingsForm(forms.Form):
    green_percent = forms.DecimalField(
        label="Green from (% of plan)",
        min_value=0,
        max_value=1000,
        decimal_places=2,
        help_text="A benefit at exactly this share of plan is Green",
    )
    amber_percent = forms.DecimalField(
        label="Amber from (% of plan)",
        min_value=0,
        max_value=1000,
        decimal_places=2,
        help_text="Below the Green threshold and at or above this is Amber; below it, Red",
    )
    grace_months = forms.IntegerField(
        label="Months before a missing actual is late", min_value=0, max_value=12
    )
    carbon_contribution_target = forms.DecimalField(
        label="Carbon: tCO2e the programme aims to cut by March 2030",
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=14,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "green_threshold": (data["green_percent"] / 100).quantize(Decimal("0.0001")),
            "amber_threshold": (data["amber_percent"] / 100).quantize(Decimal("0.0001")),
            "grace_months": data["grace_months"],
            "carbon_contribution_target": data.get("carbon_contribution_target"),
        }


class SavingsLineForm(forms.Form):
    financial_year = FinancialYearFormField(
        label="Financial year", help_text="For example, 2024/25"
    )
    planned_savings = forms.DecimalField(
        label="Cashable savings in the MTFS (£)", min_value=0, decimal_places=2, max_digits=14
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the workbook holds",
        choices=[("benefits", "Benefits (the register)"), ("actuals", "Actuals by month")],
        widget=forms.RadioSelect,
    )
    workbook = forms.FileField(
        label="Excel workbook (.xlsx)",
        validators=[lambda upload: uploads.checked(uploads.SPREADSHEET, upload)],
    )


class TrackerFilterForm(forms.Form):
    as_of = forms.ChoiceField(label="As of month", required=False)
    pillar = forms.ModelChoiceField(
        queryset=Pillar.objects.none(), required=False, empty_label="All pillars"
    )

    def __init__(
        self, *args: Any, months: list[Month], pillars: list[Pillar], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].choices = [  # type: ignore[attr-defined]
            (str(m), m.first_day.strftime("%B %Y")) for m in months
        ]
        self.fields["pillar"].queryset = Pillar.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in pillars]
        )


class RegisterFilterForm(forms.Form):
    search = forms.CharField(required=False, label="Title or reference")
    pillar = forms.ModelChoiceField(
        queryset=Pillar.objects.all(), required=False, empty_label="All pillars"
    )
    category = forms.ChoiceField(
        required=False, choices=[("", "All categories"), *Category.choices]
    )
    unit = forms.ChoiceField(required=False, choices=[("", "All units"), *Unit.choices])
