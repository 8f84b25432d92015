"""The task's soft time limit, in a real worker: the document fails with the reason, the file stays."""
import io

import pytest
from django.core.files.storage import default_storage

from reviews.models import Document, DocumentStatus
from reviews.services import intake
from tests.support import documents
from tests.support.worker import CeleryWorker

pytestmark = pytest.mark.worker


def test_a_document_over_the_soft_time_limit_fails_with_the_reason(transactional_db, settings):
    # The limits travel in each message from the enqueuing process's settings, so
    # this process is configured like a web process with TASK_SOFT_TIME_LIMIT=2.
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 2
    settings.CELERY_TASK_TIME_LIMIT = 30
    worker = CeleryWorker(env={"TASK_SOFT_TIME_LIMIT": "2", "TASK_TIME_LIMIT": "30"})
    worker.start()
    try:
        batch = intake.create_batch(organization=documents.organization(), name="Slow")
        data = documents.repeated_pdf(documents.patient_record(), 3)  # six pages: well over 2 s of OCR
        [document] = intake.intake_files(batch=batch, files=[("six-pages.pdf", io.BytesIO(data))]).documents
        documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == DocumentStatus.FAILED,
                             timeout=90, worker=worker)
    finally:
        worker.stop()

    document.refresh_from_db()
    assert document.error == (
        "Processing took longer than 2 seconds and was stopped. The file is kept; split it or re-process it."
    )
    assert (document.attempts, document.pages.count(), document.fields.count()) == (1, 0, 0)
    with default_storage.open(document.original.name, "rb") as handle:
        assert handle.read() == data
