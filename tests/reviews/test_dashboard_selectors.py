"""Every dashboard figure on the known floor of tests/support/dashboard_data.py."""
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest

from reviews.selectors import dashboard as figures
from tests.support.dashboard_data import NOT_A_DOCUMENT, NOW, TOO_MANY_PAGES, build_floor

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime(2025, 6, day, hour, minute, tzinfo=dt_timezone.utc)


def test_due_by_status_counts_open_documents_per_window():
    build_floor()

    rows = figures.due_by_status(now=NOW)

    assert [(r["label"], r["overdue"], r["within_2h"], r["within_6h"], r["within_24h"], r["later"], r["open"]) for r in rows] == [
        ("Queued", 0, 0, 1, 2, 1, 3),
        ("Processing", 0, 1, 1, 1, 0, 1),
        ("Needs review", 1, 1, 1, 2, 0, 3),
        ("All open", 1, 2, 3, 5, 1, 7),
    ]


def test_due_by_organization():
    build_floor()

    rows = figures.due_by_organization(now=NOW)

    assert rows == [
        {"organization_name": "Acme Health", "overdue": 1, "within_2h": 0, "within_6h": 0, "within_24h": 2, "later": 0, "open": 3},
        {"organization_name": "Borealis Insurance", "overdue": 0, "within_2h": 2, "within_6h": 3, "within_24h": 3, "later": 1, "open": 4},
    ]


def test_review_rate_is_decisions_in_the_last_six_hours_per_hour():
    build_floor()

    # w3, w4, l1, l2, l3, m1 were decided 5 h, 4 h, 3 h, 2 h, 30 min and 1 h ago.
    assert figures.review_rate(now=NOW) == 1.0
    # An hour later w3 (5 h ago, now 6 h) drops out of the window.
    assert figures.review_rate(now=NOW + timedelta(hours=1)) == pytest.approx(5 / 6)


def test_batch_deadlines_judge_each_batch_against_the_queue_before_it():
    build_floor()

    batches = figures.batch_deadlines(now=NOW, rate=1.0)

    assert [
        (b.name, b.organization, b.due_at, b.documents, b.queued, b.processing, b.needs_review, b.done, b.failed, b.open, b.queue_through, b.state, b.finishes_at)
        for b in batches
    ] == [
        ("Acme late", "Acme Health", at(11, 13, 20), 5, 0, 0, 1, 3, 1, 1, 1, "overdue", at(11, 15, 20)),
        ("Borealis morning", "Borealis Insurance", at(11, 15, 50), 3, 0, 1, 1, 1, 0, 2, 3, "at_risk", at(11, 17, 20)),
        ("Borealis midday", "Borealis Insurance", at(11, 19, 20), 2, 1, 0, 0, 0, 1, 1, 4, "on_track", at(11, 18, 20)),
        ("Acme evening", "Acme Health", at(12, 10, 20), 2, 1, 0, 1, 0, 0, 2, 6, "on_track", at(11, 20, 20)),
        ("Borealis weekly", "Borealis Insurance", at(13, 13, 20), 1, 1, 0, 0, 0, 0, 1, 7, "on_track", at(11, 21, 20)),
    ]


def test_batch_deadlines_without_recent_reviews_put_every_open_batch_at_risk():
    build_floor()

    batches = figures.batch_deadlines(now=NOW, rate=0.0)

    assert [(b.name, b.state, b.finishes_at) for b in batches] == [
        ("Acme late", "overdue", None),
        ("Borealis morning", "at_risk", None),
        ("Borealis midday", "at_risk", None),
        ("Acme evening", "at_risk", None),
        ("Borealis weekly", "at_risk", None),
    ]


def test_queue_forecast():
    build_floor()
    batches = figures.batch_deadlines(now=NOW, rate=1.0)

    forecast = figures.queue_forecast(now=NOW, rate=1.0, batches=batches)

    assert (forecast.open, forecast.rate, forecast.hours_to_clear, forecast.clears_at) == (7, 1.0, 7.0, at(11, 21, 20))
    assert (forecast.at_risk, forecast.overdue, forecast.in_time) == (1, 1, False)


def test_batches_in_trouble():
    build_floor()

    assert [(b.name, b.state) for b in figures.batches_in_trouble(now=NOW)] == [
        ("Acme late", "overdue"),
        ("Borealis morning", "at_risk"),
    ]


def test_hourly_throughput_covers_seven_days_of_hours():
    build_floor()

    hours = figures.hourly_throughput(now=NOW)

    assert len(hours) == 168
    assert hours[0]["hour"] == at(4, 15)
    assert hours[-1]["hour"] == at(11, 14)
    busy = [(h["hour"], h["processed"], h["reviewed"]) for h in hours if h["processed"] or h["reviewed"]]
    assert busy == [
        (at(9, 18), 5, 0),  # Acme week 23 processed
        (at(10, 8), 0, 1),  # w1 by alice
        (at(10, 12), 0, 1),  # w2 by bob
        (at(10, 13), 5, 0),  # Acme late processed
        (at(10, 16), 2, 0),  # Borealis morning: m1, m2 (m3 is still processing)
        (at(10, 19), 1, 0),  # Borealis midday: d2 failed
        (at(11, 9), 0, 1),  # w3
        (at(11, 10), 1, 1),  # e2 processed; w4 rejected
        (at(11, 11), 0, 1),  # l1
        (at(11, 12), 0, 1),  # l2
        (at(11, 13), 0, 2),  # m1; l3 by ada
    ]
    assert sum(h["processed"] for h in hours) == 14
    assert sum(h["reviewed"] for h in hours) == 8


