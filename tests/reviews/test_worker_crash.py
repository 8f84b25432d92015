"""A worker that dies mid-task loses no document.

process_document is acknowledged late and rejected back to the queue when
its process is killed, so another process picks it up; when the whole worker
dies, Redis keeps the unacknowledged message and the next worker restores it
once the visibility timeout has passed. Either way the second run replaces
whatever the first had started.
"""
import io
import os
import signal
import time

import pytest

from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus, ExtractedField, Page
from reviews.services import intake
from tests.support import documents
from tests.support.worker import CeleryWorker

pytestmark = pytest.mark.worker
S = DocumentStatus
VISIBILITY_TIMEOUT = 6


def queue_long_record() -> Document:
    """A four-page record (two copies of the corpus record): long enough to be killed mid-way."""
    batch = intake.create_batch(organization=documents.organization(), name="Crash")
    report = intake.intake_files(batch=batch, files=[("records.pdf", io.BytesIO(
        documents.repeated_pdf(documents.patient_record(), 2)))])
    return report.documents[0]


def status_trail(document: Document) -> list[str]:
    return [e.detail["to"] for e in AuditEvent.objects.filter(document=document, action=AuditAction.STATUS).order_by("id")]


def assert_read_once(document: Document) -> None:
    document.refresh_from_db()
    assert (document.status, document.kind, document.page_count, document.attempts) == (
        S.NEEDS_REVIEW, "patient_details", 4, 2)
    assert document.patient_name == "Kathy Crawford"
    assert list(Page.objects.filter(document=document).order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert ExtractedField.objects.filter(document=document).count() == 21
    assert status_trail(document) == ["processing", "processing", "needs_review"]


def test_killing_the_pool_process_mid_task_redelivers_the_document(celery_worker):
    document = queue_long_record()
    documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == S.PROCESSING,
                         timeout=60, worker=celery_worker, interval=0.05)

    celery_worker.kill_children()

    documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == S.NEEDS_REVIEW,
                         timeout=90, worker=celery_worker)
    assert_read_once(document)
    assert "WorkerLostError" in celery_worker.output()


def test_a_new_worker_finishes_what_a_killed_worker_had_started(transactional_db):
    env = {"BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = CeleryWorker(env=env)
    first.start()
    try:
        document = queue_long_record()
        documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == S.PROCESSING,
                             timeout=60, worker=first, interval=0.05)
        started = time.monotonic()
        os.killpg(first.process.pid, signal.SIGKILL)  # the whole worker, as when its machine goes down
        first.process.wait()
    finally:
        first.stop()
    assert Document.objects.get(pk=document.pk).status == S.PROCESSING

    # Redis hands the message out again only after the visibility timeout.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - started)))
    second = CeleryWorker(env=env)
    second.start()
    try:
        documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == S.NEEDS_REVIEW,
                             timeout=90, worker=second)
    finally:
        second.stop()
    assert_read_once(document)
