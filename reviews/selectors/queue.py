"""Reads for the review queue: documents ordered by deadline, their counts per status, the next one to work on.

Every query here is one indexed statement (doc_queue_idx, doc_org_status_idx,
doc_batch_status_idx, doc_claim_idx) so the queue stays fast with 100 000 documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import Batch, Document, DocumentKind, DocumentStatus, Organization

ALL_STATUSES = "all"


@dataclass(frozen=True)
class QueueFilter:
    organization_id: int | None = None
    batch_id: int | None = None
    kind: str = ""
    status: str = DocumentStatus.NEEDS_REVIEW
    mine: bool = False
    search: str = ""


def parse_queue_filter(params) -> QueueFilter:
    """A QueueFilter from query parameters; unknown or malformed values are ignored."""

    def as_int(name):
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    status = params.get("status", DocumentStatus.NEEDS_REVIEW)
    if status not in DocumentStatus.values and status != ALL_STATUSES:
        status = DocumentStatus.NEEDS_REVIEW
    kind = params.get("kind", "")
    return QueueFilter(
        organization_id=as_int("organization"),
        batch_id=as_int("batch"),
        kind=kind if kind in DocumentKind.values else "",
        status=status,
        mine=params.get("mine") == "1",
        search=" ".join(params.get("q", "").split())[:100],
    )


def _filtered(queue_filter: QueueFilter, *, user) -> QuerySet[Document]:
    documents = Document.objects.all()
    if queue_filter.organization_id:
        documents = documents.filter(organization_id=queue_filter.organization_id)
    if queue_filter.batch_id:
        documents = documents.filter(batch_id=queue_filter.batch_id)
    if queue_filter.kind:
        documents = documents.filter(kind=queue_filter.kind)
    if queue_filter.mine:
        documents = documents.filter(claimed_by=user, claimed_until__gt=timezone.now())
    if queue_filter.search:
        documents = documents.filter(patient_name__icontains=queue_filter.search)
    return documents


def queue_documents(queue_filter: QueueFilter, *, user) -> QuerySet[Document]:
    documents = _filtered(queue_filter, user=user)
    if queue_filter.status != ALL_STATUSES:
        documents = documents.filter(status=queue_filter.status)
    return documents.select_related("organization", "batch", "claimed_by", "first_approval_by").order_by("due_at", "id")


def status_counts(queue_filter: QueueFilter, *, user) -> list[tuple[str, str, int]]:
    """(status, label, documents) under the other filters, in status order, zeros included."""
    rows = _filtered(queue_filter, user=user).order_by().values("status").annotate(n=Count("id"))
    found = {row["status"]: row["n"] for row in rows}
    return [(status, label, found.get(status, 0)) for status, label in DocumentStatus.choices]


def filter_choices() -> dict:
    """Options for the queue's filter selects: organisations and the latest batches."""
    return {
        "organizations": list(Organization.objects.only("id", "name").order_by("name")),
        "batches": list(Batch.objects.select_related("organization").only(
            "id", "name", "organization__name", "received_at").order_by("-received_at")[:200]),
        "kinds": DocumentKind.choices,
        "statuses": DocumentStatus.choices,
    }


def available_for(user) -> Q:
    """Documents this user may open for review: not held by someone else right now."""
    return Q(claimed_by__isnull=True) | Q(claimed_by=user) | Q(claimed_until__lte=timezone.now())


def next_document(*, user, after: Document | None = None) -> Document | None:
    """The next document needing review, in deadline order, that the user can work on.

    With `after`, the one following it in the queue, wrapping round to the start;
    `after` itself is never returned. Documents whose first approval this user gave
    are left for someone else.
    """
    candidates = (
        Document.objects.filter(status=DocumentStatus.NEEDS_REVIEW)
        .filter(available_for(user))
        .exclude(first_approval_by=user)
        .order_by("due_at", "id")
    )
    if after is None:
        return candidates.first()
    candidates = candidates.exclude(pk=after.pk)
    later = candidates.filter(Q(due_at__gt=after.due_at) | Q(due_at=after.due_at, id__gt=after.pk)).first()
    return later or candidates.first()


SOON = timedelta(hours=2)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def deadline(due_at, now) -> tuple[str, str]:
    """("2 h 05 min left", "soon") style label and urgency: "overdue", "soon" (within 2 h) or ""."""
    left = due_at - now
    if left <= timedelta(0):
        return f"overdue {_duration(-left)}", "overdue"
    return f"{_duration(left)} left", "soon" if left <= SOON else ""


def with_deadlines(documents, now) -> list[Document]:
    """The documents with `time_left`, `urgency` and `holder` (whoever holds an unexpired claim) set for display."""
    documents = list(documents)
    for document in documents:
        document.time_left, document.urgency = deadline(document.due_at, now)
        active = document.claimed_until is not None and document.claimed_until > now
        document.holder = document.claimed_by if active else None
    return documents
