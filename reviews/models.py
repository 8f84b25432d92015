"""Documents, their pages and fields, and the append-only audit trail.

Models hold fields, constraints and small properties. Workflows (intake,
status changes, corrections) live in reviews.services.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Organization(models.Model):
    """An insurer client of the firm."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    double_check = models.BooleanField(
        default=False, help_text="Approval needs a second reviewer who made no corrections."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Which organisation an insurer user belongs to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class Batch(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    # Problems found at intake that did not become a Document (zip members
    # that are not documents, files over the size limit): [{"name", "error"}].
    intake_errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    NEEDS_REVIEW = "needs_review", "Needs review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"
    DUPLICATE = "duplicate", "Duplicate"


FINAL_STATUSES = (DocumentStatus.APPROVED, DocumentStatus.REJECTED, DocumentStatus.FAILED, DocumentStatus.DUPLICATE)


class DocumentKind(models.TextChoices):
    PRESCRIPTION = "prescription", "Prescription"
    PATIENT_DETAILS = "patient_details", "Patient medical record"
    UNKNOWN = "unknown", "Unknown"


def original_upload_to(instance: "Document", filename: str) -> str:
    # The stored name never derives from the uploaded name (path traversal,
    # control characters); the original name is kept in original_filename.
    return f"originals/{instance.batch.organization_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="documents")
    # Denormalised from the batch so the queue can filter and order on one index.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="documents")
    due_at = models.DateTimeField()

    original = models.FileField(upload_to=original_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)

    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.UNKNOWN)
    kind_confidence = models.FloatField(default=0.0)
    status = models.CharField(max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    error = models.TextField(blank=True, help_text="Why processing failed, in words for a person.")
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates")
    # Denormalised for the queue's search box; updated with the field.
    patient_name = models.CharField(max_length=200, blank=True)

    # Review state.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every write; stale forms are refused.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # Double-check organisations: the first approval waits here for a second
    # reviewer who made no corrections.
    first_approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_approval_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at", "id"], name="doc_queue_idx"),
            models.Index(fields=["organization", "status", "due_at"], name="doc_org_status_idx"),
            models.Index(fields=["batch", "status"], name="doc_batch_status_idx"),
            models.Index(fields=["organization", "sha256"], name="doc_org_sha_idx"),
            models.Index(fields=["status", "reviewed_at"], name="doc_reviewed_idx"),
            models.Index(fields=["claimed_by", "status"], name="doc_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_filename}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


def page_upload_to(instance: "Page", filename: str) -> str:
    return f"pages/{instance.document.organization_id}/{instance.document_id}/{uuid.uuid4().hex}.png"


class Page(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    image = models.FileField(upload_to=page_upload_to, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # OCR words: [{"text", "conf", "bbox": [l, t, r, b] as page fractions}].
    words = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="page_unique_number")]

    def __str__(self) -> str:
        return f"page {self.number} of {self.document_id}"


class ExtractedField(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=64)
    position = models.PositiveIntegerField(default=0)
    extracted_value = models.JSONField(null=True, blank=True)
    value = models.JSONField(null=True, blank=True)
    confidence = models.FloatField(default=0.0)
    page = models.PositiveIntegerField(null=True, blank=True)
    bbox = models.JSONField(null=True, blank=True)
    corrected = models.BooleanField(default=False)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "name"], name="field_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} of {self.document_id}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON Lines"
    FHIR = "fhir", "FHIR R4 Bundle"


def export_upload_to(instance: "Export", filename: str) -> str:
    return f"exports/{instance.organization_id}/{uuid.uuid4().hex}.{instance.format}"


class Export(models.Model):
    """One download of approved records, kept so it can be fetched again byte-identical."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    documents = models.ManyToManyField(Document, related_name="exports", blank=True)
    document_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="export_org_idx")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export #{self.pk}"


class AuditAction(models.TextChoices):
    STATUS = "status", "Status changed"
    UPLOAD = "upload", "Uploaded"
    CORRECTION = "correction", "Field corrected"
    CLAIM = "claim", "Claimed"
    RELEASE = "release", "Released"
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    REPROCESS = "reprocess", "Sent to processing"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing that happened. Append-only: never updated, never deleted.

    Besides these guards, on PostgreSQL a trigger refuses UPDATE and DELETE on
    the table itself (migration 0002).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # What changed: {"from": ..., "to": ...} for status, {"field", "old", "new"}
    # for corrections, {"page": n} for views. Field values appear here because
    # the trail must show old and new; it is never written to logs.
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["document", "created_at"], name="audit_doc_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class BatchAlertState(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    OVERDUE = "overdue", "Overdue"


class BatchAlert(models.Model):
    """A deadline e-mail already sent: at most one per batch and state."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="alerts")
    state = models.CharField(max_length=20, choices=BatchAlertState.choices)
    created_at = models.DateTimeField(default=timezone.now)
    open_documents = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["batch", "state"], name="batch_alert_unique_state")]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.batch}"
