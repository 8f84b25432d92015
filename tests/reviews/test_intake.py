"""reviews.services.intake: storing, checking, de-duplicating and queueing uploads."""
import hashlib
import io
import json
import os
from datetime import datetime, timedelta, timezone

import pytest
import redis
from django.conf import settings
from django.core.files.storage import default_storage

from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus
from reviews.services import intake
from tests.support import documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return documents.organization()


@pytest.fixture
def admin_user():
    return documents.user_with_role("floor-admin", "admin")


@pytest.fixture
def batch(org, admin_user):
    return intake.create_batch(organization=org, name="March claims", uploaded_by=admin_user)


def stored_bytes(document: Document) -> bytes:
    with default_storage.open(document.original.name, "rb") as handle:
        return handle.read()


def test_create_batch_sets_the_deadline_from_the_receipt_time(org, admin_user):
    received = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

    batch = intake.create_batch(organization=org, name="  Morning scans ", uploaded_by=admin_user, received_at=received)

    assert batch.name == "Morning scans"
    assert batch.received_at == received
    assert batch.due_at == datetime(2026, 3, 3, 9, 30, tzinfo=timezone.utc)
    assert batch.uploaded_by == admin_user
    assert batch.intake_errors == []


def test_create_batch_without_a_name_is_named_after_the_time(org):
    received = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

    batch = intake.create_batch(organization=org, name="", received_at=received)

    assert batch.name == "Upload 2026-03-02 09:30"
    assert batch.uploaded_by is None


def test_a_pdf_is_stored_privately_recorded_and_queued_on_commit(batch, admin_user, django_capture_on_commit_callbacks):
    data = documents.prescription()

    with django_capture_on_commit_callbacks() as callbacks:
        report = intake.intake_files(batch=batch, files=[("rx 1.pdf", io.BytesIO(data))], uploaded_by=admin_user)

    [document] = report.documents
    assert (report.duplicates, report.failed, report.errors) == ([], [], [])
    assert document.status == DocumentStatus.QUEUED
    assert document.original_filename == "rx 1.pdf"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.content_type == "application/pdf"
    assert document.organization == batch.organization
    assert document.due_at == batch.due_at
    assert document.original.name.startswith(f"originals/{batch.organization_id}/")
    assert "rx" not in document.original.name
    assert stored_bytes(document) == data
    assert len(callbacks) == 1
    [event] = AuditEvent.objects.filter(document=document)
    assert (event.action, event.actor, event.detail) == (
        AuditAction.UPLOAD, admin_user, {"name": "rx 1.pdf", "size": len(data), "content_type": "application/pdf"},
    )
    assert report.summary() == "1 document queued."


def test_the_commit_puts_a_process_document_message_on_the_ocr_queue(batch, django_capture_on_commit_callbacks):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("ocr")
    with django_capture_on_commit_callbacks(execute=True):
        report = intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(documents.patient_record()))])
    try:
        [raw] = broker.lrange("ocr", 0, -1)
    finally:
        broker.delete("ocr")

    headers = json.loads(raw)["headers"]
    assert headers["task"] == "extraction.tasks.process_document"
    assert headers["argsrepr"] == f"({report.documents[0].pk},)"
    assert headers["timelimit"] == [settings.CELERY_TASK_TIME_LIMIT, settings.CELERY_TASK_SOFT_TIME_LIMIT]


def test_same_bytes_in_the_same_organisation_become_a_linked_duplicate(batch, org, admin_user, django_capture_on_commit_callbacks):
    data = documents.patient_record()
    first = intake.intake_files(batch=batch, files=[("record.pdf", io.BytesIO(data))]).documents[0]
    later = intake.create_batch(organization=org, name="April")

    with django_capture_on_commit_callbacks() as callbacks:
        report = intake.intake_files(batch=later, files=[("record-again.pdf", io.BytesIO(data))], uploaded_by=admin_user)

    [duplicate] = report.duplicates
    assert report.documents == []
    assert duplicate.status == DocumentStatus.DUPLICATE
    assert duplicate.duplicate_of == first
    assert stored_bytes(duplicate) == data
    assert callbacks == []
    status_event = AuditEvent.objects.get(document=duplicate, action=AuditAction.STATUS)
    assert status_event.detail == {"from": "queued", "to": "duplicate", "reason": f"Same file as document #{first.pk}."}
    assert status_event.actor == admin_user
    assert report.summary() == "0 documents queued, 1 duplicate."


def test_a_file_twice_in_one_upload_is_queued_once(batch):
    data = documents.prescription()

    report = intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(data)), ("b.pdf", io.BytesIO(data))])

    assert [d.original_filename for d in report.documents] == ["a.pdf"]
    assert [(d.original_filename, d.duplicate_of.original_filename) for d in report.duplicates] == [("b.pdf", "a.pdf")]


def test_same_bytes_in_another_organisation_are_not_a_duplicate(batch):
    data = documents.prescription()
    intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(data))])
    other = intake.create_batch(organization=documents.organization("Contoso Mutual"), name="x")

    report = intake.intake_files(batch=other, files=[("a.pdf", io.BytesIO(data))])

    assert len(report.documents) == 1
    assert report.duplicates == []


