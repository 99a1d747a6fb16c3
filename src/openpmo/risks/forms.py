"""Forms of the RAID register. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from openpmo.common import forms as common_forms
from openpmo.common.forms import DateInput as _DateInput
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.risks import delivery_link, scoring
from openpmo.risks.choices import BandColour, Category, ItemKind, ItemStatus, Level
from openpmo.risks.models import RaidAction, RaidItem

SCORE_CHOICES = [("", "Not assessed"), *((str(n), str(n)) for n in scoring.SCALE)]


class VersionedForm(common_forms.VersionedForm):
    active_people = ("owner",)


def _score_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
    )


ITEM_FIELDS = [
    "title",
    "description",
    "category",
    "owner",
    "status",
    "raised_on",
    "proximity_date",
    "target_date",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
    "response",
    "mitigation",
    "decision",
    "chance",
    "cost_min",
    "cost_likely",
    "cost_max",
    "delay_min",
    "delay_likely",
    "delay_max",
]


class RaidItemForm(VersionedForm):
    inherent_probability = _score_field("Probability before the response (1 to 5)")
    inherent_impact = _score_field("Impact before the response (1 to 5)")
    residual_probability = _score_field("Residual probability (1 to 5)")
    residual_impact = _score_field("Residual impact (1 to 5)")
    hits = forms.MultipleChoiceField(
        label="Tasks it delays when it happens",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for the work package as a whole",
    )

    class Meta:
        model = RaidItem
        fields = ITEM_FIELDS
        widgets = {
            "raised_on": _DateInput(),
            "proximity_date": _DateInput(),
            "target_date": _DateInput(),
        }
        labels = {
            "cost_min": "Cost if it happens: minimum (£)",
            "cost_likely": "Cost if it happens: most likely (£)",
            "cost_max": "Cost if it happens: maximum (£)",
        }

    def __init__(
        self, *args: Any, kind: str, work_package: WorkPackage | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.work_package = work_package
        if kind != ItemKind.RISK:
            for name in (
                "chance",
                "cost_min",
                "cost_likely",
                "cost_max",
                "delay_min",
                "delay_likely",
                "delay_max",
                "response",
                "hits",
            ):
                self.fields.pop(name, None)
        if kind == ItemKind.ASSUMPTION:
            self.fields["inherent_probability"].label = "Probability it proves wrong (1 to 5)"
            self.fields["inherent_impact"].label = "Impact if it proves wrong (1 to 5)"
            self.fields["mitigation"].label = "How it is being checked"
        if kind == ItemKind.ISSUE:
            for name in (
                "inherent_probability",
                "residual_probability",
                "residual_impact",
                "proximity_date",
            ):
                self.fields.pop(name, None)
            self.fields["inherent_impact"].label = "Impact (1 to 5)"
        if kind == ItemKind.RISK and work_package is None:
            self.fields["hit_packages"] = forms.ModelMultipleChoiceField(
                label="Work packages it delays when it happens",
                queryset=self._packages_in_scope(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Each as a whole; for simulation",
            )
            if self.instance.pk:
                self.fields["hit_packages"].initial = [
                    h.work_package_id for h in self.instance.hits.all()
                ]
        if "hits" in self.fields:
            tasks = delivery_link.schedule_tasks_of(work_package) if work_package else []
            if tasks:
                self.fields["hits"].choices = [(str(uid), name) for uid, name in tasks]
                if self.instance.pk:
                    self.fields["hits"].initial = [
                        str(h.task_uid) for h in self.instance.hits.all() if h.task_uid is not None
                    ]
            else:
                self.fields.pop("hits")
        if self.instance.pk is None:
            self.fields.pop("status")
        if "decision" in self.fields:
            from openpmo.gates.models import Decision

            self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
                programme_id=self.instance.programme_id
            ).order_by("-decided_on", "-id")
            self.fields[
                "decision"
            ].help_text = "The decision in the gate decision log that settled it"

    def _packages_in_scope(self) -> Any:
        """The work packages under the item's level (all the programme's at programme level)."""
        packages = WorkPackage.objects.filter(
            strand__pillar__programme_id=self.instance.programme_id
        )
        if self.instance.level == Level.STRAND:
            packages = packages.filter(strand_id=self.instance.strand_id)
        elif self.instance.level == Level.PILLAR:
            packages = packages.filter(strand__pillar_id=self.instance.pillar_id)
        return packages.order_by("reference")

    def service_data(self) -> dict[str, Any]:
        """The item's fields, and ``hits`` when the form asked which tasks or packages it hits."""
        data = super().service_data()
        packages = data.pop("hit_packages", None)
        uids = data.pop("hits", None)
        if packages is not None:
            data["hits"] = [(wp, None) for wp in packages]
        elif uids is not None and self.work_package is not None:
            data["hits"] = [(self.work_package, int(uid)) for uid in uids] or [
                (self.work_package, None)
            ]
        return data


