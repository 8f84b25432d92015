"""The audit trail: every change, claim, view and download, shown as a timeline, never editable."""
import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from reviews.models import AuditAction, AuditEvent
from reviews.services import review
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return make_document(batch=make_batch(make_organization()), values={"patient_name": "Maria Sharapva"})


def client_for(user):
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.force_login(user)
    return client


def test_timeline_shows_who_did_what_when_and_from_where(document):
    alice = make_user("alice", "reviewer")
    client = client_for(alice)
    client.get(reverse("review", args=[document.pk]))
    client.get(reverse("page_image", args=[document.pk, 1]))
    client.post(reverse("review", args=[document.pk]),
                {"version": "1", "action": "approve", "f_patient_name": "Maria Sharapova"})
    client.get(reverse("document_original", args=[document.pk]))

    response = client.get(reverse("document_audit", args=[document.pk]))

    events = response.context["events"]
    assert [(e.actor.username, e.description, e.ip_address) for e in events] == [
        ("alice", "Claimed for review", "10.9.8.7"),
        ("alice", "Viewed page 1", "10.9.8.7"),
        ("alice", "Patient name: “Maria Sharapva” → “Maria Sharapova”", "10.9.8.7"),
        ("alice", "Status: Needs review → Approved", "10.9.8.7"),
        ("alice", "Downloaded the original", "10.9.8.7"),
    ]
    html = response.content.decode()
    assert '<span class="what">Patient name: “Maria Sharapva” → “Maria Sharapova”</span>' in html
    assert '<span class="ip muted">10.9.8.7</span>' in html


def test_rejection_first_approval_and_release_read_plainly():
    org = make_organization("Careful Mutual", double_check=True)
    document = make_document(batch=make_batch(org))
    alice, boss = make_user("alice", "reviewer"), make_user("boss", "admin")
    review.claim(document=document, user=boss)
    review.release(document=document, user=boss)
    review.approve(document=document, user=alice, version=1)
    review.reject(document=document, user=boss, version=2, reason="duplicate", note="same as #4")

    response = client_for(boss).get(reverse("document_audit", args=[document.pk]))

    assert [(e.actor.username, e.description) for e in response.context["events"]] == [
        ("boss", "Claimed for review"),
        ("boss", "Released the claim of boss"),
        ("alice", "Claimed for review"),
        ("alice", "First approval; awaiting a second check"),
        ("boss", "Status: Needs review → Rejected (Duplicate of another document: same as #4)"),
    ]


def test_timeline_queries_do_not_grow_with_events(document, django_assert_max_num_queries):
    alice = make_user("alice", "reviewer")
    client = client_for(alice)
    for _ in range(20):
        client.get(reverse("page_image", args=[document.pk, 1]))

    with django_assert_max_num_queries(9):
        response = client.get(reverse("document_audit", args=[document.pk]))

    assert len(response.context["events"]) == 20


def test_events_cannot_be_changed_or_deleted_through_the_model(document):
    event = AuditEvent.objects.create(action=AuditAction.VIEW, document=document, detail={"page": 1})

    event.detail = {"page": 2}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail={})
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"page": 1}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_updates_and_deletes(document):
    event = AuditEvent.objects.create(action=AuditAction.VIEW, document=document, detail={"page": 1})

    for sql in ("UPDATE reviews_auditevent SET detail = '{}' WHERE id = %s", "DELETE FROM reviews_auditevent WHERE id = %s"):
        with pytest.raises(Exception, match="audit events are append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])


def test_the_admin_cannot_add_change_or_delete_events(document):
    event = AuditEvent.objects.create(action=AuditAction.VIEW, document=document, detail={"page": 1})
    root = make_user("root", is_staff=True, is_superuser=True)
    client = client_for(root)

    assert client.get(reverse("admin:reviews_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:reviews_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    change = client.post(reverse("admin:reviews_auditevent_change", args=[event.pk]), {"detail": "{}"})
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == {"page": 1}


def test_insurers_do_not_see_the_trail(document):
    insurer = make_user("ivy", "insurer", organization=document.organization)

    assert client_for(insurer).get(reverse("document_audit", args=[document.pk])).status_code == 403
