"""Reads for the API: records and batches with progress counts, scoped to what the user may see."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..models import Batch, Document, DocumentStatus
from .exports import export_organizations, with_record_data

PROGRESS_STATUSES = [status.value for status in DocumentStatus]


def records_for(user) -> QuerySet[Document]:
    """Approved documents of the organisations the user may export, ready to serialise."""
    documents = Document.objects.filter(
        organization__in=export_organizations(user), status=DocumentStatus.APPROVED
    )
    return with_record_data(documents).order_by("reviewed_at", "id")


def batches_for(user) -> QuerySet[Batch]:
    """Batches of the user's organisations, each with its document counts by status (one query)."""
    counts = {f"count_{status}": Count("documents", filter=Q(documents__status=status)) for status in PROGRESS_STATUSES}
    return (
        Batch.objects.filter(organization__in=export_organizations(user))
        .select_related("organization")
        .annotate(total=Count("documents"), **counts)
        .order_by("-received_at", "-id")
    )
