"""Forms of the delivery app. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms

from openpmo.accounts.models import User
from openpmo.common import uploads
from openpmo.common.forms import DateInput as _DateInput
from openpmo.common.forms import TimeInput as _TimeInput
from openpmo.common.forms import VersionedForm
from openpmo.delivery.choices import Constraint, InterdependencyStatus, InterdependencyType
from openpmo.delivery.models import (
    WEEKDAYS,
    Interdependency,
    ProgrammeCalendar,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.portfolio.models import Programme, WorkPackage


class CalendarForm(VersionedForm):
    working_days = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAYS)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Days worked every week; bank holidays are listed below",
    )

    class Meta:
        model = ProgrammeCalendar
        fields = [
            "name",
            "working_days",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
        ]
        widgets = {
            "morning_start": _TimeInput(),
            "morning_end": _TimeInput(),
            "afternoon_start": _TimeInput(),
            "afternoon_end": _TimeInput(),
        }


class CalendarExceptionForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. Christmas closure")
    first = forms.DateField(label="First day off", widget=_DateInput())
    last = forms.DateField(label="Last day off", widget=_DateInput())

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ScheduleStartForm(VersionedForm):
    class Meta:
        model = WorkPackageSchedule
        fields = ["start"]
        widgets = {"start": _DateInput()}
        labels = {"start": "Schedule starts on"}


class TaskForm(VersionedForm):
    """A task or milestone; the duration is entered in working days of the programme calendar."""

    duration_days = forms.DecimalField(
        label="Duration (working days)",
        min_value=Decimal(0),
        max_value=Decimal(100000),
        decimal_places=2,
        required=False,
        help_text="0 for a milestone",
    )

    class Meta:
        model = ScheduleTask
        fields = [
            "name",
            "kind",
            "parent",
            "constraint",
            "constraint_date",
            "manual",
            "start",
            "finish",
            "gate_stage",
        ]
        widgets = {
            "constraint_date": _DateInput(),
            "start": _DateInput(),
            "finish": _DateInput(),
        }
        labels = {"parent": "Sits under (summary task)", "gate_stage": "Stage gate"}

    def __init__(self, *args: Any, minutes_per_day: int, schedule: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.minutes_per_day = minutes_per_day
        summaries = ScheduleTask.objects.none()
        if schedule is not None:
            summaries = ScheduleTask.objects.filter(schedule=schedule, kind="summary")
            if self.instance.pk is not None:
                summaries = summaries.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = summaries  # type: ignore[attr-defined]
        self.fields["parent"].required = False
        self.fields["constraint"].initial = Constraint.AS_SOON_AS_POSSIBLE
        if self.instance.pk is not None:
            self.fields["duration_days"].initial = (
                Decimal(self.instance.duration_minutes) / Decimal(minutes_per_day)
            ).quantize(Decimal("0.01"))

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        days = data.pop("duration_days") or Decimal(0)
        data["duration_minutes"] = int(
            (days * self.minutes_per_day).to_integral_value(rounding=ROUND_HALF_UP)
        )
        return data


class LinkForm(forms.Form):
    predecessor = forms.ModelChoiceField(queryset=ScheduleTask.objects.none())
    successor = forms.ModelChoiceField(queryset=ScheduleTask.objects.none())
    type = forms.ChoiceField(
        choices=[
            ("FS", "Finish to start"),
            ("SS", "Start to start"),
            ("FF", "Finish to finish"),
            ("SF", "Start to finish"),
        ],
        initial="FS",
    )
    lag_days = forms.DecimalField(
        label="Lag (working days)",
        required=False,
        decimal_places=2,
        max_digits=8,
        help_text="Negative for a lead (overlap)",
    )

    def __init__(self, *args: Any, schedule: Any, minutes_per_day: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.minutes_per_day = minutes_per_day
        tasks = ScheduleTask.objects.filter(schedule=schedule).order_by("position", "uid")
        self.fields["predecessor"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["successor"].queryset = tasks  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        days = data.pop("lag_days") or Decimal(0)
        data["lag_minutes"] = int(
            (days * self.minutes_per_day).to_integral_value(rounding=ROUND_HALF_UP)
        )
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Microsoft Project XML file",
        help_text="In Microsoft Project: File, Save As, XML format (*.xml). "
        "It replaces this work package's schedule.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_file(self) -> Any:
        return uploads.checked(uploads.SCHEDULE, self.cleaned_data["file"])


class InterdependencyForm(VersionedForm):
    class Meta:
        model = Interdependency
        fields = [
            "type",
            "from_work_package",
            "from_milestone",
            "to_work_package",
            "to_task",
            "description",
            "owner",
            "need_by",
            "status",
            "lag_days",
        ]
        widgets = {"need_by": _DateInput()}

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        packages = WorkPackage.objects.select_related("strand__pillar").order_by("reference")
        milestones = ScheduleTask.objects.filter(kind="milestone").select_related(
            "schedule__work_package"
        )
        if programme is not None:
            packages = packages.filter(strand__pillar__programme=programme)
            milestones = milestones.filter(
                schedule__work_package__strand__pillar__programme=programme
            )
        for name in ("from_work_package", "to_work_package"):
            self.fields[name].queryset = packages  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = lambda wp: f"{wp.reference} {wp.name}"  # type: ignore[attr-defined]
        tasks = ScheduleTask.objects.exclude(kind="milestone").select_related(
            "schedule__work_package"
        )
        if programme is not None:
            tasks = tasks.filter(schedule__work_package__strand__pillar__programme=programme)
        self.fields["to_task"].queryset = tasks.order_by(  # type: ignore[attr-defined]
            "schedule__work_package__reference", "position"
        )
        self.fields["to_task"].label_from_instance = (  # type: ignore[attr-defined]
            lambda t: f"{t.schedule.work_package.reference}: {t.name}"
        )
        self.fields["from_milestone"].queryset = milestones.order_by(  # type: ignore[attr-defined]
            "schedule__work_package__reference", "position"
        )
        self.fields["from_milestone"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.schedule.work_package.reference}: {m.name}"
        )
        self.fields["owner"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]


class InterdependencyFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    type = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *InterdependencyStatus.choices]  # type: ignore[attr-defined]
        self.fields["type"].choices = [("", "Any type"), *InterdependencyType.choices]  # type: ignore[attr-defined]


class SlippageForm(forms.Form):
    work_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.none(), label="If this work package slips"
    )
    weeks = forms.IntegerField(label="By how many weeks", min_value=1, max_value=260, initial=4)

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        packages = WorkPackage.objects.order_by("reference")
        if programme is not None:
            packages = packages.filter(strand__pillar__programme=programme)
        self.fields["work_package"].queryset = packages  # type: ignore[attr-defined]
        self.fields["work_package"].label_from_instance = lambda wp: f"{wp.reference} {wp.name}"  # type: ignore[attr-defined]


class MilestoneAchievedForm(VersionedForm):
    """The day a milestone was achieved and what shows it."""

    class Meta:
        model = ScheduleTask
        fields = ["achieved_on", "achieved_evidence"]
        widgets = {"achieved_evidence": forms.Textarea(attrs={"rows": 4})}
        labels = {"achieved_on": "Achieved on", "achieved_evidence": "Evidence"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achieved_on"].required = True
        self.fields["achieved_evidence"].required = True

    def service_data(self) -> dict[str, Any]:
        return {
            "achieved_on": self.cleaned_data["achieved_on"],
            "evidence": self.cleaned_data["achieved_evidence"],
        }
