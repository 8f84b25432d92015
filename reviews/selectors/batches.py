"""Reads for the batch pages: progress counts, failures, the list of batches."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet

from ..models import Batch, Document, DocumentStatus

S = DocumentStatus
IN_FLIGHT = (S.QUEUED, S.PROCESSING)


@dataclass(frozen=True)
class BatchProgress:
    total: int
    queued: int
    processing: int
    needs_review: int
    approved: int
    rejected: int
    failed: int
    duplicate: int
    intake_errors: int

    @property
    def done(self) -> int:
        """Documents whose processing has ended, whatever the outcome."""
        return self.total - self.queued - self.processing

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else (100 * self.done) // self.total

    @property
    def finished(self) -> bool:
        return self.done == self.total

    def as_dict(self) -> dict:
        return {**asdict(self), "done": self.done, "percent": self.percent, "finished": self.finished}


def status_counts() -> dict:
    counts = {"total": Count("id")}
    for status in S:
        counts[status.value] = Count("id", filter=Q(status=status))
    return counts


def batch_progress(*, batch: Batch) -> BatchProgress:
    counts = Document.objects.filter(batch=batch).aggregate(**status_counts())
    return BatchProgress(
        total=counts["total"],
        queued=counts[S.QUEUED],
        processing=counts[S.PROCESSING],
        needs_review=counts[S.NEEDS_REVIEW],
        approved=counts[S.APPROVED],
        rejected=counts[S.REJECTED],
        failed=counts[S.FAILED],
        duplicate=counts[S.DUPLICATE],
        intake_errors=len(batch.intake_errors or []),
    )


def batch_failures(*, batch: Batch) -> QuerySet[Document]:
    return Document.objects.filter(batch=batch, status=S.FAILED).only("id", "original_filename", "error").order_by("id")


def batch_documents(*, batch: Batch) -> QuerySet[Document]:
    return Document.objects.filter(batch=batch).select_related("duplicate_of").order_by("id")


def batch_list() -> QuerySet[Batch]:
    """Batches, newest first, each with its document counts."""
    return Batch.objects.select_related("organization", "uploaded_by").annotate(
        total=Count("documents"),
        in_flight=Count("documents", filter=Q(documents__status__in=IN_FLIGHT)),
        needs_review=Count("documents", filter=Q(documents__status=S.NEEDS_REVIEW)),
        failed=Count("documents", filter=Q(documents__status=S.FAILED)),
    ).order_by("-received_at", "-id")
