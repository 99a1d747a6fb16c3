"""Every page shows money rounded half up, as the core rounds (issue 17): £2.50 is £3, not the
banker's £2, wherever it is printed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from openpmo.cli._finance_text import money as cli_money
from openpmo.common.money import money_text


def _page(value: object, places: int = 0) -> str:
    template = Template("{% load govuk %}{{ value|money:places }}")
    return template.render(Context({"value": value, "places": places}))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.50"), "£3"),
        (Decimal("1234.50"), "£1,235"),
        (Decimal("3.50"), "£4"),
        (Decimal("-2.50"), "(£3)"),
        (Decimal("1234"), "£1,234"),
        (None, "–"),
    ],
)
def test_a_page_rounds_whole_pounds_half_up(value, shown):
    assert _page(value) == shown
    assert money_text(value) == shown


def test_pence_round_half_up_too():
    assert _page(Decimal("0.125"), 2) == "£0.13"
    assert cli_money(Decimal("0.125")) == "0.13"


def test_charts_label_pounds_the_same_way():
    from types import SimpleNamespace

    from openpmo.common.charts import short_amount
    from openpmo.gates.charts import pipeline_bars
    from openpmo.risks.charts import _fmt

    queue = SimpleNamespace(
        gate=SimpleNamespace(name="G"), requested_total=Decimal("2.50"), count=1
    )
    assert "£3 (1 waiting)" in pipeline_bars(SimpleNamespace(queues=[queue]))
    assert short_amount(2_500, "£") == "£3k"  # an axis label, as the benefits and board pack charts
    assert _fmt(Decimal("1234.50"), money=True) == "£1,235"
