"""The review workflow: claim, release, save corrections, approve, reject, send back.

Every write locks the document row, checks the version the reviewer's form was
built from (a stale form is refused, never silently applied) and the claim (a
document held by someone else cannot be written), and records audit events in
the same transaction. Claims do not bump the version: opening a document in a
second window must not make the first window's form stale.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extraction.fields import field_specs

from ..forms.review import problem_with
from ..models import AuditAction, AuditEvent, Document, DocumentStatus, ExtractedField
from ..roles import ADMIN, has_role
from . import audit
from .transitions import transition

S = DocumentStatus

REJECTION_REASONS = (
    ("illegible", "Illegible or incomplete scan"),
    ("not_medical", "Not a medical document"),
    ("unsupported", "Unsupported document type"),
    ("duplicate", "Duplicate of another document"),
    ("wrong_organization", "Sent for the wrong organisation"),
    ("other", "Other"),
)


class ReviewError(Exception):
    """A refused review action; the message is for the reviewer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleDocument(ReviewError):
    def __init__(self):
        super().__init__(
            "This document was changed after you opened it (by someone else or in another window). "
            "Your changes were not saved; the page now shows the current values."
        )


class ClaimHeld(ReviewError):
    def __init__(self, holder, until):
        self.holder = holder
        self.until = until
        when = timezone.localtime(until).strftime("%H:%M")
        super().__init__(f"{holder.get_username()} is reviewing this document until {when}. Your changes were not saved.")


class ApprovalRefused(ReviewError):
    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        listed = "; ".join(f"{label}: {problem}" for label, problem in problems.items())
        super().__init__(f"Cannot approve yet. {listed}")


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _held_by_other(doc: Document, user, now) -> bool:
    return doc.claimed_by_id not in (None, user.pk) and doc.claimed_until is not None and doc.claimed_until > now


def _check_writable(doc: Document, *, user, version: int, now) -> None:
    if doc.status != S.NEEDS_REVIEW:
        raise ReviewError(f"This document is {doc.get_status_display().lower()}; it is no longer open for review.")
    if doc.version != version:
        raise StaleDocument()
    if _held_by_other(doc, user, now):
        raise ClaimHeld(doc.claimed_by, doc.claimed_until)


def claim(*, document: Document, user, request=None) -> Document:
    """Hold a document needing review for this reviewer for CLAIM_MINUTES.

    Re-opening one's own claim extends it. Raises ClaimHeld when another
    reviewer holds it. A document whose first approval this user gave is not
    claimed: its second check is for someone else.
    """
    now = timezone.now()
    with transaction.atomic():
        doc = _locked(document)
        if doc.status != S.NEEDS_REVIEW or doc.first_approval_by_id == user.pk:
            return document
        if _held_by_other(doc, user, now):
            raise ClaimHeld(doc.claimed_by, doc.claimed_until)
        until = _hold(doc, user=user, now=now, request=request)
    document.claimed_by, document.claimed_until = user, until
    return document


def _hold(doc: Document, *, user, now, request):
    """Claim a locked document for CLAIM_MINUTES from now; a new claim (not an extension) is recorded."""
    extending = doc.claimed_by_id == user.pk and doc.claimed_until is not None and doc.claimed_until > now
    until = now + timedelta(minutes=settings.CLAIM_MINUTES)
    Document.objects.filter(pk=doc.pk).update(claimed_by=user, claimed_until=until)
    if not extending:
        audit.record(action=AuditAction.CLAIM, actor=user, document=doc, request=request,
                     detail={"until": until.isoformat()})
    return until


def release(*, document: Document, user, request=None) -> Document:
    """Give up a claim: the holder may release their own, an admin anyone's."""
    with transaction.atomic():
        doc = _locked(document)
        if doc.claimed_by_id is None:
            return document
        if doc.claimed_by_id != user.pk and not has_role(user, ADMIN):
            raise ReviewError("Only the reviewer holding this document or an admin can release it.")
        holder = doc.claimed_by
        Document.objects.filter(pk=doc.pk).update(claimed_by=None, claimed_until=None)
        audit.record(action=AuditAction.RELEASE, actor=user, document=doc, request=request,
                     detail={"holder": holder.get_username()})
    document.claimed_by, document.claimed_until = None, None
    return document


def _apply_corrections(doc: Document, *, user, corrections: dict, request) -> list[str]:
    """Write changed values and one audit event per change; returns the changed names."""
    specs = {spec.name: (position, spec) for position, spec in enumerate(field_specs(doc.kind))}
    unknown = set(corrections) - set(specs)
    if unknown:
        raise ReviewError(f"Unknown fields for this kind of document: {', '.join(sorted(unknown))}.")
    existing = {field.name: field for field in ExtractedField.objects.filter(document=doc)}
    changed = []
    for name, new in corrections.items():
        position, spec = specs[name]
        field = existing.get(name) or ExtractedField(document=doc, name=name, position=position, confidence=0.0)
        old = field.value
        if old == new:
            continue
        field.value, field.corrected, field.corrected_by = new, True, user
        field.save()
        audit.record(action=AuditAction.CORRECTION, actor=user, document=doc, request=request,
                     detail={"field": name, "label": spec.label, "old": old, "new": new})
        changed.append(name)
    return changed


