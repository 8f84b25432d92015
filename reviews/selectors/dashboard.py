"""Figures for the operations dashboard and the deadline alerts.

Every figure is aggregated by the database (COUNT ... FILTER, TruncHour,
window functions); Python only walks the aggregated rows (statuses, batches
with open work, hours, reviewers). Each function takes `now` so a page, a
CSV download and a deadline check all see the same instant.

Definitions (also in docs/ARCHITECTURE.md):
- open: queued, processing or needs review. Done: approved or rejected.
- decision: a status event to approved or rejected made by a person.
- processed: a status event to needs review or failed (the end of a worker run).
- recent review rate: decisions in the last RATE_WINDOW, per hour.
- time on a document: from the reviewer's latest claim of the document to
  their decision on it; decisions without a claim by the same person are left out.
- extraction quality: fields of documents approved in the last QUALITY_DAYS;
  a field is right when no reviewer corrected it, an error when one did.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models import Value, When, Window
from django.db.models.functions import RowNumber, TruncHour
from django.utils import timezone

from extraction.fields import field_specs

from ..models import AuditAction, AuditEvent, Batch, Document, DocumentKind, DocumentStatus, ExtractedField

S = DocumentStatus
OPEN_STATUSES = (S.QUEUED, S.PROCESSING, S.NEEDS_REVIEW)
DECIDED_STATUSES = (S.APPROVED, S.REJECTED)
PROCESSED_STATUSES = (S.NEEDS_REVIEW, S.FAILED)
DUE_WINDOWS = (2, 6, 24)  # hours
RATE_WINDOW = timedelta(hours=6)
THROUGHPUT_DAYS = 7
QUALITY_DAYS = 30

ON_TRACK, AT_RISK, OVERDUE = "on_track", "at_risk", "overdue"


def _due_counts(now: datetime) -> dict:
    """COUNT ... FILTER expressions: overdue, due within 2 / 6 / 24 hours (cumulative), later."""
    counts = {"overdue": Count("id", filter=Q(due_at__lte=now))}
    for hours in DUE_WINDOWS:
        counts[f"within_{hours}h"] = Count("id", filter=Q(due_at__gt=now, due_at__lte=now + timedelta(hours=hours)))
    counts["later"] = Count("id", filter=Q(due_at__gt=now + timedelta(hours=DUE_WINDOWS[-1])))
    counts["open"] = Count("id")
    return counts


def _zero_due_row() -> dict:
    return {"overdue": 0, **{f"within_{h}h": 0 for h in DUE_WINDOWS}, "later": 0, "open": 0}


def due_by_status(*, now: datetime) -> list[dict]:
    """Open documents by status and due window, with a total row last."""
    found = {
        row.pop("status"): row
        for row in Document.objects.filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(**_due_counts(now))
        .order_by()
    }
    rows = [{"status": s.value, "label": s.label, **found.get(s.value, _zero_due_row())} for s in OPEN_STATUSES]
    total = {key: sum(row[key] for row in rows) for key in _zero_due_row()}
    return rows + [{"status": "total", "label": "All open", **total}]


def due_by_organization(*, now: datetime) -> list[dict]:
    """Open documents of each organisation by due window."""
    return list(
        Document.objects.filter(status__in=OPEN_STATUSES)
        .values(organization_name=F("organization__name"))
        .annotate(**_due_counts(now))
        .order_by("organization_name")
    )


def review_rate(*, now: datetime, window: timedelta = RATE_WINDOW) -> float:
    """Documents decided per hour over the recent window."""
    decided = decisions().filter(created_at__gt=now - window, created_at__lte=now).count()
    return decided / (window.total_seconds() / 3600)


@dataclass(frozen=True)
class BatchDeadline:
    batch_id: int
    name: str
    organization: str
    due_at: datetime
    documents: int
    queued: int
    processing: int
    needs_review: int
    done: int
    failed: int
    open: int
    queue_through: int  # open documents due no later than this batch: the queue works in due order
    state: str
    finishes_at: datetime | None  # at the recent rate; None when nothing is being reviewed

    @property
    def state_label(self) -> str:
        return {ON_TRACK: "On track", AT_RISK: "At risk", OVERDUE: "Overdue"}[self.state]


def batch_deadlines(*, now: datetime, rate: float) -> list[BatchDeadline]:
    """Batches with open documents, in due order, each judged against the recent rate.

    The queue is worked in due order, so a batch finishes in time when all open
    work due no later than it (its own included) fits in rate × hours left.
    """
    open_batches = Document.objects.filter(status__in=OPEN_STATUSES).values("batch_id")
    rows = list(
        Batch.objects.filter(id__in=open_batches)
        .annotate(
            document_count=Count("documents"),
            queued=Count("documents", filter=Q(documents__status=S.QUEUED)),
            processing=Count("documents", filter=Q(documents__status=S.PROCESSING)),
            needs_review=Count("documents", filter=Q(documents__status=S.NEEDS_REVIEW)),
            done=Count("documents", filter=Q(documents__status__in=DECIDED_STATUSES)),
            failed=Count("documents", filter=Q(documents__status=S.FAILED)),
        )
        .values(
            "id", "name", "organization__name", "due_at", "document_count", "queued", "processing", "needs_review", "done", "failed"
        )
        .order_by("due_at", "id")
    )
    work_due_by: dict[datetime, int] = defaultdict(int)
    for row in rows:
        work_due_by[row["due_at"]] += row["queued"] + row["processing"] + row["needs_review"]
    cumulative, through = 0, {}
    for due_at in sorted(work_due_by):
        cumulative += work_due_by[due_at]
        through[due_at] = cumulative

    result = []
    for row in rows:
        queue_through = through[row["due_at"]]
        hours_left = (row["due_at"] - now).total_seconds() / 3600
        if hours_left <= 0:
            state = OVERDUE
        elif queue_through > rate * hours_left:
            state = AT_RISK
        else:
            state = ON_TRACK
        result.append(
            BatchDeadline(
                batch_id=row["id"],
                name=row["name"],
                organization=row["organization__name"],
                due_at=row["due_at"],
                documents=row["document_count"],
                queued=row["queued"],
                processing=row["processing"],
                needs_review=row["needs_review"],
                done=row["done"],
                failed=row["failed"],
                open=row["queued"] + row["processing"] + row["needs_review"],
                queue_through=queue_through,
                state=state,
                finishes_at=now + timedelta(hours=queue_through / rate) if rate else None,
            )
        )
    return result


def batches_in_trouble(*, now: datetime) -> list[BatchDeadline]:
    """Batches at risk or overdue right now (what the alerts and the banner show)."""
    rate = review_rate(now=now)
    return [b for b in batch_deadlines(now=now, rate=rate) if b.state != ON_TRACK]


@dataclass(frozen=True)
class QueueForecast:
    open: int
    rate: float
    clears_at: datetime | None
    at_risk: int
    overdue: int

    @property
    def hours_to_clear(self) -> float | None:
        return self.open / self.rate if self.rate else None

    @property
    def in_time(self) -> bool:
        return not (self.at_risk or self.overdue)


def queue_forecast(*, now: datetime, rate: float, batches: list[BatchDeadline]) -> QueueForecast:
    open_documents = sum(b.open for b in batches)
    return QueueForecast(
        open=open_documents,
        rate=rate,
        clears_at=now + timedelta(hours=open_documents / rate) if rate else None,
        at_risk=sum(1 for b in batches if b.state == AT_RISK),
        overdue=sum(1 for b in batches if b.state == OVERDUE),
    )


# --- Throughput ------------------------------------------------------------------


def decisions():
    """Status events to approved or rejected made by a person."""
    return AuditEvent.objects.filter(action=AuditAction.STATUS, detail__to__in=DECIDED_STATUSES, actor__isnull=False)


def hour_starts(*, now: datetime, days: int = THROUGHPUT_DAYS) -> list[datetime]:
    """The starts of the last `days` × 24 hours, the current hour last (local time)."""
    # Stepped in UTC so that a daylight-saving change neither repeats nor skips an hour.
    current = timezone.localtime(now).replace(minute=0, second=0, microsecond=0).astimezone(dt_timezone.utc)
    return [timezone.localtime(current - timedelta(hours=n)) for n in range(days * 24 - 1, -1, -1)]


def hourly_throughput(*, now: datetime, days: int = THROUGHPUT_DAYS) -> list[dict]:
    """Documents processed by workers and decided by reviewers in each hour."""
    hours = hour_starts(now=now, days=days)
    counted = {
        row["hour"]: row
        for row in AuditEvent.objects.filter(action=AuditAction.STATUS, created_at__gte=hours[0], created_at__lte=now)
        .annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(
            processed=Count("id", filter=Q(detail__to__in=PROCESSED_STATUSES)),
            reviewed=Count("id", filter=Q(detail__to__in=DECIDED_STATUSES, actor__isnull=False)),
        )
        .order_by("hour")
    }
    return [
        {"hour": hour, "processed": counted.get(hour, {}).get("processed", 0), "reviewed": counted.get(hour, {}).get("reviewed", 0)}
        for hour in hours
    ]


def _median_time_on_document(recent_decisions) -> dict[int, timedelta]:
    """Median claim-to-decision time per reviewer, by window functions (any database).

    Each decision is paired with the same reviewer's latest claim of the
    document before it; the middle one or two durations per reviewer (row
    numbers (n+1)/2 and (n+2)/2 in integer division) are averaged.
    """
    claimed_at = (
        AuditEvent.objects.filter(
            action=AuditAction.CLAIM, document=OuterRef("document"), actor=OuterRef("actor"), created_at__lte=OuterRef("created_at")
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    timed = (
        recent_decisions.annotate(claimed_at=Subquery(claimed_at))
        .filter(claimed_at__isnull=False)
        .annotate(duration=ExpressionWrapper(F("created_at") - F("claimed_at"), output_field=DurationField()))
        .annotate(
            position=Window(RowNumber(), partition_by=[F("actor_id")], order_by=[F("duration").asc(), F("id").asc()]),
            decided=Window(Count("id"), partition_by=[F("actor_id")]),
        )
    )
    middle = timed.filter(position__gte=(F("decided") + 1) / 2, position__lte=(F("decided") + 2) / 2)
    halves: dict[int, list[timedelta]] = defaultdict(list)
    for actor_id, duration in middle.values_list("actor_id", "duration"):
        halves[actor_id].append(duration)
    return {actor_id: sum(values, timedelta()) / len(values) for actor_id, values in halves.items()}


def reviewer_stats(*, now: datetime, days: int = THROUGHPUT_DAYS) -> list[dict]:
    """Per reviewer over the last `days`: decisions, approvals, rejections, median time on a document."""
    recent = decisions().filter(created_at__gt=now - timedelta(days=days), created_at__lte=now)
    medians = _median_time_on_document(recent)
    rows = (
        recent.values("actor_id", reviewer=F("actor__username"))
        .annotate(
            reviewed=Count("id"),
            approved=Count("id", filter=Q(detail__to=S.APPROVED)),
            rejected=Count("id", filter=Q(detail__to=S.REJECTED)),
        )
        .order_by("-reviewed", "reviewer")
    )
    return [{**row, "median_time": medians.get(row["actor_id"])} for row in rows]


# --- Extraction quality --------------------------------------------------------------


def reviewed_fields(*, now: datetime, days: int = QUALITY_DAYS):
    """Fields of documents approved in the last `days`: the reviewed truth."""
    return ExtractedField.objects.filter(
        document__status=S.APPROVED, document__reviewed_at__gt=now - timedelta(days=days), document__reviewed_at__lte=now
    )


def field_corrections(*, now: datetime, days: int = QUALITY_DAYS) -> list[dict]:
    """For each kind and field: fields reviewed, corrected, correction rate (0..1)."""
    rows = (
        reviewed_fields(now=now, days=days)
        .values(kind=F("document__kind"), field=F("name"))
        .annotate(fields=Count("id"), corrected=Count("id", filter=Q(corrected=True)), position=Min("position"))
        .order_by("kind", "position", "field")
    )
    return [
        {
            **row,
            "kind_label": DocumentKind(row["kind"]).label if row["kind"] in DocumentKind.values else row["kind"],
            "label": next((spec.label for spec in field_specs(row["kind"]) if spec.name == row["field"]), row["field"]),
            "rate": row["corrected"] / row["fields"],
        }
        for row in rows
    ]


BUCKETS = 10


def confidence_calibration(*, now: datetime, days: int = QUALITY_DAYS) -> list[dict]:
    """Accuracy per confidence bucket [0.0, 0.1) … [0.9, 1.0]: is a 0.9 right 90 % of the time?"""
    bucket = Case(
        *[When(confidence__lt=round((n + 1) / BUCKETS, 2), then=Value(n)) for n in range(BUCKETS - 1)],
        default=Value(BUCKETS - 1),
        output_field=IntegerField(),
    )
    found = {
        row["bucket"]: row
        for row in reviewed_fields(now=now, days=days)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(fields=Count("id"), right=Count("id", filter=Q(corrected=False)))
        .order_by("bucket")
    }
    rows = []
    for n in range(BUCKETS):
        fields = found.get(n, {}).get("fields", 0)
        right = found.get(n, {}).get("right", 0)
        rows.append(
            {
                "low": n / BUCKETS,
                "high": (n + 1) / BUCKETS,
                "fields": fields,
                "right": right,
                "accuracy": right / fields if fields else None,
            }
        )
    return rows


def threshold_effect(*, now: datetime, threshold: float, days: int = QUALITY_DAYS) -> dict:
    """Fields flagged by the review threshold against the errors reviewers found."""
    flagged, error = Q(confidence__lt=threshold), Q(corrected=True)
    totals = reviewed_fields(now=now, days=days).aggregate(
        fields=Count("id"),
        flagged=Count("id", filter=flagged),
        errors=Count("id", filter=error),
        caught=Count("id", filter=flagged & error),
    )
    missed = totals["errors"] - totals["caught"]
    return {
        "threshold": threshold,
        **totals,
        "missed": missed,
        "recall": totals["caught"] / totals["errors"] if totals["errors"] else None,
        "precision": totals["caught"] / totals["flagged"] if totals["flagged"] else None,
        "flagged_share": totals["flagged"] / totals["fields"] if totals["fields"] else None,
    }


# --- Failures ---------------------------------------------------------------------


def failure_reasons() -> list[dict]:
    """Documents that failed processing, by the reason given."""
    rows = list(Document.objects.filter(status=S.FAILED).values("error").annotate(documents=Count("id")).order_by("-documents", "error"))
    total = sum(row["documents"] for row in rows)
    return [
        {"reason": row["error"] or "No reason recorded", "documents": row["documents"], "share": row["documents"] / total}
        for row in rows
    ]


# --- The whole page ---------------------------------------------------------------


def overview(*, now: datetime, threshold: float) -> dict:
    """Every figure of the dashboard page, computed once for one instant."""
    rate = review_rate(now=now)
    batches = batch_deadlines(now=now, rate=rate)
    hours = hourly_throughput(now=now)
    return {
        "now": now,
        "rate_window_hours": int(RATE_WINDOW.total_seconds() // 3600),
        "throughput_days": THROUGHPUT_DAYS,
        "quality_days": QUALITY_DAYS,
        "due_by_status": due_by_status(now=now),
        "due_by_organization": due_by_organization(now=now),
        "batches": batches,
        "forecast": queue_forecast(now=now, rate=rate, batches=batches),
        "hours": hours,
        "processed_total": sum(h["processed"] for h in hours),
        "reviewed_total": sum(h["reviewed"] for h in hours),
        "reviewers": reviewer_stats(now=now),
        "corrections": field_corrections(now=now),
        "calibration": confidence_calibration(now=now),
        "threshold": threshold_effect(now=now, threshold=threshold),
        "failures": failure_reasons(),
    }
