"""The slippage impact page: what moves if a work package slips, and the benefits at risk. Its
address stays under the programme schedule's (``/delivery/slippage/``), where its form is."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openpmo.delivery.forms import SlippageForm
from openpmo.impact import selectors
from openpmo.portfolio.selectors import programme_in_scope_or_404


def slippage(request: HttpRequest) -> HttpResponse:
    programme = programme_in_scope_or_404(request)
    form = SlippageForm(request.GET or None, programme=programme)
    impact = None
    if form.is_valid():
        impact = selectors.slippage_impact(
            programme, form.cleaned_data["work_package"], form.cleaned_data["weeks"]
        )
    return render(
        request,
        "impact/slippage.html",
        {
            "programme": programme,
            "form": form,
            "impact": impact.schedule if impact else None,
            "benefits": impact.benefits if impact else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
