"""The form round trip every app's pages share: run a service on valid input and, on refusal,
put its reasons on the form (nothing was saved) and show the form again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openpmo.common.services import ConflictError


class DateInput(forms.DateInput):
    """The browser's date picker, the value written ``2024-03-31``."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """The browser's time picker, the value written ``17:30``."""

    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class VersionedForm(forms.ModelForm):  # type: ignore[type-arg]
    """Carries the version the editor loaded, so a stale save is refused, not lost. The fields
    named in ``active_people`` offer only the people whose accounts are active."""

    active_people: tuple[str, ...] = ()

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version
        for name in self.active_people:
            if name in self.fields:
                people = get_user_model().objects.filter(is_active=True)
                self.fields[name].queryset = people  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields for the service, without ``version`` (passed on its own)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def add_refusal(form: Any, error: Exception, *, name_other_fields: bool = False) -> None:
    """A service's refusal onto ``form``: each field's messages on that field where the form has
    it, the rest in the error summary (there headed by the field's name if
    ``name_other_fields``); a conflict or any other refusal as its message."""
    if not isinstance(error, ValidationError):
        form.add_error(None, str(error))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        target = field if field in form.fields else None
        for message in problems:
            named = name_other_fields and target is None
            form.add_error(target, f"{_label(field)}: {message}" if named else message)


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize() if field != "__all__" else "Problem"


def save_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any],
    success: str,
    *,
    target: Callable[[Any], str] | None = None,
    refusal_on_form: bool = False,
    name_other_fields: bool = False,
) -> HttpResponse:
    """Run ``save`` on the form's ``service_data()`` when it is valid, say ``success`` and go to
    the saved record (or ``target(record)``); otherwise show the form again (400) with every
    error. ``refusal_on_form``: a permission refusal is said on the form (403) rather than on
    the error page."""
    if form.is_valid():
        try:
            obj = save(form.service_data())
        except (ValidationError, ConflictError) as error:
            add_refusal(form, error, name_other_fields=name_other_fields)
        except PermissionDenied as error:
            if not refusal_on_form:
                raise
            # e.g. a sponsor naming two work packages outside their pillars: say so on the form
            form.add_error(None, str(error) or "Your role does not allow this.")
            return render(request, template, {**context, "form": form}, status=403)
        else:
            messages.success(request, success.format(obj=obj))
            return redirect(target(obj) if target else obj)
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)
