"""process_document in this process with the real engine, and the processing services.

A real worker on Redis is exercised by test_admin_upload, test_import_folder
and test_worker_crash; here the task runs in the test process so the stored
rows can be checked one by one.
"""
import io
import json
import tempfile

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from extraction.engine import extract
from extraction.fields import field_names
from extraction.tasks import process_document
from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus, ExtractedField, Page
from reviews.services import intake, processing
from tests.support import documents

pytestmark = pytest.mark.django_db
TRUTH = json.loads((documents.CORPUS / "ground_truth.json").read_text())


@pytest.fixture
def admin_user():
    return documents.user_with_role("floor-admin", "admin")


@pytest.fixture
def batch():
    return intake.create_batch(organization=documents.organization(), name="Processing")


def take(batch, name: str, data: bytes) -> Document:
    report = intake.intake_files(batch=batch, files=[(name, io.BytesIO(data))])
    return report.documents[0]


def run(document: Document, capture) -> str:
    with capture(execute=True):
        outcome = process_document.apply(args=(document.pk,)).get()
    document.refresh_from_db()
    return outcome


def read(data: bytes):
    """What the engine reads from these bytes, here in the test process."""
    with tempfile.NamedTemporaryFile() as file:
        file.write(data)
        file.flush()
        return extract(file.name, keep_images=True)


def upright_sizes(data: bytes) -> list[tuple[int, int]]:
    """The sizes of the engine's upright page images for these bytes."""
    return [page.image.size for page in read(data).pages]


def stored_image(page: Page) -> tuple[str, tuple[int, int]]:
    with default_storage.open(page.image.name, "rb") as handle:
        image = Image.open(handle)
        return image.format, image.size


def status_trail(document: Document) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(document=document, action=AuditAction.STATUS).order_by("id")
    return [(event.detail["from"], event.detail["to"]) for event in events]


def test_a_prescription_is_read_into_pages_and_fields_and_sent_to_review(batch, django_capture_on_commit_callbacks):
    document = take(batch, "rx.pdf", documents.prescription())

    assert run(document, django_capture_on_commit_callbacks) == "needs_review"

    assert document.status == DocumentStatus.NEEDS_REVIEW
    assert (document.kind, document.page_count, document.attempts) == ("prescription", 1, 1)
    assert document.kind_confidence > 0.9
    assert document.patient_name == "Maria Sharapova"
    assert document.error == ""
    assert document.processed_at is not None
    fields = list(ExtractedField.objects.filter(document=document).order_by("position"))
    assert [f.name for f in fields] == field_names("prescription")
    assert [f.position for f in fields] == list(range(7))
    # Every row holds what the engine read, as the engine gave it.
    engine = read(documents.prescription())
    assert [(f.value, f.extracted_value, f.confidence, f.page, f.bbox, f.corrected) for f in fields] == [
        (r.value, r.value, r.confidence, r.page if r.value is not None else None,
         list(r.bbox) if r.bbox and r.value is not None else None, False)
        for r in (engine.fields[name] for name in field_names("prescription"))
    ]
    truth = TRUTH["prescription_1.pdf"]["fields"]
    by_name = {f.name: f for f in fields}
    assert (by_name["patient_name"].value, by_name["medicines"].value) == (truth["patient_name"], truth["medicines"])
    left, top, right, bottom = by_name["patient_name"].bbox
    assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    [page] = Page.objects.filter(document=document)
    width, height = engine.pages[0].image.size
    assert width > 1600  # a phone photo: wider than the screen, so brought down to 1600 px
    assert (page.number, page.width, page.height) == (1, 1600, round(height * 1600 / width))
    assert stored_image(page) == ("PNG", (page.width, page.height))
    assert len(page.words) == len(engine.pages[0].words)
    assert {"Maria", "Sharapova"} <= {word["text"] for word in page.words}
    assert set(page.words[0]) == {"text", "conf", "bbox"}
    assert status_trail(document) == [("queued", "processing"), ("processing", "needs_review")]


def test_reprocessing_replaces_pages_and_fields_instead_of_adding(batch, admin_user, django_capture_on_commit_callbacks):
    document = take(batch, "record.pdf", documents.patient_record())
    run(document, django_capture_on_commit_callbacks)
    first_images = list(Page.objects.filter(document=document).values_list("image", flat=True))
    first_values = dict(ExtractedField.objects.filter(document=document).values_list("name", "value"))

    with django_capture_on_commit_callbacks() as enqueued:
        result = processing.reprocess(documents=[document], actor=admin_user)
    assert [d.pk for d in result.queued] == [document.pk]
    assert len(enqueued) == 1
    document.refresh_from_db()
    assert (document.status, document.attempts) == (DocumentStatus.QUEUED, 0)
    run(document, django_capture_on_commit_callbacks)

    assert document.status == DocumentStatus.NEEDS_REVIEW
    assert (document.kind, document.page_count, document.attempts) == ("patient_details", 2, 1)
    assert Page.objects.filter(document=document).count() == 2
    assert ExtractedField.objects.filter(document=document).count() == 21
    assert dict(ExtractedField.objects.filter(document=document).values_list("name", "value")) == first_values
    assert [default_storage.exists(name) for name in first_images] == [False, False]
    assert all(default_storage.exists(p.image.name) for p in Page.objects.filter(document=document))
    assert AuditEvent.objects.filter(document=document, action=AuditAction.REPROCESS, actor=admin_user).count() == 1
    assert status_trail(document) == [
        ("queued", "processing"), ("processing", "needs_review"), ("needs_review", "queued"),
        ("queued", "processing"), ("processing", "needs_review"),
    ]


