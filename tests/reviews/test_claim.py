"""Opening a document claims it for a limited time; others see who holds it; admins can release it."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.models import AuditAction, AuditEvent, Document
from reviews.services import review
from reviews.services.review import ClaimHeld
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return make_document(batch=make_batch(make_organization()))


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_opening_a_document_claims_it_for_claim_minutes(document, settings):
    settings.CLAIM_MINUTES = 30
    alice = make_user("alice", "reviewer")
    before = timezone.now()

    response = client_for(alice).get(reverse("review", args=[document.pk]))

    assert response.status_code == 200
    document.refresh_from_db()
    assert document.claimed_by == alice
    assert before + timedelta(minutes=30) <= document.claimed_until <= timezone.now() + timedelta(minutes=30)
    claims = AuditEvent.objects.filter(document=document, action=AuditAction.CLAIM)
    assert [(e.actor, e.ip_address) for e in claims] == [(alice, "127.0.0.1")]


def test_reopening_extends_the_claim_without_a_second_claim_event(document):
    alice = make_user("alice", "reviewer")
    client = client_for(alice)

    client.get(reverse("review", args=[document.pk]))
    client.get(reverse("review", args=[document.pk]))

    assert AuditEvent.objects.filter(document=document, action=AuditAction.CLAIM).count() == 1


def test_another_reviewer_sees_who_holds_it_and_gets_a_read_only_page(document):
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    review.claim(document=document, user=alice)
    until = timezone.localtime(Document.objects.get(pk=document.pk).claimed_until).strftime("%H:%M")

    response = client_for(bob).get(reverse("review", args=[document.pk]))

    html = response.content.decode()
    assert f"<strong>alice</strong> is reviewing this document until {until}. You can look, but not change it." in html
    assert 'id="approve-button"' not in html
    assert 'name="f_patient_name" value="Maria Sharapova" disabled' in html
    assert Document.objects.get(pk=document.pk).claimed_by == alice


def test_another_reviewer_cannot_save_over_a_held_document(document):
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    review.claim(document=document, user=alice)

    response = client_for(bob).post(reverse("review", args=[document.pk]),
                                    {"version": "1", "action": "save", "f_refills": "9"}, follow=True)

    assert [str(m) for m in response.context["messages"]][0].startswith("alice is reviewing this document until ")
    assert document.fields.get(name="refills").value == 2


def test_an_expired_claim_can_be_taken_over(document):
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    review.claim(document=document, user=alice)
    Document.objects.filter(pk=document.pk).update(claimed_until=timezone.now() - timedelta(minutes=1))

    review.claim(document=document, user=bob)

    assert Document.objects.get(pk=document.pk).claimed_by == bob


def test_claim_service_refuses_an_active_claim_of_someone_else(document):
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    review.claim(document=document, user=alice)

    with pytest.raises(ClaimHeld):
        review.claim(document=document, user=bob)


def test_an_admin_releases_a_claim(document):
    alice, boss = make_user("alice", "reviewer"), make_user("boss", "admin")
    review.claim(document=document, user=alice)

    page = client_for(boss).get(reverse("review", args=[document.pk]))
    assert "Release claim</button>" in page.content.decode()
    response = client_for(boss).post(reverse("review_release", args=[document.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [f"Document #{document.pk} is free for others to review."]
    assert Document.objects.get(pk=document.pk).claimed_by is None
    release = AuditEvent.objects.get(document=document, action=AuditAction.RELEASE)
    assert (release.actor, release.detail) == (boss, {"holder": "alice"})


def test_a_reviewer_cannot_release_someone_elses_claim(document):
    alice, bob = make_user("alice", "reviewer"), make_user("bob", "reviewer")
    review.claim(document=document, user=alice)

    response = client_for(bob).post(reverse("review_release", args=[document.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Only the reviewer holding this document or an admin can release it."]
    assert Document.objects.get(pk=document.pk).claimed_by == alice


def test_mine_filter_lists_the_documents_i_hold(document):
    alice = make_user("alice", "reviewer")
    other = make_document(batch=document.batch, values={"patient_name": "Kim Other"})
    review.claim(document=other, user=alice)

    response = client_for(alice).get(reverse("queue"), {"mine": "1"})

    assert [d.pk for d in response.context["documents"]] == [other.pk]