def test_a_file_that_is_not_a_document_is_kept_and_failed_with_the_reason(batch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report = intake.intake_files(batch=batch, files=[("notes.pdf", io.BytesIO(documents.text_file()))])

    [document] = report.failed
    reason = "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."
    assert document.status == DocumentStatus.FAILED
    assert document.error == reason
    assert document.content_type == "text/plain"
    assert stored_bytes(document) == documents.text_file()
    assert report.errors == [("notes.pdf", reason)]
    assert callbacks == []
    assert Document.objects.get(pk=document.pk).processed_at is not None
    assert report.summary() == "0 documents queued, 1 file not accepted."


def test_an_empty_file_is_kept_and_failed(batch):
    report = intake.intake_files(batch=batch, files=[("scan.pdf", io.BytesIO(b""))])

    [document] = report.failed
    assert (document.status, document.error, document.size) == (DocumentStatus.FAILED, "The file is empty.", 0)


def test_a_file_over_the_size_limit_is_reported_and_not_stored(batch, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.ZIP_MAX_TOTAL_MB = 2
    big = documents.prescription()  # 2.8 MB

    report = intake.intake_files(batch=batch, files=[("big.pdf", io.BytesIO(big)), ("ok.pdf", io.BytesIO(b"%PDF-1.4 tiny"))])

    assert report.errors == [("big.pdf", "The file is larger than 2 MB.")]
    assert [d.original_filename for d in report.documents] == ["ok.pdf"]
    batch.refresh_from_db()
    assert batch.intake_errors == [{"name": "big.pdf", "error": "The file is larger than 2 MB."}]


def test_a_document_between_the_file_and_archive_limits_is_refused_with_its_size(batch, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.ZIP_MAX_TOTAL_MB = 5

    report = intake.intake_files(batch=batch, files=[("big.pdf", io.BytesIO(documents.prescription()))])

    assert report.errors == [("big.pdf", "The file is 2.7 MB; the limit is 1 MB per file.")]
    assert Document.objects.count() == 0


def test_a_zip_is_expanded_and_what_is_not_a_document_is_reported(batch, settings):
    settings.MAX_UPLOAD_MB = 5
    archive = documents.zip_of({
        "march/rx/first.pdf": documents.prescription(),
        "march/records/second.pdf": documents.patient_record(),
        "march/readme.txt": documents.text_file(),
        "march/empty.png": b"",
        "inner.zip": documents.zip_of({"x.pdf": documents.prescription()}),
        "bomb.pdf": documents.zeros_member(40 * 1024 * 1024),
        "../escape.pdf": documents.prescription(),
    })

    report = intake.intake_files(batch=batch, files=[("scans.zip", io.BytesIO(archive))])

    assert [d.original_filename for d in report.documents] == ["scans.zip/march/rx/first.pdf", "scans.zip/march/records/second.pdf"]
    assert stored_bytes(report.documents[1]) == documents.patient_record()
    expected = [
        ("scans.zip/march/readme.txt",
         "Skipped: this file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."),
        ("scans.zip/march/empty.png", "Skipped: the file is empty."),
        ("scans.zip/inner.zip", "Not opened: archives inside archives are not expanded; upload it on its own."),
        ("scans.zip/bomb.pdf", "Not opened: it expands to 40.0 MB; the limit is 5.0 MB per file."),
        ("scans.zip/../escape.pdf", "Not opened: its name points outside the archive's folders."),
    ]
    assert report.errors == expected
    batch.refresh_from_db()
    assert batch.intake_errors == [{"name": name, "error": error} for name, error in expected]
    assert Document.objects.filter(batch=batch).count() == 2
    assert report.summary() == "2 documents queued, 5 files not accepted."


def test_a_damaged_zip_is_reported_and_the_rest_of_the_upload_goes_on(batch):
    archive = documents.zip_of({"a.pdf": documents.prescription()})

    report = intake.intake_files(batch=batch, files=[
        ("broken.zip", io.BytesIO(archive[:1000])), ("b.pdf", io.BytesIO(documents.patient_record())),
    ])

    assert [d.original_filename for d in report.documents] == ["b.pdf"]
    assert report.errors == [("broken.zip", "The zip archive is damaged and could not be opened.")]


def test_intake_errors_of_later_uploads_are_added_to_the_batch(batch):
    intake.intake_files(batch=batch, files=[("a.zip", io.BytesIO(documents.zip_of({"x.txt": b"x"})))])
    intake.intake_files(batch=batch, files=[("b.zip", io.BytesIO(documents.zip_of({"y.txt": b"y"})))])

    batch.refresh_from_db()
    assert [item["name"] for item in batch.intake_errors] == ["a.zip/x.txt", "b.zip/y.txt"]


def test_names_are_cleaned_of_control_characters_and_kept_short(batch):
    long_name = "dir/" + "n" * 300 + ".pdf"

    report = intake.intake_files(batch=batch, files=[
        ("bad\x00name\r\n.pdf", io.BytesIO(documents.prescription())),
        (long_name, io.BytesIO(documents.patient_record())),
    ])

    assert report.documents[0].original_filename == "badname.pdf"
    assert len(report.documents[1].original_filename) == 255
    assert report.documents[1].original_filename.endswith("nnn.pdf")


def test_deadline_uses_the_configured_hours(org, settings):
    settings.REVIEW_DEADLINE_HOURS = 4
    received = datetime(2026, 1, 1, 22, 0, tzinfo=timezone.utc)

    assert intake.create_batch(organization=org, name="x", received_at=received).due_at == received + timedelta(hours=4)


def test_a_stream_that_cannot_seek_is_taken_in(batch):
    data = documents.neither_kind_page()  # smaller than a pipe's buffer
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)

    with os.fdopen(read_end, "rb") as stream:
        report = intake.intake_files(batch=batch, files=[("piped.png", stream)])

    [document] = report.documents
    assert (document.content_type, document.size) == ("image/png", len(data))
    assert stored_bytes(document) == data
