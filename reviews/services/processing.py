"""Processing results: starting a run, storing what the engine read, failing, re-processing.

`extraction.tasks.process_document` calls these in order: start_processing,
then store_extraction or mark_failed. Every write is idempotent: a run that is
delivered twice (a worker died mid-task) replaces the pages and fields of the
first instead of adding to them.
"""
from __future__ import annotations

import io
import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from extraction.fields import field_specs
from extraction.types import Extraction

from ..models import AuditAction, Document, DocumentStatus, ExtractedField, Page
from . import audit
from .transitions import transition

logger = logging.getLogger(__name__)
S = DocumentStatus

# A document whose processing was started this many times without finishing
# (worker killed, hard time limit, transient errors) is failed instead of
# being handed to yet another worker.
MAX_ATTEMPTS = 5
RENDITION_MAX_WIDTH = 1600
REPROCESSABLE = (S.FAILED, S.NEEDS_REVIEW, S.QUEUED, S.PROCESSING)


def start_processing(*, document_id: int, worker: str = "") -> Document | None:
    """Mark the document as processing; None when there is nothing to do.

    `worker`, the Celery node that took the task, goes into the status event.

    A document that is no longer queued or processing was finished by an
    earlier delivery of the same task (or re-processed meanwhile), so the
    run is skipped rather than repeated.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status not in (S.QUEUED, S.PROCESSING):
            return None
        if document.attempts >= MAX_ATTEMPTS:
            reason = (
                f"Processing was interrupted {document.attempts} times (the worker stopped or ran out of time). "
                "The file is kept; re-process it once the cause is fixed."
            )
            transition(document=document, to=S.FAILED, reason=reason, error=reason, processed_at=timezone.now())
            return None
        return transition(
            document=document, to=S.PROCESSING, error="", extra_detail=worker_detail(worker),
            attempts=F("attempts") + 1, processing_started_at=timezone.now(),
        )


def worker_detail(worker: str) -> dict:
    """Which worker did the run, for the audit trail of a deployment with several worker hosts."""
    return {"worker": worker} if worker else {}


@contextmanager
def original_on_disk(document: Document) -> Iterator[Path]:
    """The stored original copied to a temporary file, read through the storage API."""
    with tempfile.TemporaryDirectory(prefix="medocr-") as folder:
        path = Path(folder) / "original"
        with document.original.open("rb") as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path


def rendition(image: Image.Image) -> tuple[bytes, int, int]:
    """The page as a PNG at screen resolution for the review viewer.

    Colour pages are reduced to a 256-colour palette: a phone photo of a page
    drops from about 3.3 MB to 0.8 MB and still reads the same on screen.
    """
    import cv2  # only workers render pages: web processes need not load OpenCV
    import numpy as np

    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if image.width > RENDITION_MAX_WIDTH:
        height = max(1, round(image.height * RENDITION_MAX_WIDTH / image.width))
        # Area averaging: as sharp as Lanczos for a reduction, in a tenth of the time.
        pixels = cv2.resize(np.asarray(image), (RENDITION_MAX_WIDTH, height), interpolation=cv2.INTER_AREA)
        image = Image.fromarray(pixels, mode=image.mode)
    width, height = image.size
    if image.mode == "RGB":
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    # Level 3 writes a page in under half the time of level 6, for files about 6 % larger.
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue(), width, height


def field_rows(document: Document, extraction: Extraction) -> list[ExtractedField]:
    """One row per field of the kind, in FIELD_SPECS order, then any extra fields the engine added."""
    names = [spec.name for spec in field_specs(extraction.kind)]
    names += [name for name in extraction.fields if name not in names]
    rows = []
    for position, name in enumerate(names):
        result = extraction.fields.get(name)
        value = result.value if result else None
        rows.append(ExtractedField(
            document=document, name=name, position=position, extracted_value=value, value=value,
            confidence=float(result.confidence) if result else 0.0,
            page=result.page if result and value is not None else None,
            bbox=[float(v) for v in result.bbox] if result and result.bbox and value is not None else None,
        ))
    return rows


def store_extraction(*, document: Document, extraction: Extraction, actor=None, worker: str = "") -> Document | None:
    """Replace the document's pages and fields with the engine's result and send it to review.

    Page images are rendered and stored before the transaction; if another
    delivery of the task got there first, they are deleted again.
    """
    pages = save_renditions(document, extraction)
    new_files = [row.image.name for row in pages]
    try:
        with transaction.atomic():
            current = Document.objects.select_for_update().get(pk=document.pk)
            if current.status != S.PROCESSING:
                raise StaleRun
            old_files = list(Page.objects.filter(document=current).values_list("image", flat=True))
            Page.objects.filter(document=current).delete()
            ExtractedField.objects.filter(document=current).delete()
            Page.objects.bulk_create(pages)
            ExtractedField.objects.bulk_create(field_rows(current, extraction))
            patient = extraction.fields.get("patient_name")
            name = patient.value if patient and isinstance(patient.value, str) else ""
            transaction.on_commit(partial(delete_files, old_files))
            return transition(
                document=current, to=S.NEEDS_REVIEW, actor=actor, extra_detail=worker_detail(worker),
                kind=extraction.kind, kind_confidence=float(extraction.kind_confidence),
                page_count=len(extraction.pages), patient_name=name[:200], error="", processed_at=timezone.now(),
            )
    except StaleRun:
        delete_files(new_files)
        return None
    except BaseException:
        delete_files(new_files)
        raise


def save_renditions(document: Document, extraction: Extraction) -> list[Page]:
    """Unsaved Page rows whose images are stored; if one fails, the images stored before it are deleted."""
    pages: list[Page] = []
    try:
        for page in extraction.pages:
            data, width, height = rendition(page.image)
            row = Page(document=document, number=page.number, width=width, height=height, words=[
                {"text": word.text, "conf": round(float(word.confidence), 3),
                 "bbox": [round(float(v), 4) for v in word.bbox]}
                for word in page.words
            ])
            row.image.save("page.png", ContentFile(data), save=False)
            pages.append(row)
    except BaseException:
        delete_files([row.image.name for row in pages])
        raise
    return pages


class StaleRun(Exception):
    """The document left `processing` while this run was working on it."""


def delete_files(names: Iterable[str]) -> None:
    """Best effort: a file left behind is only wasted space, never a reason to fail a run."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception as error:  # OSError locally, botocore errors from an object store
            logger.warning("could not delete stored file %s (%s)", name, type(error).__name__)


