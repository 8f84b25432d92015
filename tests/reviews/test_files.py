"""Originals and page images are served only after login, role and organisation checks, never cached."""
import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import AuditAction, AuditEvent, DocumentStatus
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_organization()


@pytest.fixture
def document(org):
    return make_document(batch=make_batch(org), filename="Rx scan 12.png")


def client_for(user):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(user)
    return client


def body(response):
    return b"".join(response.streaming_content)


def test_reviewer_sees_a_page_image_and_the_view_is_recorded(document):
    alice = make_user("alice", "reviewer")

    response = client_for(alice).get(reverse("page_image", args=[document.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    page = document.pages.get(number=1)
    with page.image.open("rb") as stored:
        assert body(response) == stored.read()
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.actor, event.document, event.detail, event.ip_address) == (alice, document, {"page": 1}, "10.1.2.3")


def test_a_page_that_does_not_exist_is_not_found(document):
    response = client_for(make_user("alice", "reviewer")).get(reverse("page_image", args=[document.pk, 2]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_insurers_never_get_page_images(org, document):
    document.status = DocumentStatus.APPROVED
    document.save()
    insurer = make_user("ivy", "insurer", organization=org)

    response = client_for(insurer).get(reverse("page_image", args=[document.pk, 1]))

    assert response.status_code == 403


def test_reviewer_downloads_the_original_as_an_attachment(document):
    boss = make_user("boss", "admin")

    response = client_for(boss).get(reverse("document_original", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Rx scan 12.png"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/png"
    with document.original.open("rb") as stored:
        assert body(response) == stored.read()
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (event.actor, event.detail, event.ip_address) == (boss, {"file": "original"}, "10.1.2.3")


def test_insurer_downloads_only_their_organisations_approved_originals(org, document):
    insurer = make_user("ivy", "insurer", organization=org)
    other_org = make_organization("Southwind Care")
    theirs = make_document(batch=make_batch(other_org), status=DocumentStatus.APPROVED)
    client = client_for(insurer)
    url = reverse("document_original", args=[document.pk])

    assert client.get(url).status_code == 404  # still in review
    document.status = DocumentStatus.APPROVED
    document.save()
    approved = client.get(url)
    assert approved.status_code == 200
    assert approved["Cache-Control"] == "private, no-store"
    assert client.get(reverse("document_original", args=[theirs.pk])).status_code == 404
    assert list(AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).values_list("actor__username", "document")) == [
        ("ivy", document.pk)]


def test_an_insurer_without_an_organisation_gets_nothing(document):
    document.status = DocumentStatus.APPROVED
    document.save()
    loner = make_user("lone", "insurer")

    assert client_for(loner).get(reverse("document_original", args=[document.pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(document):
    url = reverse("page_image", args=[document.pk, 1])

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_users_without_a_role_are_refused(document):
    nobody = make_user("nobody")

    assert client_for(nobody).get(reverse("document_original", args=[document.pk])).status_code == 403
    assert client_for(nobody).get(reverse("page_image", args=[document.pk, 1])).status_code == 403
