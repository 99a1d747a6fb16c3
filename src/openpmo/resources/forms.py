"""Forms of resources. They only shape input: the rules live in ``services.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from openpmo.common.forms import DateInput as _DateInput
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources.choices import Sourcing
from openpmo.resources.models import Contract, Person, ResourceRole, Supplier
from openpmo.resources.selectors import Hire, WhatIf


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "role",
            "employment",
            "fte",
            "available_from",
            "available_to",
            "team_role",
            "day_rate",
            "supplier",
            "skills",
        ]
        widgets = {"available_from": _DateInput(), "available_to": _DateInput()}

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].queryset = ResourceRole.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["supplier"].queryset = Supplier.objects.filter(programme=programme)  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, object]:
        return dict(self.cleaned_data)


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel workbook (.xlsx)")


class DemandRowForm(forms.Form):
    role = forms.ModelChoiceField(queryset=ResourceRole.objects.none())
    month = forms.DateField(widget=_DateInput(), help_text="Any day of the month")
    fte = forms.DecimalField(label="FTE", max_digits=6, decimal_places=2)

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].queryset = ResourceRole.objects.filter(programme=programme)  # type: ignore[attr-defined]


class WhatIfForm(forms.Form):
    """Hire n of a role from a month; move a package's start; switch a package's sourcing."""

    hire_role = forms.ModelChoiceField(
        queryset=ResourceRole.objects.none(), required=False, label="Hire people in the role"
    )
    hire_count = forms.IntegerField(min_value=1, max_value=50, required=False, label="How many")
    hire_from = forms.DateField(widget=_DateInput(), required=False, label="From (month)")
    move_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.none(), required=False, label="Move a work package"
    )
    move_months = forms.IntegerField(
        min_value=-36, max_value=36, required=False, label="By months (negative: earlier)"
    )
    switch_package = forms.ModelChoiceField(
        queryset=WorkPackage.objects.none(), required=False, label="Switch a work package"
    )
    switch_mode = forms.ChoiceField(
        choices=[("", "–"), *Sourcing.choices], required=False, label="To"
    )

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        packages = WorkPackage.objects.filter(strand__pillar__programme=programme).order_by(
            "reference"
        )
        self.fields["hire_role"].queryset = ResourceRole.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["move_package"].queryset = packages  # type: ignore[attr-defined]
        self.fields["switch_package"].queryset = packages  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("hire_role") and not (data.get("hire_count") and data.get("hire_from")):
            self.add_error("hire_count", "Say how many to hire and from which month.")
        if data.get("move_package") and data.get("move_months") is None:
            self.add_error("move_months", "Say by how many months to move the package.")
        if data.get("switch_package") and not data.get("switch_mode"):
            self.add_error("switch_mode", "Choose in-house, partner or hybrid.")
        return data

    def what_if(self) -> WhatIf:
        data = self.cleaned_data
        hires = ()
        if data.get("hire_role"):
            hire_from: dt.date = data["hire_from"]
            hires = (Hire(data["hire_role"].pk, data["hire_count"], hire_from.replace(day=1)),)
        moves = (
            ((data["move_package"].pk, data["move_months"]),) if data.get("move_package") else ()
        )
        switches = (
            ((data["switch_package"].pk, data["switch_mode"]),)
            if data.get("switch_package")
            else ()
        )
        return WhatIf(hires=hires, moves=moves, switches=switches)


class HybridForm(forms.Form):
    share = forms.DecimalField(
        label="Partner share of a hybrid (0 to 1)",
        min_value=Decimal(0),
        max_value=Decimal(1),
        initial=Decimal("0.5"),
        max_digits=3,
        decimal_places=2,
    )


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "kind", "contact", "notes"]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["supplier", "reference", "value", "start", "end", "deliverables", "work_packages"]
        widgets = {"start": _DateInput(), "end": _DateInput()}

    def __init__(self, *args: object, programme: Programme, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["supplier"].queryset = Supplier.objects.filter(programme=programme)  # type: ignore[attr-defined]
        self.fields["work_packages"].queryset = WorkPackage.objects.filter(  # type: ignore[attr-defined]
            strand__pillar__programme=programme
        ).order_by("reference")
