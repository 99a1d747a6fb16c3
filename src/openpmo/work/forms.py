from __future__ import annotations

from django import forms

from openpmo.work.choices import Frequency


class NotificationSettingForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How should OpenPMO email you?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
    )
