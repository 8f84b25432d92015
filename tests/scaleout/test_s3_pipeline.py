"""One document through the whole product with the files in an S3-compatible store.

upload (web) -> OCR worker on another "host" -> page image on the review page
-> approval -> export, stored and downloaded again. The worker is configured
only through the environment and has an empty MEDIA_ROOT of its own, which
must still be empty at the end: every file it read or wrote went through the
store.
"""
import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from extraction.fields import field_names
from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus, Export, ExtractedField
from reviews.services import review as review_service
from tests.scaleout.conftest import files_under, ocr_worker
from tests.scaleout.inputs import synthetic_prescription
from tests.support import documents

pytestmark = pytest.mark.worker
S = DocumentStatus


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_upload_to_export_goes_through_the_object_store_only(s3_store, transactional_db, client, tmp_path):
    org = documents.organization()
    admin = documents.user_with_role("floor-admin", "admin")
    reviewer = documents.user_with_role("checker", "reviewer")
    insurer = documents.user_with_role("northwind-claims", "insurer", org=org)
    data, truth = synthetic_prescription(3)
    worker_media = tmp_path / "worker-media"
    worker = ocr_worker(s3_store, worker_media, hostname="ocr@worker-host-1")
    worker.start()
    try:
        client.force_login(admin)
        response = client.post(reverse("batch_upload"), {
            "organization": org.pk, "name": "Scanned on Monday",
            "files": [SimpleUploadedFile("rx-0001.png", data, content_type="image/png")],
        })
        assert response.status_code == 302
        document = Document.objects.get()
        documents.wait_until(lambda: Document.objects.get(pk=document.pk).status == S.NEEDS_REVIEW,
                             timeout=90, worker=worker)
    finally:
        worker.stop()

    document.refresh_from_db()
    page = document.pages.get()
    assert (document.kind, document.page_count, document.attempts) == ("prescription", 1, 1)
    assert [f.name for f in ExtractedField.objects.filter(document=document)] == field_names("prescription")
    finished = AuditEvent.objects.get(document=document, action=AuditAction.STATUS, detail__to=S.NEEDS_REVIEW)
    assert finished.detail == {"from": "processing", "to": "needs_review", "worker": "ocr@worker-host-1"}
    assert s3_store.keys() == sorted([document.original.name, page.image.name])
    assert s3_store.read(document.original.name) == data
    assert document.original.name.startswith(f"originals/{org.pk}/")
    assert page.image.name.startswith(f"pages/{org.pk}/{document.pk}/")
    assert files_under(worker_media) == []
    assert not (Path(settings.MEDIA_ROOT) / document.original.name).exists()
    assert not (Path(settings.MEDIA_ROOT) / page.image.name).exists()

    client.force_login(reviewer)
    review_page = client.get(reverse("review", args=[document.pk]))
    assert review_page.status_code == 200
    assert reverse("page_image", args=[document.pk, 1]) in review_page.content.decode()
    image_response = client.get(reverse("page_image", args=[document.pk, 1]))
    assert image_response.status_code == 200
    assert (image_response["Content-Type"], image_response["Cache-Control"]) == ("image/png", "private, no-store")
    image_bytes = body_of(image_response)
    assert image_bytes == s3_store.read(page.image.name)
    assert Image.open(io.BytesIO(image_bytes)).size == (page.width, page.height)
    original_response = client.get(reverse("document_original", args=[document.pk]))
    assert body_of(original_response) == data

    document.refresh_from_db()
    review_service.approve(document=document, user=reviewer, version=document.version,
                           corrections=truth["fields"])
    assert document.status == S.APPROVED

    client.force_login(insurer)
    export_response = client.post(reverse("exports"), {"format": "csv", "organization": org.pk})
    assert export_response.status_code == 200
    exported = body_of(export_response)
    [row] = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert (row["document_id"], row["kind"], row["patient_name"]) == (
        str(document.pk), "prescription", truth["fields"]["patient_name"])
    assert row["refills"] == str(truth["fields"]["refills"])
    export = Export.objects.get()
    assert export.file.name.startswith(f"exports/{org.pk}/")
    assert s3_store.read(export.file.name) == exported
    again = client.get(reverse("export_download", args=[export.pk]))
    assert body_of(again) == exported
    assert s3_store.keys() == sorted([document.original.name, page.image.name, export.file.name])
    assert not (Path(settings.MEDIA_ROOT) / export.file.name).exists()
