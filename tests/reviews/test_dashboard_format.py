"""How the dashboard writes numbers, and the chart axes."""
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest

from reviews.templatetags.dashboard_charts import nice_ticks
from reviews.templatetags.dashboard_format import duration, per_hour, percent, relative


@pytest.mark.parametrize(
    "span, text",
    [
        (None, "—"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=4, seconds=30), "4 min 30 s"),
        (timedelta(minutes=6), "6 min"),
        (timedelta(hours=1, minutes=30), "1 h 30 min"),
        (timedelta(hours=7), "7 h"),
        (timedelta(days=1, hours=23, minutes=10), "1 d 23 h"),
        (timedelta(days=2), "2 d"),
        (timedelta(minutes=-90), "1 h 30 min"),
    ],
)
def test_duration(span, text):
    assert duration(span) == text


def test_relative():
    now = datetime(2025, 6, 11, 14, 20, tzinfo=dt_timezone.utc)

    assert relative(now + timedelta(hours=1, minutes=30), now) == "in 1 h 30 min"
    assert relative(now - timedelta(hours=1), now) == "1 h ago"
    assert relative(now + timedelta(seconds=20), now) == "now"
    assert relative(None, now) == "—"


def test_percent_and_rate():
    assert (percent(1 / 3), percent(0.0), percent(1.0), percent(None)) == ("33.3%", "0.0%", "100.0%", "—")
    assert (per_hour(5 / 6), per_hour(12.0)) == ("0.8", "12.0")


@pytest.mark.parametrize(
    "maximum, ticks",
    [(0, [0, 1]), (1, [0, 1]), (5, [0, 1, 2, 3, 4, 5]), (7, [0, 2, 4, 6, 8]), (37, [0, 10, 20, 30, 40]), (480, [0, 100, 200, 300, 400, 500])],
)
def test_nice_ticks(maximum, ticks):
    assert nice_ticks(maximum) == ticks
