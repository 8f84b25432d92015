"""Batch pages: upload form, progress page and its JSON, list; who may see them."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from reviews.models import Batch, Document, DocumentStatus
from reviews.services import intake
from tests.support import documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return documents.organization()


@pytest.fixture
def admin_client(client):
    client.force_login(documents.user_with_role("floor-admin", "admin"))
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_page_creates_a_batch_stores_the_files_and_shows_its_progress(admin_client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        response = admin_client.post(reverse("batch_upload"), {
            "organization": org.pk,
            "name": "Monday post",
            "files": [upload("rx.pdf", documents.prescription()), upload("notes.txt", documents.text_file()),
                      upload("scans.zip", documents.zip_of({"in/record.pdf": documents.patient_record(), "in/x.csv": b"a,b"}))],
        }, follow=True)

    batch = Batch.objects.get()
    assert response.redirect_chain == [(reverse("batch_detail", args=[batch.pk]), 302)]
    assert (batch.name, batch.organization, batch.uploaded_by.username) == ("Monday post", org, "floor-admin")
    assert list(batch.documents.order_by("id").values_list("original_filename", "status")) == [
        ("rx.pdf", "queued"), ("notes.txt", "failed"), ("scans.zip/in/record.pdf", "queued"),
    ]
    assert len(enqueued) == 2
    page = response.content.decode()
    assert "2 documents queued, 2 files not accepted." in page
    assert "1 of 3 documents processed (33%)" in page
    assert "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text." in page
    assert "scans.zip/in/x.csv" in page
    assert 'data-url="/batches/%d/progress.json"' % batch.pk in page
    notes = batch.documents.get(original_filename="notes.txt")
    assert f'<td><a href="/documents/{notes.pk}/original/">notes.txt</a></td>' in page
    assert f'<a href="/review/{notes.pk}/">' not in page


def test_documents_waiting_for_review_link_to_the_review_page(admin_client, org):
    batch = intake.create_batch(organization=org, name="B")
    document = intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(documents.prescription()))]).documents[0]
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.NEEDS_REVIEW)

    page = admin_client.get(reverse("batch_detail", args=[batch.pk])).content.decode()

    assert f'<a href="/review/{document.pk}/">Review</a> · <a href="/review/{document.pk}/audit/">History</a>' in page


def test_upload_page_without_files_says_what_is_missing(admin_client, org):
    response = admin_client.post(reverse("batch_upload"), {"organization": org.pk, "name": "Empty"})

    assert response.status_code == 200
    assert "Choose at least one file." in response.content.decode()
    assert Batch.objects.count() == 0


def test_upload_page_lists_the_organisations(admin_client, org):
    documents.organization("Contoso Mutual")

    page = admin_client.get(reverse("batch_upload")).content.decode()

    assert '<option value="%d">Contoso Mutual</option>' % (org.pk + 1) in page
    assert 'multiple' in page and 'id="dropzone"' in page


def test_progress_json_counts_documents_by_outcome(admin_client, org):
    batch = intake.create_batch(organization=org, name="B")
    report = intake.intake_files(batch=batch, files=[
        ("a.pdf", io.BytesIO(documents.prescription())),
        ("b.pdf", io.BytesIO(documents.patient_record())),
        ("a-again.pdf", io.BytesIO(documents.prescription())),
        ("c.txt", io.BytesIO(documents.text_file())),
        ("d.zip", io.BytesIO(documents.zip_of({"e.txt": b"e"}))),
    ])
    Document.objects.filter(pk=report.documents[1].pk).update(status=DocumentStatus.NEEDS_REVIEW)

    data = admin_client.get(reverse("batch_progress", args=[batch.pk])).json()

    assert data == {
        "total": 4, "queued": 1, "processing": 0, "needs_review": 1, "approved": 0, "rejected": 0,
        "failed": 1, "duplicate": 1, "intake_errors": 1, "done": 3, "percent": 75, "finished": False,
        "failures": [{"id": report.failed[0].pk, "name": "c.txt", "error": (
            "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."
        ), "original_url": f"/documents/{report.failed[0].pk}/original/"}],
    }


def test_batch_list_shows_counts(admin_client, org):
    batch = intake.create_batch(organization=org, name="Tuesday scans")
    intake.intake_files(batch=batch, files=[("a.pdf", io.BytesIO(documents.prescription())), ("b.txt", io.BytesIO(b"x"))])

    page = admin_client.get(reverse("batch_list")).content.decode()

    assert f'<a href="/batches/{batch.pk}/">Tuesday scans</a>' in page
    assert '<span class="badge failed">1</span>' in page


def test_nav_links_to_batches_for_admins_only(rf):
    def nav_for(user):
        request = rf.get("/")
        request.user = user
        return render_to_string("base.html", request=request)

    assert '>Batches</a>' in nav_for(documents.user_with_role("floor-admin", "admin"))
    assert '>Batches</a>' not in nav_for(documents.user_with_role("checker", "reviewer"))
    assert '>Batches</a>' not in nav_for(documents.user_with_role("client", "insurer", org=documents.organization("X")))


def test_batch_list_marks_its_nav_link_active(admin_client):
    assert '<a href="/batches/" class="active">Batches</a>' in admin_client.get(reverse("batch_list")).content.decode()


@pytest.mark.parametrize("role", ["reviewer", "insurer", None])
def test_batch_pages_refuse_other_roles(role, org):
    batch = intake.create_batch(organization=org, name="B")
    client = Client()
    client.force_login(documents.user_with_role("someone", role, org=org if role == "insurer" else None))

    for url in (reverse("batch_list"), reverse("batch_upload"), reverse("batch_detail", args=[batch.pk]),
                reverse("batch_progress", args=[batch.pk])):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("batch_upload"), {"organization": org.pk, "files": [upload("a.pdf", b"%PDF")]})
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_batch_pages_need_a_login(client, org):
    batch = intake.create_batch(organization=org, name="B")

    response = client.get(reverse("batch_progress", args=[batch.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/batches/{batch.pk}/progress.json"


def test_upload_without_the_csrf_token_is_refused(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(documents.user_with_role("floor-admin", "admin"))

    response = client.post(reverse("batch_upload"), {"organization": org.pk, "files": [upload("a.pdf", b"%PDF")]})

    assert response.status_code == 403
    assert Batch.objects.count() == 0


def test_unknown_batch_is_not_found(admin_client):
    assert admin_client.get(reverse("batch_detail", args=[999])).status_code == 404
