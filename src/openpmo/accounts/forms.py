from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from openpmo.accounts.roles import Role
from openpmo.accounts.sponsorship import sponsorship


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask the PMO to reactivate it.",
    }


class _PersonFields(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    job_title = forms.CharField(max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        choices=[(r.value, f"{r.value} – {r.description}") for r in Role],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pillars = forms.ModelMultipleChoiceField(
        queryset=None,  # the pillars portfolio registers (set per form)
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Pillars they sponsor",
        help_text="A pillar has one sponsor: choosing one here moves it from its current sponsor.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillars"].queryset = sponsorship().choices()  # type: ignore[attr-defined]


class InviteForm(_PersonFields):
    email = forms.EmailField(label="Email address")
    field_order = ["email", "first_name", "last_name", "job_title", "roles", "pillars"]


class PersonForm(_PersonFields):
    pass
