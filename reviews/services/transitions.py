"""Status changes. Each one writes the new status and its audit event in one transaction."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ..models import AuditAction, Document, DocumentStatus
from . import audit

S = DocumentStatus

# Which status may follow which. "failed" can be reached from any processing
# step; re-processing sends a document back to the queue.
ALLOWED = {
    S.QUEUED: {S.PROCESSING, S.FAILED, S.DUPLICATE},
    S.PROCESSING: {S.NEEDS_REVIEW, S.FAILED, S.QUEUED, S.PROCESSING},
    S.NEEDS_REVIEW: {S.APPROVED, S.REJECTED, S.QUEUED},
    S.APPROVED: {S.QUEUED},
    S.REJECTED: {S.QUEUED},
    S.FAILED: {S.QUEUED},
    S.DUPLICATE: {S.QUEUED},
}


class TransitionError(Exception):
    pass


def transition(*, document: Document, to: str, actor=None, request=None, reason: str = "",
               extra_detail: dict | None = None, **fields) -> Document:
    """Move a document to status `to`, bump its version and record the change.

    `extra_detail` is added to the audit event's detail (e.g. the worker that
    did a processing run). Extra keyword arguments are model fields written in
    the same UPDATE.
    """
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if to not in ALLOWED[S(current.status)]:
            raise TransitionError(f"A document that is {current.get_status_display().lower()} cannot become {S(to).label.lower()}.")
        Document.objects.filter(pk=current.pk).update(status=to, version=F("version") + 1, **fields)
        detail = {"from": current.status, "to": to}
        if reason:
            detail["reason"] = reason
        detail.update(extra_detail or {})
        audit.record(action=AuditAction.STATUS, actor=actor, document=current, detail=detail, request=request)
    document.refresh_from_db()
    return document
