from __future__ import annotations

from django import forms


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label="Register file",
        help_text="An Excel workbook (.xlsx) or CSV file (.csv), one work package a row, with "
        "the headings of the template.",
    )
