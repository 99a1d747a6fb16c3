"""The benefits tracker: cumulative figures, variance, RAG, missing actuals, roll-ups, ROI.

The plain per-benefit calculation (``track_benefit``) and the array one (``BenefitBook``) must give
the same answers; both are checked against sums taken directly from the benefits' own figures.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import BENEFITS_START, benefit_registers, benefits, pounds

from openpmo.core.benefits import (
    Benefit,
    BenefitBook,
    BenefitCategory,
    Month,
    Rag,
    RagThresholds,
    return_on_investment,
    roll_up,
    step,
    track,
    track_benefit,
)
from openpmo.core.errors import ValidationError

START = BENEFITS_START
ZERO = Decimal(0)

as_of_months = st.integers(-3, 45).map(lambda i: START + i)


def pounds_benefit(
    planned: dict[Month, Decimal], actuals: dict[Month, Decimal], **kw: object
) -> Benefit:
    return Benefit(
        reference=str(kw.get("reference", "B1")),
        category=kw.get("category", BenefitCategory.CASHABLE),  # type: ignore[arg-type]
        planned=planned,
        actuals=actuals,
    )


# -- One benefit ------------------------------------------------------------------------------


@given(benefits(), as_of_months)
def test_cumulative_figures_are_the_sums_of_the_months_to_date(
    benefit: Benefit, as_of: Month
) -> None:
    position = track_benefit(benefit, as_of)
    before = track_benefit(benefit, as_of - 1)
    # given the figures month by month, when tracked, then cumulative = sum to date ...
    assert position.planned_cumulative == sum(
        (v for m, v in benefit.planned.items() if m <= as_of), ZERO
    )
    assert position.actual_cumulative == sum(
        (v for m, v in benefit.actuals.items() if m <= as_of), ZERO
    )
    # ... and each month's cumulative is last month's plus this month's
    assert position.planned_cumulative == before.planned_cumulative + position.planned_in_month
    assert position.actual_cumulative == before.actual_cumulative + (
        position.actual_in_month if position.actual_in_month is not None else ZERO
    )
    sign = benefit.category.sign
    assert position.variance == sign * (position.actual_cumulative - position.planned_cumulative)


@given(benefits(), as_of_months, st.integers(0, 4))
def test_a_missing_actual_is_shown_as_missing_never_as_zero(
    benefit: Benefit, as_of: Month, grace: int
) -> None:
    position = track_benefit(benefit, as_of, grace_months=grace)
    if as_of in benefit.actuals:
        assert position.actual_in_month == benefit.actuals[as_of]
    else:
        assert position.actual_in_month is None
    for month in position.missing_months:
        assert month not in benefit.actuals
        assert min(benefit.planned) <= month <= as_of
    expected = len(list(Month.span(min(benefit.planned), as_of))) if benefit.planned else 0
    recorded = sum(
        1 for m in benefit.actuals if benefit.planned and min(benefit.planned) <= m <= as_of
    )
    assert len(position.missing_months) == expected - recorded
    assert set(position.late_months) == {m for m in position.missing_months if as_of - m >= grace}


def test_late_actuals_follow_the_grace_period() -> None:
    # given a profile from January and actuals for January only
    benefit = pounds_benefit(
        step(Decimal("300"), Month(2024, 1), Month(2024, 3)), {Month(2024, 1): Decimal("100")}
    )
    # when the board looks at March with a month's grace
    position = track_benefit(benefit, Month(2024, 3))
    # then February is late, March is awaited (missing but not late), and the shortfall shows
    assert position.missing_months == (Month(2024, 2), Month(2024, 3))
    assert position.late_months == (Month(2024, 2),)
    assert position.actual_in_month is None
    assert position.variance == Decimal("-200.00")
    assert position.rag is Rag.RED


def test_variance_percent_is_none_when_nothing_was_planned() -> None:
    benefit = pounds_benefit({Month(2024, 6): Decimal("100")}, {Month(2024, 5): Decimal("40")})
    position = track_benefit(benefit, Month(2024, 5))
    assert position.planned_cumulative == ZERO
    assert position.actual_cumulative == Decimal("40")
    assert position.variance_percent is None
    assert position.rag is None
    later = track_benefit(benefit, Month(2024, 6))
    assert later.variance_percent == Decimal("-60.0")


# -- RAG boundaries -------------------------------------------------------------------------------

plans = pounds(1, 10**10)


def _position_with(planned: Decimal, actual: Decimal, category: BenefitCategory) -> Rag | None:
    month = Month(2024, 4)
    benefit = pounds_benefit({month: planned}, {month: actual}, category=category)
    return track_benefit(benefit, month).rag


@given(plans)
def test_rag_boundaries_for_a_benefit(planned: Decimal) -> None:
    cash = BenefitCategory.CASHABLE
    penny = Decimal("0.01")
    green_line = planned * Decimal("0.95")
    amber_line = planned * Decimal("0.80")
    # exactly on a threshold counts as the better colour
    assert _position_with(planned, green_line, cash) is Rag.GREEN
    assert _position_with(planned, amber_line, cash) is Rag.AMBER
    # the smallest step below each threshold drops a colour
    assert _position_with(planned, green_line - penny / 100, cash) is Rag.AMBER
    assert _position_with(planned, amber_line - penny / 100, cash) is Rag.RED
    assert _position_with(planned, planned * 2, cash) is Rag.GREEN


@given(plans)
def test_rag_boundaries_for_a_dis_benefit_mirror_them(planned: Decimal) -> None:
    dis = BenefitCategory.DIS_BENEFIT
    tiny = Decimal("0.0001")
    assert _position_with(planned, ZERO, dis) is Rag.GREEN
    assert _position_with(planned, planned * Decimal("1.05"), dis) is Rag.GREEN
    assert _position_with(planned, planned * Decimal("1.05") + tiny, dis) is Rag.AMBER
    assert _position_with(planned, planned * Decimal("1.20"), dis) is Rag.AMBER
    assert _position_with(planned, planned * Decimal("1.20") + tiny, dis) is Rag.RED


def test_thresholds_are_configurable_and_checked() -> None:
    month = Month(2024, 4)
    benefit = pounds_benefit({month: Decimal("100")}, {month: Decimal("90")})
    assert track_benefit(benefit, month).rag is Rag.AMBER
    lenient = RagThresholds(green=Decimal("0.90"), amber=Decimal("0.5"))
    assert track_benefit(benefit, month, thresholds=lenient).rag is Rag.GREEN
    with pytest.raises(ValidationError, match="amber <= green"):
        RagThresholds(green=Decimal("0.7"), amber=Decimal("0.8"))


# -- Roll-ups -----------------------------------------------------------------------------------


@given(benefit_registers(), as_of_months)
def test_roll_ups_add_up_to_their_members_and_dis_benefits_subtract(
    register: list[Benefit], as_of: Month
) -> None:
    positions = track(register, as_of)
    for level in ("pillar", "work_package"):
        for total in roll_up(positions, level):
            members = [
                p for p in positions if p.groups[level] == total.key and p.unit == total.unit
            ]
            assert total.members == tuple(p.reference for p in members)
            assert total.planned_cumulative == sum(
                (p.category.sign * p.planned_cumulative for p in members), ZERO
            )
            assert total.actual_cumulative == sum(
                (p.category.sign * p.actual_cumulative for p in members), ZERO
            )
            assert total.variance == total.actual_cumulative - total.planned_cumulative
            assert total.missing == sum(len(p.missing_months) for p in members)
    # pillars add up to the programme, unit by unit
    programme = {t.unit: t for t in roll_up(positions, lambda _: "ETP")}
    for unit, total in programme.items():
        pillars = [t for t in roll_up(positions, "pillar") if t.unit == unit]
        assert total.planned_cumulative == sum((t.planned_cumulative for t in pillars), ZERO)
        assert total.actual_in_month == sum((t.actual_in_month for t in pillars), ZERO)


def test_a_dis_benefit_counts_against_the_programme_total() -> None:
    month = Month(2024, 4)
    saving = pounds_benefit({month: Decimal("1000")}, {month: Decimal("900")}, reference="S")
    cost = pounds_benefit(
        {month: Decimal("200")},
        {month: Decimal("300")},
        reference="D",
        category=BenefitCategory.DIS_BENEFIT,
    )
    (total,) = roll_up(track([saving, cost], month), lambda _: "ETP")
    assert total.planned_cumulative == Decimal("800")
    assert total.actual_cumulative == Decimal("600")
    assert total.variance == Decimal("-200")
    assert total.variance_percent == Decimal("-25.0")
    assert total.rag is Rag.RED


def test_a_roll_up_by_a_missing_group_names_the_benefit() -> None:
    positions = track([pounds_benefit({}, {}, reference="B9")], Month(2024, 4))
    with pytest.raises(ValidationError) as caught:
        roll_up(positions, "pillar")
    assert caught.value.where == "B9"


# -- ROI ------------------------------------------------------------------------------------------


def test_roi_is_cashable_realised_over_money_drawn() -> None:
    month = Month(2024, 4)
    register = [
        pounds_benefit({month: Decimal(500)}, {month: Decimal(600)}, reference="C"),
        pounds_benefit(
            {month: Decimal(900)},
            {month: Decimal(900)},
            reference="N",
            category=BenefitCategory.NON_CASHABLE,
        ),
    ]
    positions = track(register, month)
    assert return_on_investment(positions, Decimal(2400)) == Decimal("0.25")
    assert return_on_investment(positions, ZERO) is None
    with pytest.raises(ValidationError):
        return_on_investment(positions, Decimal(-1))


# -- The array book agrees with the plain calculation -------------------------------------------


@settings(max_examples=150)
@given(benefit_registers(), as_of_months, st.integers(0, 3))
def test_the_book_gives_the_same_answers_as_benefit_by_benefit(
    register: list[Benefit], as_of: Month, grace: int
) -> None:
    book = BenefitBook(register)
    plain = track(register, as_of, grace_months=grace)
    fast = book.positions(as_of, grace_months=grace)
    assert fast == plain
    for level in ("pillar", "work_package"):
        assert book.roll_up(as_of, level, grace_months=grace) == roll_up(plain, level)


@given(benefit_registers())
def test_the_chart_curves_are_the_programme_totals_month_by_month(register: list[Benefit]) -> None:
    book = BenefitBook(register)
    for (key, unit), points in book.curves(lambda _: "ETP").items():
        for point in points[::5]:
            (total,) = [t for t in book.roll_up(point.month, lambda _: "ETP") if t.unit == unit]
            assert key == "ETP"
            assert point.planned_cumulative == total.planned_cumulative
            assert point.actual_cumulative == total.actual_cumulative


def test_the_book_refuses_values_finer_than_its_unit() -> None:
    month = Month(2024, 4)
    with pytest.raises(ValidationError, match="whole number") as caught:
        BenefitBook([pounds_benefit({month: Decimal("1.005")}, {}, reference="B3")])
    assert caught.value.where == "B3 2024-04"
    book = BenefitBook(
        [pounds_benefit({month: Decimal("1.005")}, {}, reference="B3")], quantum=Decimal("0.001")
    )
    assert book.positions(month)[0].planned_cumulative == Decimal("1.005")


def test_the_book_stays_exact_beyond_64_bit_figures() -> None:
    month = Month(2024, 4)
    huge = Decimal("9" * 20)
    register = [pounds_benefit({month: huge}, {month: huge}, reference=f"B{i}") for i in range(3)]
    (total,) = BenefitBook(register).roll_up(month, lambda _: "ETP")
    assert total.planned_cumulative == 3 * huge
