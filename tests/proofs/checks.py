"""A batch of cheap, real documents for the fault scenarios, and the checks that nothing was lost or doubled."""
from __future__ import annotations

import io
import time
from collections import Counter

from django.core.files.storage import default_storage
from django.db import close_old_connections

from extraction.fields import PRESCRIPTION, field_names
from extraction.synth import generate_document
from reviews.models import AuditAction, AuditEvent, Batch, Document, DocumentStatus, ExtractedField, Page
from reviews.services.intake import create_batch, intake_files
from tests.support import documents

S = DocumentStatus
OPEN = (S.QUEUED, S.PROCESSING)


def synthetic_prescriptions(count: int, first_seed: int = 9000) -> list[tuple[str, bytes]]:
    """`count` clean one-page prescriptions as PNGs, each different (about a second of OCR each)."""
    return [
        (f"rx_{i:03d}.png", generate_document(PRESCRIPTION, first_seed + i, "clean", "png")[0])
        for i in range(count)
    ]


def intake_batch(count: int, name: str) -> Batch:
    """A batch taken in through the real intake service: stored, queued, enqueued on commit."""
    batch = create_batch(organization=documents.organization(f"{name} org"), name=name)
    report = intake_files(batch=batch, files=[(n, io.BytesIO(data)) for n, data in synthetic_prescriptions(count)])
    assert len(report.documents) == count, report.summary()
    return batch


def wait_for_document_in_flight(batch: Batch, *, worker, timeout: float = 60.0, fresh: float = 0.3) -> Document:
    """A document whose processing started less than `fresh` seconds ago (so the OCR is running now)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        document = batch.documents.filter(status=S.PROCESSING).order_by("-processing_started_at").first()
        if document is not None:
            from django.utils import timezone

            if (timezone.now() - document.processing_started_at).total_seconds() < fresh:
                return document
        time.sleep(0.02)
    raise AssertionError(f"No document started processing within {timeout}s.\n{worker.output()[-4000:]}")


def wait_until_final(batch: Batch, *, worker, timeout: float) -> None:
    documents.wait_until(lambda: not batch.documents.filter(status__in=OPEN).exists(), timeout=timeout,
                         worker=worker, interval=0.5)


def status_changes(document: Document) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(document=document, action=AuditAction.STATUS).order_by("id")
    return [(event.detail["from"], event.detail["to"]) for event in events]


def page_files(document: Document) -> set[str]:
    folder = f"pages/{document.organization_id}/{document.pk}"
    return {f"{folder}/{name}" for name in default_storage.listdir(folder)[1]} if default_storage.exists(folder) else set()


def assert_each_processed_exactly_once(batch: Batch, count: int) -> dict[int, int]:
    """Every document of the batch reached review once, with one set of pages and fields; {id: attempts}."""
    docs = list(batch.documents.order_by("id"))
    assert len(docs) == count
    assert Counter(d.status for d in docs) == {S.NEEDS_REVIEW: count}
    names = field_names(PRESCRIPTION)
    for document in docs:
        assert document.kind == PRESCRIPTION, document.original_filename
        pages = list(Page.objects.filter(document=document).order_by("number"))
        assert [page.number for page in pages] == [1]
        assert page_files(document) == {pages[0].image.name}  # no rendition of an interrupted run left behind
        fields = list(ExtractedField.objects.filter(document=document).order_by("position"))
        assert [(f.position, f.name) for f in fields] == list(enumerate(names))
        changes = status_changes(document)
        assert changes.count(("processing", "needs_review")) == 1
        assert changes[0] == ("queued", "processing")
        # A redelivered task restarts processing; nothing else may appear in between.
        restarts = changes.count(("processing", "processing"))
        assert changes == [("queued", "processing")] + [("processing", "processing")] * restarts + [
            ("processing", "needs_review")]
        assert document.attempts == restarts + 1
    return {d.pk: d.attempts for d in docs}
