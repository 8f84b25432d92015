"""The object store becomes unreachable in the middle of a task, then comes back.

The worker reaches the store through a link (tests.support.s3.StoreLink) that
is cut at the moment the worker, having read the original and OCRed it, first
asks the store about a page image. The task fails with a transient error, is
retried by Celery, and once the link is restored the retry finishes: one set
of pages and fields, no stray objects, the original untouched. A run that
fails between two page images deletes the one it had stored.
"""
import io

import pytest

from extraction.fields import field_names
from reviews.models import AuditAction, AuditEvent, DocumentStatus, ExtractedField, Page
from reviews.services import intake
from tests.scaleout.conftest import files_under, ocr_worker
from tests.scaleout.inputs import small_note, synthetic_prescription
from tests.support import documents
from tests.support.s3 import StoreLink

pytestmark = pytest.mark.worker
S = DocumentStatus


def test_a_task_that_loses_the_store_midway_is_retried_and_stores_one_set_of_pages(
        s3_store, transactional_db, tmp_path):
    link = StoreLink(s3_store.port)
    link.up()
    link.cut_on(b"/pages/")
    worker = ocr_worker(s3_store, tmp_path / "worker-media", hostname="ocr@worker-host-1", endpoint=link.endpoint)
    data, _ = synthetic_prescription(5)
    try:
        worker.start()
        batch = intake.create_batch(organization=documents.organization(), name="Outage")
        [document] = intake.intake_files(batch=batch, files=[("rx.png", io.BytesIO(data))]).documents

        assert link.cut_done.wait(timeout=90), worker.output()[-4000:]
        failed_try = f"document {document.pk}: transient EndpointConnectionError"
        documents.wait_until(lambda: failed_try in worker.output(), timeout=60, worker=worker)
        document.refresh_from_db()
        assert (document.status, document.attempts) == (S.PROCESSING, 1)
        assert Page.objects.filter(document=document).count() == 0
        assert s3_store.keys() == [document.original.name]

        link.up()
        documents.wait_until(lambda: type(document).objects.get(pk=document.pk).status == S.NEEDS_REVIEW,
                             timeout=90, worker=worker)
    finally:
        worker.stop()
        link.cut()

    document.refresh_from_db()
    assert (document.kind, document.page_count, document.attempts, document.error) == ("prescription", 1, 2, "")
    trail = [(e.detail["from"], e.detail["to"], e.detail["worker"])
             for e in AuditEvent.objects.filter(document=document, action=AuditAction.STATUS).order_by("id")]
    assert trail == [
        ("queued", "processing", "ocr@worker-host-1"),
        ("processing", "processing", "ocr@worker-host-1"),
        ("processing", "needs_review", "ocr@worker-host-1"),
    ]
    [page] = Page.objects.filter(document=document)
    assert page.number == 1
    assert [f.name for f in ExtractedField.objects.filter(document=document)] == field_names("prescription")
    assert s3_store.keys() == sorted([document.original.name, page.image.name])
    assert s3_store.read(document.original.name) == data
    assert "Retry in 10s" in worker.output()
    assert files_under(tmp_path / "worker-media") == []


@pytest.mark.django_db
def test_a_run_that_fails_between_two_page_images_leaves_none_in_the_store(s3_store):
    from PIL import Image

    from extraction.types import Extraction, PageResult
    from reviews.services import processing

    batch = intake.create_batch(organization=documents.organization(), name="Two pages")
    [document] = intake.intake_files(batch=batch, files=[("record.png", io.BytesIO(small_note(1)))]).documents
    document = processing.start_processing(document_id=document.pk, worker="ocr@worker-host-1")
    first = PageResult(number=1, width=620, height=300, image=Image.new("L", (620, 300), 255))
    unrenderable = PageResult(number=2, width=620, height=300, image=None)
    extraction = Extraction(file="record.png", kind="unknown", kind_confidence=0.0,
                            pages=[first, unrenderable], fields={})

    with pytest.raises(AttributeError):
        processing.store_extraction(document=document, extraction=extraction, worker="ocr@worker-host-1")

    assert s3_store.keys() == [document.original.name]
    assert Page.objects.filter(document=document).count() == 0
    document.refresh_from_db()
    assert document.status == S.PROCESSING
