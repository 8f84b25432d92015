"""Two OCR workers, as on two machines, share one batch through Redis, the database and the store.

Each worker has its own node name and its own (empty) MEDIA_ROOT; they share
only what separate hosts would share. Every status event of a processing run
records the worker that did it, which shows both took work and that no
document was processed twice.
"""
import io
from collections import Counter

import pytest

from extraction.fields import field_names
from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus, ExtractedField, Page
from reviews.services import intake
from tests.scaleout.conftest import files_under, ocr_worker
from tests.scaleout.inputs import small_note, synthetic_prescription
from tests.support import documents

pytestmark = pytest.mark.worker
S = DocumentStatus
HOSTS = ("ocr@worker-host-a", "ocr@worker-host-b")
PRESCRIPTIONS = 4
NOTES = 18


def batch_files() -> list[tuple[str, io.BytesIO]]:
    files = [(f"rx-{seed}.png", io.BytesIO(synthetic_prescription(seed)[0])) for seed in range(1, PRESCRIPTIONS + 1)]
    files += [(f"note-{number}.png", io.BytesIO(small_note(number))) for number in range(1, NOTES + 1)]
    return files


def test_two_workers_share_a_batch_and_process_each_document_exactly_once(s3_store, transactional_db, tmp_path):
    workers = [ocr_worker(s3_store, tmp_path / host, hostname=host) for host in HOSTS]
    try:
        for worker in workers:
            worker.start()
        batch = intake.create_batch(organization=documents.organization(), name="Monday scans")
        report = intake.intake_files(batch=batch, files=batch_files())
        assert len(report.documents) == PRESCRIPTIONS + NOTES
        documents.wait_until(
            lambda: not batch.documents.filter(status__in=[S.QUEUED, S.PROCESSING]).exists(),
            timeout=180, worker=workers[0],
        )
    finally:
        for worker in workers:
            worker.stop()

    docs = list(Document.objects.filter(batch=batch).order_by("id"))
    assert [(d.status, d.attempts, d.page_count) for d in docs] == [(S.NEEDS_REVIEW, 1, 1)] * len(docs)
    assert [d.kind for d in docs] == ["prescription"] * PRESCRIPTIONS + ["unknown"] * NOTES
    processed_by = {}
    for document in docs:
        events = AuditEvent.objects.filter(document=document, action=AuditAction.STATUS).order_by("id")
        trail = [(e.detail["from"], e.detail["to"], e.detail.get("worker")) for e in events]
        worker = trail[0][2]
        assert trail == [("queued", "processing", worker), ("processing", "needs_review", worker)], document
        processed_by[document.pk] = worker
    per_worker = Counter(processed_by.values())
    assert set(per_worker) == set(HOSTS), per_worker
    assert sum(per_worker.values()) == len(docs)

    pages = list(Page.objects.filter(document__batch=batch))
    assert sorted(page.document_id for page in pages) == [d.pk for d in docs]
    fields = Counter(ExtractedField.objects.filter(document__batch=batch).values_list("document_id", flat=True))
    assert fields == Counter({d.pk: len(field_names("prescription")) for d in docs[:PRESCRIPTIONS]})
    assert s3_store.keys() == sorted([d.original.name for d in docs] + [page.image.name for page in pages])
    for host in HOSTS:
        assert files_under(tmp_path / host) == []