class PlaceForm(forms.Form):
    """Where a new item belongs: its kind and the level (one of the rows below)."""

    kind = forms.ChoiceField(choices=ItemKind.choices, widget=forms.RadioSelect)
    level = forms.ChoiceField(choices=Level.choices, widget=forms.RadioSelect)
    work_package = forms.ModelChoiceField(queryset=WorkPackage.objects.none(), required=False)
    strand = forms.ModelChoiceField(queryset=Strand.objects.none(), required=False)
    pillar = forms.ModelChoiceField(queryset=Pillar.objects.none(), required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_package"].queryset = WorkPackage.objects.filter(  # type: ignore[attr-defined]
            strand__pillar__programme=programme
        )
        self.fields["strand"].queryset = Strand.objects.filter(pillar__programme=programme)  # type: ignore[attr-defined]
        self.fields["pillar"].queryset = Pillar.objects.filter(programme=programme)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("level")
        if level and level != Level.PROGRAMME and not data.get(level):
            self.add_error(level, f"Choose the {Level(level).label.lower()} the item belongs to.")
        return data


class _PlainForm(forms.Form):
    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EscalateForm(_PlainForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Why is it escalated?", max_length=4000
    )


class RaiseIssueForm(_PlainForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(max_length=200, label="Title of the issue")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    inherent_impact = forms.TypedChoiceField(
        label="Impact (1 to 5)", choices=SCORE_CHOICES[1:], coerce=int
    )


class RaidActionForm(VersionedForm):
    class Meta:
        model = RaidAction
        fields = ["description", "owner", "due_on", "status", "progress_note"]
        widgets = {"due_on": _DateInput(), "description": forms.Textarea(attrs={"rows": 3})}


class AppetiteForm(_PlainForm):
    max_score = forms.IntegerField(
        label="Highest acceptable score (1 to 25)", min_value=1, max_value=25
    )
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MatrixForm(forms.Form):
    """Five probability labels, five impact labels, and up to five score bands."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, matrix: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in scoring.SCALE:
            self.fields[f"probability_{n}"] = forms.CharField(
                label=f"Probability {n}", initial=matrix.probability_labels[n - 1], max_length=100
            )
        for n in scoring.SCALE:
            self.fields[f"impact_{n}"] = forms.CharField(
                label=f"Impact {n}", initial=matrix.impact_labels[n - 1], max_length=100
            )
        bands = list(matrix.bands) + [{}] * (5 - len(matrix.bands))
        for n, band in enumerate(bands[:5], start=1):
            self.fields[f"band_{n}_label"] = forms.CharField(
                label=f"Band {n} label",
                required=False,
                initial=band.get("label", ""),
                max_length=40,
            )
            self.fields[f"band_{n}_up_to"] = forms.IntegerField(
                label=f"Band {n} covers scores up to",
                required=False,
                min_value=1,
                max_value=25,
                initial=band.get("up_to"),
            )
            self.fields[f"band_{n}_colour"] = forms.ChoiceField(
                label=f"Band {n} colour",
                choices=BandColour.choices,
                required=False,
                initial=band.get("colour", "green"),
            )
        if matrix.pk:
            self.fields["version"].initial = matrix.version

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        bands = [
            {
                "up_to": data[f"band_{n}_up_to"],
                "label": data[f"band_{n}_label"],
                "colour": data[f"band_{n}_colour"] or "green",
            }
            for n in range(1, 6)
            if data.get(f"band_{n}_label") or data.get(f"band_{n}_up_to")
        ]
        return {
            "probability_labels": [data[f"probability_{n}"] for n in scoring.SCALE],
            "impact_labels": [data[f"impact_{n}"] for n in scoring.SCALE],
            "bands": bands,
        }


def _factors(text: str, name: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise ValidationError(
            f"Give the {name} as two numbers separated by a comma, like 0.8,1.5."
        ) from None
    return low, high


class SimulationForm(forms.Form):
    iterations = forms.IntegerField(initial=10_000, min_value=100, max_value=200_000)
    seed = forms.IntegerField(
        required=False, min_value=0, max_value=2**62, help_text="Leave empty for a new random seed"
    )
    spread = forms.CharField(
        initial="0.8,1.5",
        label="Duration spread (minimum and maximum factors)",
        help_text="Each duration's minimum and maximum as factors of its most likely, e.g. 0.8,1.5",
    )
    cost_spread = forms.CharField(
        initial="0.9,1.3",
        label="Cost spread (minimum and maximum factors)",
        help_text="Applied to each work package's budget envelope",
    )
    correlation = forms.FloatField(
        initial=0.3,
        min_value=0,
        max_value=1,
        label="Correlation within a strand (0 to 1)",
        help_text="Programme runs only: how far the work packages of a strand move together",
    )

    def clean_spread(self) -> tuple[float, float]:
        return _factors(self.cleaned_data["spread"], "duration spread")

    def clean_cost_spread(self) -> tuple[float, float]:
        return _factors(self.cleaned_data["cost_spread"], "cost spread")

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RegisterFilterForm(forms.Form):
    search = forms.CharField(required=False, label="Title or reference")
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *ItemKind.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ItemStatus.choices])
    category = forms.ChoiceField(
        required=False, choices=[("", "All categories"), *Category.choices]
    )
    pillar = forms.ModelChoiceField(
        queryset=Pillar.objects.all(), required=False, empty_label="All pillars"
    )
