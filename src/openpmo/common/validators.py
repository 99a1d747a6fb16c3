"""Validators the domains share."""

from __future__ import annotations

from django.core.validators import RegexValidator

# A reference travels into file names, spreadsheets and Microsoft Project XML: a line break, tab
# or other control character in it breaks those (an MSPDI export with a CR/LF in a task's name).
no_control_characters = RegexValidator(
    r"^[^\x00-\x1f\x7f]*\Z",
    "A reference cannot hold line breaks, tabs or other control characters.",
    code="control_characters",
)
