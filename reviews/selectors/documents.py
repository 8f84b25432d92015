"""Reads for one document: the review page's data, its pages and files, its audit timeline."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from extraction.fields import FieldSpec, field_specs

from ..models import AuditAction, AuditEvent, Document, DocumentStatus, ExtractedField, Page
from ..roles import ADMIN, INSURER, REVIEWER, has_role, organization_of


def document_for_review(*, document_id: int) -> Document:
    return get_object_or_404(
        Document.objects.select_related("organization", "batch", "claimed_by", "first_approval_by", "reviewed_by"),
        pk=document_id,
    )


def document_pages(document: Document) -> list[Page]:
    return list(document.pages.only("id", "document_id", "number", "width", "height").order_by("number"))


def page_of(*, document_id: int, number: int) -> Page:
    return get_object_or_404(Page.objects.select_related("document"), document_id=document_id, number=number)


def fields_by_name(document: Document) -> dict[str, ExtractedField]:
    return {field.name: field for field in document.fields.select_related("corrected_by")}


@dataclass(frozen=True)
class FieldRow:
    """One field as the review page shows it."""

    spec: FieldSpec
    field: ExtractedField | None

    @property
    def confidence(self) -> float | None:
        return self.field.confidence if self.field else None

    @property
    def low(self) -> bool:
        return self.confidence is None or self.confidence < settings.REVIEW_THRESHOLD

    @property
    def page(self) -> int | None:
        return self.field.page if self.field else None

    @property
    def bbox(self) -> list[float] | None:
        bbox = self.field.bbox if self.field else None
        return bbox if isinstance(bbox, list) and len(bbox) == 4 else None

    @property
    def extracted_text(self) -> str:
        value = self.field.extracted_value if self.field else None
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        return "" if value is None else str(value)


def field_groups(document: Document, fields: dict[str, ExtractedField]) -> list[tuple[str, list[FieldRow]]]:
    """The kind's fields grouped as on the paper form, in the form's order."""
    groups: dict[str, list[FieldRow]] = {}
    for spec in field_specs(document.kind):
        groups.setdefault(spec.group, []).append(FieldRow(spec=spec, field=fields.get(spec.name)))
    return list(groups.items())


def audit_timeline(document: Document) -> QuerySet[AuditEvent]:
    """Every recorded event of the document, oldest first."""
    return AuditEvent.objects.filter(document=document).select_related("actor").order_by("created_at", "id")


def recent_changes(document: Document, limit: int = 12) -> list[AuditEvent]:
    """The latest status changes, corrections and claims (views and downloads left out), newest first."""
    actions = [AuditAction.STATUS, AuditAction.CORRECTION, AuditAction.CLAIM, AuditAction.RELEASE, AuditAction.REPROCESS]
    return list(
        AuditEvent.objects.filter(document=document, action__in=actions)
        .select_related("actor").order_by("-created_at", "-id")[:limit]
    )


def downloadable_original(*, user, document_id: int) -> Document:
    """The document whose original this user may download, or 404.

    Reviewers and admins: any organisation's. Insurers: their own organisation's
    approved documents only; anything else is reported as not found so that its
    existence is not revealed.
    """
    documents = Document.objects.select_related("organization", "batch")
    if has_role(user, REVIEWER, ADMIN):
        return get_object_or_404(documents, pk=document_id)
    organization = organization_of(user) if has_role(user, INSURER) else None
    if organization is None:
        return get_object_or_404(documents.none(), pk=document_id)
    return get_object_or_404(
        documents, pk=document_id, organization=organization, status=DocumentStatus.APPROVED
    )


def _shown(value) -> str:
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, list):
        return "“" + "; ".join(str(item) for item in value) + "”"
    return f"“{value}”"


def describe_event(event: AuditEvent) -> str:
    """One line saying what happened, for the timeline."""
    detail = event.detail or {}
    if event.action == AuditAction.STATUS:
        if detail.get("first_approval"):
            return "First approval; awaiting a second check"
        labels = dict(DocumentStatus.choices)
        text = f"Status: {labels.get(detail.get('from'), '?')} → {labels.get(detail.get('to'), '?')}"
        return f"{text} ({detail['reason']})" if detail.get("reason") else text
    if event.action == AuditAction.CORRECTION:
        label = detail.get("label") or detail.get("field", "field")
        return f"{label}: {_shown(detail.get('old'))} → {_shown(detail.get('new'))}"
    if event.action == AuditAction.CLAIM:
        return "Claimed for review"
    if event.action == AuditAction.RELEASE:
        holder = detail.get("holder")
        return f"Released the claim of {holder}" if holder else "Released the claim"
    if event.action == AuditAction.VIEW:
        return f"Viewed page {detail.get('page', '?')}"
    if event.action == AuditAction.DOWNLOAD:
        return "Downloaded the original"
    return event.get_action_display()


def with_descriptions(events) -> list[AuditEvent]:
    events = list(events)
    for event in events:
        event.description = describe_event(event)
    return events