def _save(doc: Document, *, user, corrections: dict, now, request) -> list[str]:
    """Apply corrections to a locked, checked document and hold it for the user."""
    _hold(doc, user=user, now=now, request=request)
    changed = _apply_corrections(doc, user=user, corrections=corrections, request=request)
    if changed:
        # The first approval of a double-checked document covered the old values.
        update = {"version": F("version") + 1, "first_approval_by": None, "first_approval_at": None}
        if "patient_name" in changed:
            update["patient_name"] = (corrections["patient_name"] or "")[:200]
        Document.objects.filter(pk=doc.pk).update(**update)
    return changed


def save_corrections(*, document: Document, user, version: int, corrections: dict, request=None) -> list[str]:
    """Save a reviewer's corrections ({field name: parsed value}); returns the names that changed."""
    now = timezone.now()
    with transaction.atomic():
        doc = _locked(document)
        _check_writable(doc, user=user, version=version, now=now)
        changed = _save(doc, user=user, corrections=corrections, now=now, request=request)
    document.refresh_from_db()
    return changed


def approval_problems(document: Document) -> dict[str, str]:
    """{field label: problem} for required fields left empty and values that are not valid."""
    values = {field.name: field.value for field in ExtractedField.objects.filter(document=document)}
    problems = {}
    for spec in field_specs(document.kind):
        problem = problem_with(spec, values.get(spec.name))
        if problem:
            problems[spec.label] = problem
    return problems


def approve(*, document: Document, user, version: int, corrections: dict | None = None, request=None) -> Document:
    """Save any last corrections and approve, in one transaction.

    For a double-check organisation the first approval is recorded and the
    document stays in review, awaiting a second reviewer who neither gave the
    first approval nor corrected any field. Refusals raise ReviewError and
    leave nothing saved.
    """
    now = timezone.now()
    with transaction.atomic():
        doc = _locked(document)
        _check_writable(doc, user=user, version=version, now=now)
        if doc.kind not in ("prescription", "patient_details"):
            raise ReviewError("A document of unknown kind cannot be approved; send it back or reject it.")
        _save(doc, user=user, corrections=corrections or {}, now=now, request=request)
        doc = _locked(document)
        problems = approval_problems(doc)
        if problems:
            raise ApprovalRefused(problems)
        if doc.organization.double_check:
            if doc.first_approval_by_id is None:
                _first_approval(doc, user=user, now=now, request=request)
                document.refresh_from_db()
                return document
            if doc.first_approval_by_id == user.pk:
                raise ReviewError("You gave the first approval. A second reviewer who made no corrections must approve it.")
            if AuditEvent.objects.filter(document=doc, action=AuditAction.CORRECTION, actor=user).exists():
                raise ReviewError(
                    "You corrected fields of this document, so you cannot give its second approval. "
                    "A reviewer who made no corrections must approve it."
                )
        transition(document=doc, to=S.APPROVED, actor=user, request=request,
                   reviewed_by=user, reviewed_at=now, claimed_by=None, claimed_until=None)
    document.refresh_from_db()
    return document


def _first_approval(doc: Document, *, user, now, request) -> None:
    Document.objects.filter(pk=doc.pk).update(
        first_approval_by=user, first_approval_at=now, version=F("version") + 1, claimed_by=None, claimed_until=None
    )
    audit.record(action=AuditAction.STATUS, actor=user, document=doc, request=request,
                 detail={"from": doc.status, "to": doc.status, "first_approval": True})


def reject(*, document: Document, user, version: int, reason: str, note: str = "", request=None) -> Document:
    """Reject with a reason from REJECTION_REASONS and optional free text ("other" needs the text)."""
    reasons = dict(REJECTION_REASONS)
    note = " ".join((note or "").split())[:500]
    if reason not in reasons:
        raise ReviewError("Choose a reason for the rejection.")
    if reason == "other" and not note:
        raise ReviewError("Say why the document is rejected.")
    text = f"{reasons[reason]}: {note}" if note else reasons[reason]
    now = timezone.now()
    with transaction.atomic():
        doc = _locked(document)
        _check_writable(doc, user=user, version=version, now=now)
        transition(document=doc, to=S.REJECTED, actor=user, request=request, reason=text,
                   rejection_reason=text, reviewed_by=user, reviewed_at=now, claimed_by=None, claimed_until=None,
                   first_approval_by=None, first_approval_at=None)
    document.refresh_from_db()
    return document


def send_back(*, document: Document, user, version: int, request=None) -> Document:
    """Return a document to the processing queue and enqueue its extraction once committed.

    Reviewers may send back documents in review; a finished (approved,
    rejected, failed, duplicate) document only an admin may re-process.
    """
    now = timezone.now()
    with transaction.atomic():
        doc = _locked(document)
        if doc.version != version:
            raise StaleDocument()
        if doc.status == S.NEEDS_REVIEW:
            if _held_by_other(doc, user, now) and not has_role(user, ADMIN):
                raise ClaimHeld(doc.claimed_by, doc.claimed_until)
        elif doc.status in (S.QUEUED, S.PROCESSING):
            raise ReviewError("This document is already waiting for processing.")
        elif not has_role(user, ADMIN):
            raise ReviewError("Only an admin can re-process a finished document.")
        transition(document=doc, to=S.QUEUED, actor=user, request=request, reason="sent back to processing",
                   claimed_by=None, claimed_until=None, first_approval_by=None, first_approval_at=None)
        transaction.on_commit(lambda: _enqueue_processing(doc.pk))
    document.refresh_from_db()
    return document


def _enqueue_processing(document_id: int) -> None:
    # The same enqueue as intake, so the time limits in force travel with the message.
    from .intake import enqueue

    enqueue(document_id)
