"""Forms of the programme register. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

from typing import Any

from django import forms

from openpmo.accounts.models import User
from openpmo.common import forms as common_forms
from openpmo.common.forms import DateInput as _DateInput
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage


class VersionedForm(common_forms.VersionedForm):
    active_people = ("owner", "sponsor", "lead")


class ProgrammeForm(VersionedForm):
    class Meta:
        model = Programme
        fields = ["name", "short_name", "organisation", "description", "start_date", "end_date"]
        widgets = {"start_date": _DateInput(), "end_date": _DateInput()}


class SeparationOfDutiesForm(forms.Form):
    enabled = forms.BooleanField(
        required=False,
        label="Keep duties separate",
        help_text="Whoever submits a gate request, business case or report cannot "
        "quality-assure, approve or decide it.",
    )
    reason = forms.CharField(
        label="Why are you changing it?", widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_data(self) -> dict[str, object]:
        return dict(self.cleaned_data)


class StrategicPriorityForm(VersionedForm):
    class Meta:
        model = StrategicPriority
        fields = ["title", "description"]


class PillarForm(VersionedForm):
    class Meta:
        model = Pillar
        fields = ["name", "objective", "sponsor", "order"]


class StrandForm(VersionedForm):
    class Meta:
        model = Strand
        fields = ["name", "description", "lead"]


class WorkPackageForm(VersionedForm):
    class Meta:
        model = WorkPackage
        fields = [
            "reference",
            "name",
            "description",
            "strand",
            "owner",
            "rag_status",
            "delivery_confidence",
            "delivery_confidence_reason",
            "baseline_start",
            "baseline_end",
            "forecast_start",
            "forecast_end",
            "budget_envelope",
            "strategic_priorities",
        ]
        widgets = {
            "baseline_start": _DateInput(),
            "baseline_end": _DateInput(),
            "forecast_start": _DateInput(),
            "forecast_end": _DateInput(),
            "strategic_priorities": forms.CheckboxSelectMultiple,
        }
        labels = {"budget_envelope": "Budget envelope (£)"}

    def __init__(
        self,
        *args: object,
        programme: Programme | None = None,
        user: Any = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            strands = Strand.objects.filter(pillar__programme=programme).select_related("pillar")
            if user is not None and self.instance.pk is not None:
                strands = strands.filter(pk__in=_strands_open_to(user, self.instance, strands))
            self.fields["strand"].queryset = strands  # type: ignore[attr-defined]
        if (
            user is not None
            and self.instance.pk is not None
            and not user.has_perm("portfolio.change_workpackage_envelope", self.instance)
        ):
            envelope = self.fields["budget_envelope"]
            envelope.disabled = True
            envelope.help_text = "Set by the PMO or the pillar's sponsor."
            self.fields["strategic_priorities"].queryset = StrategicPriority.objects.filter(
                programme=programme
            )  # type: ignore[attr-defined]
        self.fields["strand"].label_from_instance = lambda s: f"{s.pillar.name} – {s.name}"  # type: ignore[attr-defined]


class WorkPackageFilterForm(forms.Form):
    search = forms.CharField(required=False, label="Name or reference")
    pillar = forms.ModelChoiceField(
        queryset=Pillar.objects.all(), required=False, empty_label="All pillars"
    )
    stage = forms.ChoiceField(required=False)
    rag_status = forms.ChoiceField(required=False, label="RAG status")
    owner = forms.ChoiceField(required=False, label="Owner")

    def __init__(self, *args: object, **kwargs: object) -> None:
        from openpmo.portfolio.choices import RagStatus, Stage

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owners = User.objects.filter(owned_work_packages__isnull=False).distinct()
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            *((str(u.pk), u.get_full_name() or u.username) for u in owners.order_by("last_name")),
        ]
        self.fields["stage"].choices = [("", "All stages"), *Stage.choices]  # type: ignore[attr-defined]
        self.fields["rag_status"].choices = [("", "Any"), *RagStatus.choices, ("none", "Not set")]  # type: ignore[attr-defined]


def _strands_open_to(user: Any, work_package: WorkPackage, strands: Any) -> list[int]:
    """The strands ``user`` may put the work package in: its own pillar's, and other pillars'
    only when they may move it there (the PMO, or the sponsor of both pillars)."""
    here = work_package.strand.pillar
    may_leave = user.has_perm("portfolio.move_workpackage", here)
    return [
        strand.pk
        for strand in strands
        if strand.pillar_id == here.pk
        or (may_leave and user.has_perm("portfolio.move_workpackage", strand.pillar))
    ]


class StageCorrectionForm(forms.Form):
    """The PMO's correction of a stage recorded wrongly: stages otherwise move at gates."""

    stage = forms.ChoiceField(label="Correct stage")
    reason = forms.CharField(
        label="Why is the stage corrected?",
        help_text="What was recorded wrongly. The correction and its reason are kept in the history.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from openpmo.portfolio.choices import Stage

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["stage"].choices = Stage.choices  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, object]:
        return {"stage": self.cleaned_data["stage"], "reason": self.cleaned_data["reason"]}