BAD_INPUT = [
    ("truncated.pdf", documents.truncated_pdf, "The PDF is damaged or incomplete and cannot be read."),
    ("locked.pdf", documents.encrypted_pdf, "The PDF is protected by a password and cannot be read."),
    ("no-pages.pdf", lambda: documents.pdf_with_pages(0), "The PDF has no pages."),
    ("long.pdf", lambda: documents.pdf_with_pages(21), "The document has 21 pages; the limit is 20."),
    ("huge.png", documents.huge_png, "A page is larger than the limit of 60,000,000 pixels."),
]


@pytest.mark.parametrize("name, make, reason", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_unreadable_documents_fail_with_the_engines_reason_and_keep_the_file(
    batch, name, make, reason, django_capture_on_commit_callbacks
):
    data = make()
    document = take(batch, name, data)

    assert run(document, django_capture_on_commit_callbacks) == "failed"

    assert (document.status, document.error) == (DocumentStatus.FAILED, reason)
    assert (Page.objects.filter(document=document).count(), ExtractedField.objects.filter(document=document).count()) == (0, 0)
    with default_storage.open(document.original.name, "rb") as handle:
        assert handle.read() == data
    assert AuditEvent.objects.get(document=document, detail__to="failed").detail["reason"] == reason


@pytest.mark.parametrize("make", [documents.blank_page, documents.neither_kind_page], ids=["blank", "neither-kind"])
def test_pages_of_neither_kind_go_to_review_as_unknown_without_fields(batch, make, django_capture_on_commit_callbacks):
    document = take(batch, "page.png", make())

    assert run(document, django_capture_on_commit_callbacks) == "needs_review"

    assert (document.status, document.kind, document.page_count) == (DocumentStatus.NEEDS_REVIEW, "unknown", 1)
    assert ExtractedField.objects.filter(document=document).count() == 0
    [page] = Page.objects.filter(document=document)
    assert [(page.width, page.height)] == upright_sizes(make())  # narrower than 1600 px: kept as it is
    assert stored_image(page) == ("PNG", (page.width, page.height))


def test_a_missing_original_fails_the_document(batch, django_capture_on_commit_callbacks):
    document = take(batch, "rx.pdf", documents.prescription())
    default_storage.delete(document.original.name)

    assert run(document, django_capture_on_commit_callbacks) == "failed"

    assert document.error == "The stored original could not be found."


def test_a_second_delivery_after_the_document_was_finished_is_skipped(batch, django_capture_on_commit_callbacks):
    document = take(batch, "page.png", documents.neither_kind_page())
    run(document, django_capture_on_commit_callbacks)
    version = document.version

    assert run(document, django_capture_on_commit_callbacks) == "skipped"

    assert (document.status, document.version, document.attempts) == (DocumentStatus.NEEDS_REVIEW, version, 1)


def test_a_document_interrupted_too_often_is_failed_instead_of_retried_forever(batch, django_capture_on_commit_callbacks):
    document = take(batch, "rx.pdf", documents.prescription())
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PROCESSING, attempts=processing.MAX_ATTEMPTS)

    assert run(document, django_capture_on_commit_callbacks) == "skipped"

    assert document.status == DocumentStatus.FAILED
    assert document.error == (
        "Processing was interrupted 5 times (the worker stopped or ran out of time). "
        "The file is kept; re-process it once the cause is fixed."
    )


def test_reprocess_leaves_reviewed_and_duplicate_documents_alone(batch, admin_user, django_capture_on_commit_callbacks):
    approved = take(batch, "a.pdf", documents.prescription())
    Document.objects.filter(pk=approved.pk).update(status=DocumentStatus.APPROVED)
    duplicate = intake.intake_files(batch=batch, files=[("again.pdf", io.BytesIO(documents.prescription()))]).duplicates[0]
    failed = intake.intake_files(batch=batch, files=[("x.pdf", io.BytesIO(documents.text_file()))]).failed[0]

    with django_capture_on_commit_callbacks() as enqueued:
        result = processing.reprocess(documents=[approved, duplicate, failed], actor=admin_user)

    assert [d.pk for d in result.queued] == [failed.pk]
    assert [(d.pk, why) for d, why in result.skipped] == [(approved.pk, "it is approved"), (duplicate.pk, "it is duplicate")]
    assert len(enqueued) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (DocumentStatus.QUEUED, "")
