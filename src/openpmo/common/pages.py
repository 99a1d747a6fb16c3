"""What a list page does with its query string: the filters the reader set, and one page of the
rows with the query to keep on the page links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def filter_criteria(filters: forms.Form) -> dict[str, Any]:
    """The filters the reader set: each non-blank value of a valid filter form (none otherwise)."""
    if not filters.is_valid():
        return {}
    return {name: value for name, value in filters.cleaned_data.items() if value}


def page_of(request: HttpRequest, rows: Any, per_page: int = 50) -> tuple[Page[Any], str]:
    """The page ``?page=`` asks for (the last for one past it, the first for nonsense) and the
    query string without ``page``, for the links to the other pages."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
