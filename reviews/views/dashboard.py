"""The operations dashboard (admins): deadlines, throughput, extraction quality, failures.

The page and each table's CSV download read the same selectors at one instant.
"""
from __future__ import annotations

import csv

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..roles import ADMIN, role_required
from ..selectors import dashboard as figures

DUE_COLUMNS = ["overdue", "due_within_2h", "due_within_6h", "due_within_24h", "due_later", "open"]


def _due(row: dict) -> list:
    return [row["overdue"], row["within_2h"], row["within_6h"], row["within_24h"], row["later"], row["open"]]


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _seconds(span) -> str:
    return "" if span is None else str(round(span.total_seconds()))


def _due_by_status(now):
    return ["status", *DUE_COLUMNS], [[r["label"], *_due(r)] for r in figures.due_by_status(now=now)]


def _due_by_organization(now):
    return ["organization", *DUE_COLUMNS], [[r["organization_name"], *_due(r)] for r in figures.due_by_organization(now=now)]


def _batches(now):
    header = [
        "batch", "organization", "due_at", "documents", "queued", "processing", "needs_review", "done", "failed",
        "open", "open_due_by_then", "forecast_finish", "state",
    ]
    rows = [
        [
            b.name, b.organization, _iso(b.due_at), b.documents, b.queued, b.processing, b.needs_review, b.done,
            b.failed, b.open, b.queue_through, _iso(b.finishes_at), b.state_label,
        ]
        for b in figures.batch_deadlines(now=now, rate=figures.review_rate(now=now))
    ]
    return header, rows


def _throughput(now):
    return ["hour", "processed", "reviewed"], [
        [_iso(h["hour"]), h["processed"], h["reviewed"]] for h in figures.hourly_throughput(now=now)
    ]


def _reviewers(now):
    return ["reviewer", "reviewed", "approved", "rejected", "median_seconds_on_document"], [
        [r["reviewer"], r["reviewed"], r["approved"], r["rejected"], _seconds(r["median_time"])]
        for r in figures.reviewer_stats(now=now)
    ]


def _corrections(now):
    return ["kind", "field", "fields_reviewed", "corrected", "correction_rate_percent"], [
        [r["kind"], r["field"], r["fields"], r["corrected"], _pct(r["rate"])] for r in figures.field_corrections(now=now)
    ]


def _calibration(now):
    return ["confidence_from", "confidence_below", "fields", "right", "accuracy_percent"], [
        [f"{r['low']:.1f}", f"{r['high']:.1f}", r["fields"], r["right"], _pct(r["accuracy"])]
        for r in figures.confidence_calibration(now=now)
    ]


def _threshold(now):
    t = figures.threshold_effect(now=now, threshold=settings.REVIEW_THRESHOLD)
    return ["figure", "value"], [
        ["review_threshold", f"{t['threshold']:.2f}"],
        ["fields_reviewed", t["fields"]],
        ["fields_flagged", t["flagged"]],
        ["flagged_percent", _pct(t["flagged_share"])],
        ["errors_found", t["errors"]],
        ["errors_flagged", t["caught"]],
        ["errors_not_flagged", t["missed"]],
        ["error_recall_percent", _pct(t["recall"])],
        ["flag_precision_percent", _pct(t["precision"])],
    ]


def _failures(now):
    return ["reason", "documents", "share_percent"], [
        [r["reason"], r["documents"], _pct(r["share"])] for r in figures.failure_reasons()
    ]


CSV_TABLES = {
    "due-by-status": _due_by_status,
    "due-by-organization": _due_by_organization,
    "batches": _batches,
    "throughput": _throughput,
    "reviewers": _reviewers,
    "corrections": _corrections,
    "calibration": _calibration,
    "threshold": _threshold,
    "failures": _failures,
}


@role_required(ADMIN)
def dashboard(request):
    context = figures.overview(now=timezone.now(), threshold=settings.REVIEW_THRESHOLD)
    return render(request, "reviews/dashboard.html", context)


@role_required(ADMIN)
def dashboard_csv(request, table: str):
    if table not in CSV_TABLES:
        raise Http404("No such table.")
    now = timezone.now()
    header, rows = CSV_TABLES[table](now)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="medocr-{table}-{timezone.localtime(now):%Y%m%d-%H%M}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
