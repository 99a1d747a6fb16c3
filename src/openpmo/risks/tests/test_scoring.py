"""Scores, bands, proximity and trend on the matrix: the arithmetic every page relies on."""

from __future__ import annotations

import datetime as dt

from openpmo.risks import scoring
from openpmo.risks.choices import Proximity, Trend


def test_score_is_probability_times_impact_and_needs_both():
    assert scoring.score(3, 4) == 12
    assert scoring.score(5, 5) == 25
    assert scoring.score(None, 4) is None


def test_default_bands_cover_every_score_once():
    bands = scoring.bands_of(scoring.DEFAULT_BANDS)
    for value in range(1, 26):
        assert sum(1 for b in bands if b.low <= value <= b.high) == 1
    assert scoring.band_for(4, bands).label == "Low"
    assert scoring.band_for(5, bands).label == "Medium"
    assert scoring.band_for(20, bands).label == "Very high"
    assert scoring.band_errors(scoring.DEFAULT_BANDS) == []


def test_bands_that_leave_scores_uncovered_are_refused():
    assert scoring.band_errors([{"up_to": 20, "label": "All", "colour": "red"}]) == [
        "The highest band must end at 25, so every score has a band."
    ]
    assert scoring.band_errors([]) == ["Give at least one score band."]
    twice = [
        {"up_to": 9, "label": "A", "colour": "green"},
        {"up_to": 9, "label": "B", "colour": "red"},
        {"up_to": 25, "label": "C", "colour": "red"},
    ]
    assert "Two bands end at the same score." in scoring.band_errors(twice)


def test_proximity_bands_by_days_ahead():
    today = dt.date(2023, 1, 1)
    assert scoring.proximity_of(None, today) == Proximity.NOT_SET
    assert scoring.proximity_of(dt.date(2022, 12, 31), today) == Proximity.PASSED
    assert scoring.proximity_of(dt.date(2023, 1, 20), today) == Proximity.IMMINENT
    assert scoring.proximity_of(dt.date(2023, 3, 1), today) == Proximity.NEAR
    assert scoring.proximity_of(dt.date(2023, 6, 1), today) == Proximity.MEDIUM
    assert scoring.proximity_of(dt.date(2024, 1, 1), today) == Proximity.FAR


def test_trend_follows_the_residual_score():
    assert scoring.trend_of(12, 8, Trend.NEW) == Trend.IMPROVING
    assert scoring.trend_of(8, 12, Trend.NEW) == Trend.WORSENING
    assert scoring.trend_of(8, 8, Trend.WORSENING) == Trend.WORSENING  # unchanged: kept
    assert scoring.trend_of(None, 8, Trend.NEW) == Trend.STABLE
