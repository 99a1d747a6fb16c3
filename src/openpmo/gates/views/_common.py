"""What the gates pages share: saving a form through a service, the programme in scope."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from openpmo.common.forms import add_refusal, save_form
from openpmo.portfolio.models import Programme
from openpmo.portfolio.selectors import programme_in_scope_or_404

# A refusal on a field the form lacks goes to the summary, headed by the field's name.
_save_form = partial(save_form, name_other_fields=True)
_add_errors = partial(add_refusal, name_other_fields=True)


def _programme(request: HttpRequest) -> Programme:
    return programme_in_scope_or_404(request)
