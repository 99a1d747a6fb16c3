"""The shared SVG chart kit (``openpmo.common.charts``) and the five chart modules drawn with it:
scales and tick choice, escaping, and that every chart is well-formed SVG named for screen readers
(each page pairs its chart with a table of the same figures: the apps' view tests check that)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 (types only; parsing is defusedxml's)
from decimal import Decimal
from types import SimpleNamespace

import pytest
from defusedxml.ElementTree import fromstring
from django.utils.safestring import SafeString, mark_safe

from openpmo.benefits.charts import cumulative_chart
from openpmo.common import charts as svg
from openpmo.core.benefits import CurvePoint, Month
from openpmo.delivery.charts import GanttArrow, GanttMilestone, GanttRow, gantt_svg
from openpmo.gates.charts import pipeline_bars
from openpmo.reports import charts as report_charts
from openpmo.risks import charts as risk_charts

HOSTILE = 'Drains <script>alert("x")</script> & "quotes"'


def _all(root: ET.Element, tag: str) -> list[ET.Element]:
    """The elements named ``tag``, whether or not the SVG declares its namespace."""
    return [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag]


# Scales and ticks


@pytest.mark.parametrize(
    ("span", "step"),
    [(0, 1), (3, 1), (9, 2), (12_000, 2_500), (40_000, 10_000), (999_999, 200_000), (4.2, 1)],
)
def test_a_step_is_round_and_gives_about_five_ticks(span, step):
    assert svg.nice_step(span) == step


def test_the_axis_widens_to_whole_steps_and_its_ticks_reach_both_ends():
    low, high, step = svg.axis_range(-1_300.0, 10_700.0)
    assert (low, high, step) == (-2_500.0, 12_500.0, 2_500.0)
    values = svg.ticks(low, high, step)
    assert values[0] == low and values[-1] == high and 0.0 in values and len(values) == 7


def test_an_all_zero_axis_is_still_one_step_tall():
    assert svg.axis_range(0.0, 0.0) == (0.0, 1.0, 1.0)


def test_a_vertical_scale_puts_larger_values_higher_and_a_flat_one_in_the_middle():
    y = svg.Scale(0, 100, 200, 20)  # bottom 200, top 20
    assert (y(0), y(100), y(50)) == (200, 20, 110)
    assert svg.Scale(5, 5, 0, 10)(5) == 5


def test_points_spread_across_the_width_and_bands_have_centres():
    assert svg.spread(3, 10, 100) == [10, 60, 110]
    assert svg.spread(1, 10, 100) == [60]
    assert svg.band_centres(4, 0, 100) == [12.5, 37.5, 62.5, 87.5]


@pytest.mark.parametrize(
    ("last", "months_between"),
    [
        (dt.date(2024, 12, 31), 1),
        (dt.date(2026, 6, 30), 3),
        (dt.date(2030, 1, 1), 6),
        (dt.date(2040, 1, 1), 12),
    ],
)
def test_month_ticks_thin_out_on_a_long_schedule(last, months_between):
    found = svg.month_ticks(dt.date(2024, 1, 1), last)
    assert found[0] == dt.date(2024, 1, 1) and all(t.day == 1 for t in found)
    gaps = {
        (b.year - a.year) * 12 + b.month - a.month for a, b in zip(found, found[1:], strict=False)
    }
    assert gaps == {months_between}
    assert len(found) <= 25


def test_month_ticks_start_no_earlier_than_the_first_day():
    assert svg.month_ticks(dt.date(2024, 1, 15), dt.date(2024, 3, 2)) == [
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 1),
    ]


def test_category_labels_thin_to_about_the_number_asked_and_keep_the_last():
    assert svg.label_indices(5, 8) == [0, 1, 2, 3, 4]
    shown = svg.label_indices(30, 12)
    assert shown[0] == 0 and shown[-1] == 29 and len(shown) <= 16


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (2_500, "£", "£3k"),
        (7_500, "£", "£8k"),
        (2.5, "£", "£3"),
        (1_250_000, "£", "£1.3m"),
        (-45_000, "£", "−£45k"),
        (12_345.4, "t", "12,345"),
        (0, "£", "£0"),
    ],
)
def test_axis_amounts_round_half_up_like_the_core(value, unit, text):
    assert svg.short_amount(value, unit) == text


# Elements and escaping


def test_text_and_attributes_are_escaped_and_markup_children_are_not_escaped_twice():
    bold = mark_safe("<b>kept</b>")
    made = svg.element("g", bold, HOSTILE, text=HOSTILE, data_note=HOSTILE, left_out=None)
    assert isinstance(made, SafeString)
    assert "<script>" not in made and "&lt;script&gt;" in made and "<b>kept</b>" in made
    assert 'data-note="Drains &lt;script&gt;' in made and "left-out" not in made
    assert svg.element("line", x1=3, y1=2.25) == '<line x1="3" y1="2.2"/>'


def test_a_document_is_named_by_its_title_and_description_and_points_to_its_table():
    doc = svg.document(
        [svg.label(1, 2, HOSTILE)],
        chart_id="c",
        title=HOSTILE,
        description="d",
        width=10,
        height=5,
        css_class="k",
        table_id="figures",
    )
    root = fromstring(doc)
    assert root.get("role") == "img" and root.get("aria-details") == "figures"
    assert root.get("viewBox") == "0 0 10 5" and root.get("class") == "k"
    assert [e.get("id") for e in root if e.tag in ("title", "desc")] == ["c-title", "c-desc"]
    assert root.find("title").text == HOSTILE  # escaped in the markup, whole when read


# Each chart: well-formed, named for screen readers, hostile text escaped


def _check(markup: str) -> ET.Element:
    root = fromstring(markup)
    assert _all(root, "svg") == [root] and root.get("role") == "img"
    ids = {e.get("id") for e in root.iter()}
    named = root.get("aria-labelledby").split()
    assert named and all(i in ids for i in named)
    assert "<script>" not in markup
    return root


def test_the_benefits_curve_draws_planned_to_the_end_and_actual_to_the_month():
    points = [
        CurvePoint(Month(2024, 4) + i, Decimal(1_000 * i), Decimal(800 * i)) for i in range(12)
    ]
    markup = cumulative_chart(points, as_of=Month(2024, 9), unit="£", title=HOSTILE, table_id="t")
    root = _check(markup)
    assert root.get("aria-details") == "t"
    planned, actual = _all(root, "polyline")
    assert len(planned.get("points").split()) == 12 and len(actual.get("points").split()) == 6
    assert "No profile" in cumulative_chart(
        [], as_of=Month(2024, 9), unit="£", title="x", table_id="t"
    )


def test_the_gantt_chart_labels_every_row_and_marks_critical_work_in_words():
    start = dt.datetime(2024, 1, 15)
    rows = [
        GanttRow(
            HOSTILE,
            start,
            start + dt.timedelta(days=40),
            critical=True,
            milestones=[GanttMilestone(start + dt.timedelta(days=10), "M <1>")],
        ),
        GanttRow("Second", start + dt.timedelta(days=40), start + dt.timedelta(days=90)),
        GanttRow(
            "Go live", start + dt.timedelta(days=90), start + dt.timedelta(days=90), milestone=True
        ),
    ]
    arrows = [GanttArrow(0, 1, rows[0].finish, rows[1].start, "finish to start")]
    root = _check(gantt_svg(rows, title="Plan", description="d", arrows=arrows, chart_id="g"))
    texts = [e.text for e in _all(root, "text")]
    assert any(t.endswith("(critical)") for t in texts) and "Second" in texts
    assert {"Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"} <= set(texts)


def test_the_risk_charts_are_well_formed_and_escape_their_names():
    bins = [{"low": 10 + i, "high": 11 + i, "count": i % 4} for i in range(8)]
    _check(risk_charts.histogram(bins, title=HOSTILE, unit="days"))
    _check(
        risk_charts.s_curve([(0.1, 5.0), (0.5, 9.0), (1.0, 14.0)], title="S", unit="£", money=True)
    )
    root = _check(risk_charts.bars([(HOSTILE, -0.4), ("b", 0.7)], title="T", signed=True))
    assert len(list(_all(root, "rect"))) == 2


def test_the_gate_pipeline_labels_each_bar_with_its_money():
    queue = SimpleNamespace(
        gate=SimpleNamespace(name=HOSTILE), requested_total=Decimal("2.5"), count=1
    )
    markup = pipeline_bars(SimpleNamespace(queues=[queue]))
    root = _check(markup)
    assert "£3 (1 waiting)" in [e.text for e in _all(root, "text")]


@pytest.mark.parametrize("kind", ["line", "bar", "stacked"])
def test_each_report_chart_kind_is_well_formed_and_names_its_table(kind):
    data = {
        "caption": HOSTILE,
        "columns": [
            {"label": "Month", "type": "month"},
            {"label": "Green", "type": "number"},
            {"label": "Red", "type": "number"},
        ],
        "rows": [[f"2024-{m:02d}", m * 1_000, 500] for m in range(1, 7)],
    }
    chart = {"kind": kind, "title": "Trend", "series": [1, 2], "unit": "£", "mark": "2024-03"}
    root = _check(report_charts.render(chart, data, "chart-x"))
    desc = next(e for e in root.iter() if e.get("id") == "chart-x-desc")
    assert HOSTILE in desc.text
    assert "Mar 24" in [e.text for e in _all(root, "text")]
