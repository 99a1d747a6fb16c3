"""Forms of the reports pages. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

import datetime as dt

from django import forms

from openpmo.common.forms import VersionedForm
from openpmo.portfolio.models import Pillar, WorkPackage
from openpmo.reports.choices import ReportKind
from openpmo.reports.models import Report


class MonthField(forms.CharField):
    """A month written 2024-03 (the browser's month picker sends this form)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})

    def to_python(self, value: object) -> dt.date | None:  # type: ignore[override]
        from openpmo.reports.selectors import parse_period

        text = super().to_python(value)
        if not text:
            return None
        period = parse_period(text)
        if period is None:
            raise forms.ValidationError("Enter the month like 2024-03.")
        return period


class ReportCreateForm(forms.Form):
    kind = forms.ChoiceField(label="Report", choices=ReportKind.choices)
    period = MonthField(label="Month reported on", help_text="For example, 2024-03")
    pillar = forms.ModelChoiceField(
        queryset=Pillar.objects.all(), required=False, help_text="For a pillar highlight report"
    )
    work_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.all(),
        required=False,
        help_text="For a work package highlight report",
    )

    def service_data(self) -> dict[str, object]:
        return dict(self.cleaned_data)


class ReportNarrativeForm(VersionedForm):
    """The author's part of a report; ``version`` refuses a stale save."""

    class Meta:
        model = Report
        fields = [
            "title",
            "overall_rag",
            "delivery_confidence",
            "confidence_reason",
            "progress_this_period",
            "next_period",
            "decisions_needed",
            "narrative",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.kind in (ReportKind.PILLAR_HIGHLIGHT, ReportKind.WORK_PACKAGE_HIGHLIGHT):
            del self.fields["narrative"]
        else:
            for name in (
                "overall_rag",
                "delivery_confidence",
                "confidence_reason",
                "progress_this_period",
                "next_period",
                "decisions_needed",
            ):
                del self.fields[name]


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label="What should the author change?", widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