def mark_failed(*, document: Document, reason: str, actor=None) -> Document | None:
    """Record why the document could not be read. The original stays stored."""
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.status != S.PROCESSING:
            return None
        return transition(document=current, to=S.FAILED, actor=actor, reason=reason, error=reason,
                          processed_at=timezone.now())


def mark_failed_by_id(*, document_id: int, reason: str) -> Document | None:
    document = Document.objects.filter(pk=document_id).first()
    return mark_failed(document=document, reason=reason) if document else None


@dataclass
class ReprocessResult:
    queued: list[Document] = field(default_factory=list)
    skipped: list[tuple[Document, str]] = field(default_factory=list)


def reprocess(*, documents: Iterable[Document], actor, request=None) -> ReprocessResult:
    """Send documents back to processing; their pages and fields are replaced when it finishes.

    Approved and rejected documents keep their reviewed values and are not
    re-processed; a duplicate is the same file as its original, so it is
    skipped too.
    """
    from reviews.services.intake import enqueue

    result = ReprocessResult()
    for document in documents:
        with transaction.atomic():
            current = Document.objects.select_for_update().get(pk=document.pk)
            if current.status not in REPROCESSABLE:
                result.skipped.append((current, f"it is {current.get_status_display().lower()}"))
                continue
            audit.record(action=AuditAction.REPROCESS, actor=actor, document=current, request=request,
                         detail={"from": current.status})
            if current.status != S.QUEUED:
                current = transition(document=current, to=S.QUEUED, actor=actor, request=request,
                                     reason="Sent to processing again.", error="", attempts=0,
                                     claimed_by=None, claimed_until=None)
            transaction.on_commit(partial(enqueue, current.pk), robust=True)
        result.queued.append(current)
    return result
