"""A mixed batch uploaded through the Django admin and read by a real worker on Redis."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from extraction.fields import field_names
from reviews.models import AuditAction, AuditEvent, Batch, Document, DocumentStatus, ExtractedField
from reviews.services import intake
from tests.support import documents

S = DocumentStatus
INLINE = {"documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
          "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000"}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def mixed_batch() -> list[SimpleUploadedFile]:
    return [
        upload("rx.pdf", documents.prescription()),
        upload("record.pdf", documents.patient_record()),
        upload("rx-copy.pdf", documents.prescription()),
        upload("phone.jpg", documents.synthetic("prescription", "jpeg")[0]),
        upload("notes.txt", documents.text_file()),
        upload("truncated.pdf", documents.truncated_pdf()),
        upload("locked.pdf", documents.encrypted_pdf()),
        upload("long.pdf", documents.pdf_with_pages(21)),
        upload("huge.png", documents.huge_png()),
        upload("blank.png", documents.blank_page()),
        upload("report.png", documents.neither_kind_page()),
        upload("bundle.zip", documents.zip_of({
            "2026/march/record-2.pdf": documents.variant(documents.patient_record(), 2),
            "2026/readme.txt": documents.text_file(),
            "2026/no-pages.pdf": documents.pdf_with_pages(0),
            "bomb.pdf": documents.zeros_member(51 * 1024 * 1024),
        })),
    ]


FINAL = [
    ("rx.pdf", S.NEEDS_REVIEW, "prescription", ""),
    ("record.pdf", S.NEEDS_REVIEW, "patient_details", ""),
    ("rx-copy.pdf", S.DUPLICATE, "unknown", ""),
    ("phone.jpg", S.NEEDS_REVIEW, "prescription", ""),
    ("notes.txt", S.FAILED, "unknown",
     "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."),
    ("truncated.pdf", S.FAILED, "unknown", "The PDF is damaged or incomplete and cannot be read."),
    ("locked.pdf", S.FAILED, "unknown", "The PDF is protected by a password and cannot be read."),
    ("long.pdf", S.FAILED, "unknown", "The document has 21 pages; the limit is 20."),
    ("huge.png", S.FAILED, "unknown", "A page is larger than the limit of 60,000,000 pixels."),
    ("blank.png", S.NEEDS_REVIEW, "unknown", ""),
    ("report.png", S.NEEDS_REVIEW, "unknown", ""),
    ("bundle.zip/2026/march/record-2.pdf", S.NEEDS_REVIEW, "patient_details", ""),
    ("bundle.zip/2026/no-pages.pdf", S.FAILED, "unknown", "The PDF has no pages."),
]


@pytest.mark.worker
def test_mixed_batch_through_the_admin_ends_in_the_right_states(celery_worker, client):
    org = documents.organization()
    admin_user = documents.user_with_role("floor-admin", "admin", staff=True)
    client.force_login(admin_user)

    response = client.post(reverse("admin:reviews_batch_add"), {
        "organization": org.pk, "name": "Admin upload", "files": mixed_batch(), **INLINE,
    }, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "11 documents queued, 1 duplicate, 3 files not accepted." in page
    assert "File bundle.zip/bomb.pdf: Not opened: it expands to 51.0 MB; the limit is 50.0 MB per file." in page
    batch = Batch.objects.get()
    assert (batch.name, batch.uploaded_by) == ("Admin upload", admin_user)

    documents.wait_until(lambda: not batch.documents.filter(status__in=[S.QUEUED, S.PROCESSING]).exists(),
                         timeout=150, worker=celery_worker)

    docs = list(batch.documents.order_by("id"))
    assert [(d.original_filename, d.status, d.kind, d.error) for d in docs] == FINAL
    rx, record, copy, photo = docs[0], docs[1], docs[2], docs[3]
    assert copy.duplicate_of == rx
    assert (photo.patient_name, photo.content_type) == (documents.synthetic("prescription", "jpeg")[1]["fields"]["patient_name"], "image/jpeg")
    assert (rx.patient_name, rx.page_count) == ("Maria Sharapova", 1)
    assert (record.patient_name, record.page_count) == ("Kathy Crawford", 2)
    assert [f.name for f in ExtractedField.objects.filter(document=rx).order_by("position")] == field_names("prescription")
    assert ExtractedField.objects.get(document=rx, name="medicines").value == ["Prednisone 20 mg", "Lialda 2.4 gram"]
    assert ExtractedField.objects.filter(document=record).count() == 21
    assert [d.pages.count() for d in docs] == [1, 2, 0, 1, 0, 0, 0, 0, 0, 1, 1, 2, 0]
    assert batch.intake_errors == [
        {"name": "bundle.zip/2026/readme.txt",
         "error": "Skipped: this file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."},
        {"name": "bundle.zip/bomb.pdf", "error": "Not opened: it expands to 51.0 MB; the limit is 50.0 MB per file."},
    ]
    assert AuditEvent.objects.filter(batch=batch, action=AuditAction.UPLOAD, actor=admin_user).count() == 13

    progress = client.get(reverse("batch_progress", args=[batch.pk])).json()
    assert {key: progress[key] for key in ("total", "done", "needs_review", "failed", "duplicate", "queued",
                                           "processing", "intake_errors", "percent", "finished")} == {
        "total": 13, "done": 13, "needs_review": 6, "failed": 6, "duplicate": 1, "queued": 0,
        "processing": 0, "intake_errors": 2, "percent": 100, "finished": True,
    }
    assert [f["name"] for f in progress["failures"]] == [name for name, status, _, _ in FINAL if status == S.FAILED]


@pytest.mark.worker
def test_admin_action_re_processes_a_batchs_failures(celery_worker, client):
    org = documents.organization()
    client.force_login(documents.user_with_role("floor-admin", "admin", staff=True))
    client.post(reverse("admin:reviews_batch_add"), {
        "organization": org.pk, "name": "Retry", "files": [upload("report.png", documents.neither_kind_page()),
                                                           upload("cut.pdf", documents.truncated_pdf())], **INLINE,
    })
    batch = Batch.objects.get()
    documents.wait_until(lambda: not batch.documents.filter(status__in=[S.QUEUED, S.PROCESSING]).exists(),
                         timeout=60, worker=celery_worker)
    failed = batch.documents.get(status=S.FAILED)

    response = client.post(reverse("admin:reviews_batch_changelist"), {
        "action": "reprocess_failures", "_selected_action": [batch.pk],
    }, follow=True)

    assert "1 failed documents sent to processing again." in response.content.decode()
    documents.wait_until(lambda: AuditEvent.objects.filter(document=failed, action=AuditAction.STATUS).count() == 5,
                         timeout=60, worker=celery_worker)
    trail = [e.detail["to"] for e in AuditEvent.objects.filter(document=failed, action=AuditAction.STATUS).order_by("id")]
    assert trail == ["processing", "failed", "queued", "processing", "failed"]
    assert AuditEvent.objects.filter(document=failed, action=AuditAction.REPROCESS).count() == 1
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (
        S.FAILED, "The PDF is damaged or incomplete and cannot be read.", 1,
    )
    assert batch.documents.get(original_filename="report.png").status == S.NEEDS_REVIEW


@pytest.mark.django_db
def test_document_action_re_queues_failed_and_skips_reviewed_documents(client, django_capture_on_commit_callbacks):
    admin_user = documents.user_with_role("floor-admin", "admin", staff=True)
    client.force_login(admin_user)
    batch = intake.create_batch(organization=documents.organization(), name="B")
    failed = intake.intake_files(batch=batch, files=[("x.txt", io.BytesIO(b"x"))]).failed[0]
    approved = intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(documents.prescription()))]).documents[0]
    Document.objects.filter(pk=approved.pk).update(status=S.APPROVED)

    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(reverse("admin:reviews_document_changelist"), {
            "action": "reprocess_selected", "_selected_action": [failed.pk, approved.pk],
        }, follow=True)

    page = response.content.decode()
    assert "1 documents sent to processing again." in page
    assert f"#{approved.pk} a.pdf was not re-processed: it is approved." in page
    assert len(enqueued) == 1
    failed.refresh_from_db()
    assert failed.status == S.QUEUED
    assert AuditEvent.objects.get(document=failed, action=AuditAction.REPROCESS).actor == admin_user


@pytest.mark.django_db
def test_reviewers_get_no_re_process_action_and_cannot_change_documents(client):
    client.force_login(documents.user_with_role("checker", "reviewer", staff=True))

    response = client.get(reverse("admin:reviews_document_changelist"))

    assert response.status_code == 200
    assert "reprocess_selected" not in response.content.decode()
    assert client.get(reverse("admin:reviews_batch_add")).status_code == 403
