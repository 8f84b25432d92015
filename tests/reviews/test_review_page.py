"""The review page: fields beside the page image, corrections, approve, reject, next document."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from extraction.fields import PATIENT_DETAILS
from reviews.models import AuditAction, AuditEvent, Document, DocumentStatus
from reviews.services.review import claim
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    return make_batch(make_organization())


@pytest.fixture
def document(batch):
    return make_document(batch=batch, values={"patient_name": "Maria Sharapva"}, confidences={"patient_name": 0.42},
                         due_in=timedelta(hours=3))


@pytest.fixture
def alice():
    return make_user("alice", "reviewer")


@pytest.fixture
def client(alice):
    client = Client()
    client.force_login(alice)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_page_shows_fields_grouped_with_confidence_and_low_ones_highlighted(client, document):
    response = client.get(reverse("review", args=[document.pk]))

    html = response.content.decode()
    assert [group for group, rows in response.context["groups"]] == ["Prescriber", "Patient", "Prescription"]
    patient = html[html.index('data-field="patient_name"') - 30:html.index('data-field="patient_address"')]
    assert 'class="field-row low"' in patient
    assert ">42%</span>" in patient
    bbox = next(row["row"].bbox for _, rows in response.context["groups"] for row in rows
                if row["row"].spec.name == "patient_name")
    assert f'data-page="1" data-bbox="{",".join(str(v) for v in bbox)}"' in patient
    refills = html[html.index('data-field="refills"') - 23:]
    assert refills.startswith('<div class="field-row" data-field="refills"')
    assert ">95%</span>" in refills[:600]
    assert '<input type="hidden" name="version" value="1"' in html
    assert "<kbd>Alt+A</kbd></dt><dd>approve</dd>" in html
    assert f'"url": "/documents/{document.pk}/pages/1/"' in html


def test_the_patient_record_form_has_its_paper_groups(client, batch):
    document = make_document(batch=batch, kind=PATIENT_DETAILS)

    response = client.get(reverse("review", args=[document.pk]))

    assert [group for group, rows in response.context["groups"]] == [
        "Patient", "Emergency contact", "Medical history", "Insurance"]
    assert [p["number"] for p in response.context["pages"]] == [1, 2]


def test_invalid_values_are_refused_with_messages_beside_the_fields(client, document):
    response = client.post(reverse("review", args=[document.pk]),
                           {"version": "1", "action": "save", "f_refills": "two", "f_prescription_date": "5/13/20x"})

    assert response.status_code == 200
    html = response.content.decode()
    refills = html[html.index('data-field="refills"'):]
    assert '<p class="field-error" role="alert">Enter a whole number.</p>' in refills[:1500]
    assert messages_of(response) == ["Some fields need attention (see the messages beside them). Nothing was saved."]
    assert document.fields.get(name="refills").value == 2


def test_save_corrections_then_back_on_the_page(client, document):
    client.get(reverse("review", args=[document.pk]))
    data = {"version": "1", "action": "save", "f_patient_name": "Maria Sharapova", "f_refills": "2",
            "f_prescription_date": "5/11/2022"}

    response = client.post(reverse("review", args=[document.pk]), data, follow=True)

    assert response.redirect_chain == [(reverse("review", args=[document.pk]), 302)]
    assert messages_of(response) == ["Saved 1 correction."]
    assert 'Corrected by alice · read as Maria Sharapva' in response.content.decode()
    assert document.fields.get(name="patient_name").value == "Maria Sharapova"


def test_a_stale_form_gets_the_conflict_message_and_is_not_applied(client, document, alice):
    client.post(reverse("review", args=[document.pk]), {"version": "1", "action": "save", "f_refills": "3"}, follow=True)

    response = client.post(reverse("review", args=[document.pk]),
                           {"version": "1", "action": "save", "f_refills": "7"}, follow=True)

    assert messages_of(response) == [
        "This document was changed after you opened it (by someone else or in another window). "
        "Your changes were not saved; the page now shows the current values."]
    assert document.fields.get(name="refills").value == 3
    assert 'name="f_refills" value="3"' in response.content.decode()


def test_approve_opens_the_next_document_in_the_queue(client, document, batch):
    later = make_document(batch=batch, values={"patient_name": "Later Patient"}, due_in=timedelta(hours=9))

    response = client.post(reverse("review", args=[document.pk]),
                           {"version": "1", "action": "approve", "f_patient_name": "Maria Sharapova"}, follow=True)

    assert response.redirect_chain[-1] == (reverse("review", args=[later.pk]), 302)
    assert messages_of(response) == [f"Approved document #{document.pk}."]
    document.refresh_from_db()
    assert (document.status, document.patient_name) == (DocumentStatus.APPROVED, "Maria Sharapova")


def test_approve_refused_while_a_required_field_is_empty(client, document):
    response = client.post(reverse("review", args=[document.pk]),
                           {"version": "1", "action": "approve", "f_refills": ""})

    html = response.content.decode()
    refills = html[html.index('data-field="refills"'):]
    assert '<p class="field-error" role="alert">Required before approval.</p>' in refills[:1500]
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.NEEDS_REVIEW


def test_after_the_last_document_the_queue_says_so(client, document):
    response = client.post(reverse("review", args=[document.pk]), {"version": "1", "action": "approve"}, follow=True)

    assert response.redirect_chain[-1] == (reverse("queue"), 302)
    assert messages_of(response) == [f"Approved document #{document.pk}.", "No more documents are waiting for review."]


def test_reject_with_a_reason_then_next(client, document, batch):
    later = make_document(batch=batch, due_in=timedelta(hours=9))

    response = client.post(reverse("review_reject", args=[document.pk]),
                           {"version": "1", "reason": "not_medical", "note": "a utility bill"}, follow=True)

    assert response.redirect_chain[-1] == (reverse("review", args=[later.pk]), 302)
    document.refresh_from_db()
    assert (document.status, document.rejection_reason) == (DocumentStatus.REJECTED, "Not a medical document: a utility bill")


def test_reject_without_a_reason_is_refused(client, document):
    response = client.post(reverse("review_reject", args=[document.pk]), {"version": "1", "reason": ""}, follow=True)

    assert messages_of(response) == ["Choose a reason for the rejection."]
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.NEEDS_REVIEW


def test_skip_releases_my_claim_and_opens_the_next(client, document, batch):
    later = make_document(batch=batch, due_in=timedelta(hours=9))
    client.get(reverse("review", args=[document.pk]))

    response = client.post(reverse("review_skip", args=[document.pk]))

    assert response["Location"] == reverse("review", args=[later.pk])
    assert Document.objects.get(pk=document.pk).claimed_by is None
    assert AuditEvent.objects.filter(document=document, action=AuditAction.RELEASE).count() == 1


def test_next_skips_documents_held_by_others(client, document, batch):
    claim(document=document, user=make_user("bob", "reviewer"))
    free = make_document(batch=batch, due_in=timedelta(hours=9))

    response = client.get(reverse("review_next"))

    assert response["Location"] == reverse("review", args=[free.pk])


def test_send_back_from_the_review_page(client, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("review_send_back", args=[document.pk]), {"version": "1"}, follow=True)

    assert messages_of(response)[0] == f"Document #{document.pk} was sent back to processing."
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.QUEUED
    assert len(callbacks) == 1


def test_review_page_queries_do_not_grow_with_fields(client, batch, django_assert_max_num_queries):
    document = make_document(batch=batch, kind=PATIENT_DETAILS)
    client.post(reverse("review", args=[document.pk]), {
        "version": "1", "action": "save", "f_allergies": "Dust", "f_weight": "96", "f_height": "191"})

    with django_assert_max_num_queries(14):
        response = client.get(reverse("review", args=[document.pk]))

    assert response.status_code == 200


def test_a_document_of_unknown_kind_can_be_rejected_but_not_approved(client, batch):
    document = make_document(batch=batch, kind="unknown")

    page = client.get(reverse("review", args=[document.pk]))
    response = client.post(reverse("review", args=[document.pk]), {"version": "1", "action": "approve"})

    assert "The kind of this document is unknown, so there are no fields to check." in page.content.decode()
    assert messages_of(response) == ["A document of unknown kind cannot be approved; send it back or reject it."]
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.NEEDS_REVIEW