def test_hours_are_local_hours(settings):
    # India is 5 h 30 min ahead of UTC: the hours start at :30 UTC.
    settings.TIME_ZONE = "Asia/Kolkata"
    build_floor()

    hours = figures.hourly_throughput(now=NOW)

    assert hours[0]["hour"].isoformat() == "2025-06-04T20:00:00+05:30"
    assert hours[-1]["hour"].isoformat() == "2025-06-11T19:00:00+05:30"  # NOW is 19:50 there
    busy = [(h["hour"].isoformat(), h["processed"], h["reviewed"]) for h in hours if h["processed"] or h["reviewed"]]
    assert busy == [
        ("2025-06-10T00:00:00+05:30", 5, 0),
        ("2025-06-10T13:00:00+05:30", 0, 1),
        ("2025-06-10T17:00:00+05:30", 0, 1),
        ("2025-06-10T19:00:00+05:30", 5, 0),
        ("2025-06-10T21:00:00+05:30", 2, 0),
        ("2025-06-11T01:00:00+05:30", 1, 0),
        ("2025-06-11T14:00:00+05:30", 0, 1),
        ("2025-06-11T15:00:00+05:30", 0, 1),  # w4 at 15:50 and e2 at 16:05 are apart here
        ("2025-06-11T16:00:00+05:30", 1, 1),
        ("2025-06-11T17:00:00+05:30", 0, 1),
        ("2025-06-11T18:00:00+05:30", 0, 1),
        ("2025-06-11T19:00:00+05:30", 0, 1),
    ]


def test_reviewer_stats_with_median_time_from_claim_to_decision():
    build_floor()

    rows = figures.reviewer_stats(now=NOW)

    assert [(r["reviewer"], r["reviewed"], r["approved"], r["rejected"], r["median_time"]) for r in rows] == [
        # 3, 4, 5, 8 minutes: (4 + 5) / 2
        ("alice", 4, 4, 0, timedelta(minutes=4, seconds=30)),
        # 2, 6, 10 minutes
        ("bob", 3, 2, 1, timedelta(minutes=6)),
        # decided without a claim of her own
        ("ada", 1, 1, 0, None),
    ]


def test_field_corrections_per_kind_and_field():
    build_floor()

    rows = figures.field_corrections(now=NOW)

    assert [(r["kind"], r["field"], r["fields"], r["corrected"], r["rate"]) for r in rows] == [
        ("patient_details", "patient_name", 3, 1, 1 / 3),
        ("patient_details", "phone_number", 3, 1, 1 / 3),
        ("prescription", "prescriber_name", 5, 0, 0.0),
        ("prescription", "prescription_date", 5, 2, 0.4),
        ("prescription", "refills", 5, 3, 0.6),
    ]


def test_quality_window_leaves_out_older_approvals():
    build_floor()

    # 23 days on, arch1 (approved 8 days before NOW) is 31 days old and drops
    # out; the other approvals are 23 days old and still count.
    later = NOW + timedelta(days=23)
    rows = figures.field_corrections(now=later)

    assert [(r["field"], r["fields"]) for r in rows if r["kind"] == "prescription"] == [
        ("prescriber_name", 4),
        ("prescription_date", 4),
        ("refills", 4),
    ]


def test_confidence_calibration_buckets():
    build_floor()

    rows = figures.confidence_calibration(now=NOW)

    assert [(r["low"], r["high"], r["fields"], r["right"], r["accuracy"]) for r in rows] == [
        (0.0, 0.1, 0, 0, None),
        (0.1, 0.2, 0, 0, None),
        (0.2, 0.3, 0, 0, None),
        (0.3, 0.4, 1, 0, 0.0),  # 0.35 corrected
        (0.4, 0.5, 0, 0, None),
        (0.5, 0.6, 2, 1, 0.5),  # 0.55 corrected, 0.58
        (0.6, 0.7, 2, 0, 0.0),  # 0.64, 0.62 both corrected
        (0.7, 0.8, 3, 2, 2 / 3),  # 0.72, 0.78, 0.75 corrected
        (0.8, 0.9, 4, 3, 0.75),  # 0.85, 0.81 corrected, 0.88, 0.83
        (0.9, 1.0, 9, 8, 8 / 9),  # 0.90 belongs here; 0.92 corrected
    ]


def test_threshold_effect():
    build_floor()

    effect = figures.threshold_effect(now=NOW, threshold=0.8)

    assert effect == {
        "threshold": 0.8,
        "fields": 21,
        "flagged": 8,
        "errors": 7,
        "caught": 5,
        "missed": 2,
        "recall": 5 / 7,
        "precision": 5 / 8,
        "flagged_share": 8 / 21,
    }


def test_failure_reasons():
    build_floor()

    assert figures.failure_reasons() == [
        {"reason": NOT_A_DOCUMENT, "documents": 2, "share": 2 / 3},
        {"reason": TOO_MANY_PAGES, "documents": 1, "share": 1 / 3},
    ]


def test_empty_floor_gives_zeros_not_errors():
    assert figures.due_by_status(now=NOW)[-1] == {
        "status": "total", "label": "All open", "overdue": 0, "within_2h": 0, "within_6h": 0, "within_24h": 0, "later": 0, "open": 0,
    }
    assert figures.batch_deadlines(now=NOW, rate=0.0) == []
    assert figures.reviewer_stats(now=NOW) == []
    assert figures.field_corrections(now=NOW) == []
    assert figures.threshold_effect(now=NOW, threshold=0.8)["recall"] is None
    assert figures.failure_reasons() == []
    assert sum(h["processed"] + h["reviewed"] for h in figures.hourly_throughput(now=NOW)) == 0
