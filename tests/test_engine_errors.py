"""An engine's refusal reads the same on a form, in a service's ValidationError and in the API:
"<prefix><where>: <message>", on the field named; an engine error reaching the API is a 400."""

from __future__ import annotations

import pytest
from django import forms
from rest_framework.test import APIRequestFactory

from openpmo.api.exceptions import exception_handler
from openpmo.common.engine_errors import add_to_form, as_api_error, as_validation_error
from openpmo.core.errors import ParseError, ValidationError
from openpmo.core.money import FinancialYear


class _Form(forms.Form):
    document = forms.CharField()


def _refusal() -> ValidationError:
    try:
        FinancialYear.parse("2023/25", where="row 4")
    except ValidationError as error:
        return error
    raise AssertionError("the engine accepted 2023/25")


def test_a_service_error_names_the_field_the_place_and_what_was_being_done():
    error = as_validation_error(_refusal(), "year", prefix="The budget could not be read: ")
    assert error.message_dict == {
        "year": [
            "The budget could not be read: row 4: '2023/25' is not a financial year: "
            "the second year must follow the first"
        ]
    }
    assert as_validation_error(_refusal(), with_where=False).messages == [_refusal().message]


def test_a_form_shows_the_same_text_on_its_field():
    form = _Form({"document": "x"})
    assert form.is_valid()
    add_to_form(form, _refusal(), "document")
    assert not form.is_valid()
    assert form.errors["document"] == [str(_refusal())]


def test_the_api_says_the_same_as_a_400():
    assert as_api_error(_refusal(), "year").detail == {"year": [str(_refusal())]}
    request = APIRequestFactory().get("/api/v1/anything/")
    response = exception_handler(ParseError("is not YAML", where="line 3"), {"request": request})
    assert response is not None
    assert response.status_code == 400
    assert response.data == ["line 3: is not YAML"]


@pytest.mark.parametrize("error", [ParseError("bad"), ValidationError("worse", where="x")])
def test_every_engine_refusal_is_an_input_problem_not_a_500(error):
    response = exception_handler(error, {"request": APIRequestFactory().get("/")})
    assert response is not None and response.status_code == 400
