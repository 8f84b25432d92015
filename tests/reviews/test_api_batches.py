"""Batches API: admins create batches and upload documents through intake; progress counts by status."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from rest_framework.test import APIClient

from reviews.models import AuditEvent, Batch, Document, DocumentStatus
from reviews.services.api_tokens import rotate_token
from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {rotate_token(user=user).key}")
    return client


def scan_png(text: str) -> bytes:
    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((20, 80), text, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_batch_list_shows_progress_counts_of_own_organization():
    world = build_world()

    body = token_client(world.insurer_a).get("/api/batches/").json()

    assert [b["name"] for b in body["results"]] == ["April intake", "March intake"]
    march = body["results"][1]
    assert march["id"] == world.batch_a1.pk
    assert march["organization"] == world.org_a.pk
    assert march["progress"] == {"total": 3, "queued": 0, "processing": 0, "needs_review": 1, "approved": 2,
                                 "rejected": 0, "failed": 0, "duplicate": 0}
    assert body["results"][0]["progress"]["rejected"] == 1


def test_batch_progress_needs_one_query(django_assert_num_queries):
    world = build_world()
    client = token_client(world.admin)
    client.get("/api/batches/")  # warms the token and role look-ups

    # token + user's groups + count for pagination + the batches with their counts
    with django_assert_num_queries(4):
        response = client.get("/api/batches/")

    assert response.json()["count"] == 3


def test_other_organization_batches_are_not_found():
    world = build_world()
    client = token_client(world.insurer_b)

    assert client.get(f"/api/batches/{world.batch_a1.pk}/").status_code == 404
    assert [b["name"] for b in client.get("/api/batches/").json()["results"]] == ["Contoso March"]


def test_admin_creates_batch_and_uploads_documents():
    world = build_world()
    client = token_client(world.admin)

    created = client.post("/api/batches/", {"organization": world.org_b.pk, "name": "Contoso May"}, format="json")
    batch_id = created.json()["id"]
    png = scan_png("Patient Medical Record")
    upload = client.post(f"/api/batches/{batch_id}/documents/", {"files": [
        SimpleUploadedFile("record.png", png, content_type="image/png"),
        SimpleUploadedFile("copy-of-record.png", png, content_type="image/png"),
        SimpleUploadedFile("notes.txt", b"call the patient back", content_type="text/plain"),
    ]}, format="multipart")
    progress = client.get(f"/api/batches/{batch_id}/").json()["progress"]

    assert created.status_code == 201
    assert created.json()["name"] == "Contoso May"
    assert created.json()["progress"]["total"] == 0
    batch = Batch.objects.get(pk=batch_id)
    assert batch.organization == world.org_b
    assert batch.uploaded_by == world.admin
    assert upload.status_code == 201
    report = upload.json()
    original = Document.objects.get(batch=batch, original_filename="record.png")
    assert report["documents"] == [{"id": original.pk, "original_filename": "record.png", "status": "queued"}]
    assert [d["original_filename"] for d in report["duplicates"]] == ["copy-of-record.png"]
    assert [d["status"] for d in report["failed"]] == ["failed"]
    assert [e["name"] for e in report["errors"]] == ["notes.txt"]
    assert progress == {"total": 3, "queued": 1, "processing": 0, "needs_review": 0, "approved": 0,
                        "rejected": 0, "failed": 1, "duplicate": 1}
    assert original.status == DocumentStatus.QUEUED
    assert AuditEvent.objects.filter(action="upload", batch=batch, actor=world.admin).count() == 3


def test_upload_without_files_is_a_bad_request():
    world = build_world()

    response = token_client(world.admin).post(f"/api/batches/{world.batch_a1.pk}/documents/", {}, format="multipart")

    assert response.status_code == 400


def test_insurers_and_reviewers_cannot_create_or_upload():
    world = build_world()
    png = SimpleUploadedFile("record.png", scan_png("Rx"), content_type="image/png")

    insurer = token_client(world.insurer_a)
    reviewer = token_client(world.reviewer)

    assert insurer.post("/api/batches/", {"organization": world.org_a.pk, "name": "x"}, format="json").status_code == 403
    assert insurer.post(f"/api/batches/{world.batch_a1.pk}/documents/", {"files": [png]},
                        format="multipart").status_code == 403
    assert reviewer.get("/api/batches/").status_code == 403
    assert Batch.objects.count() == 3
    assert Document.objects.filter(original_filename="record.png").count() == 0
