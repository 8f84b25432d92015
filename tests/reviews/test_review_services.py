"""The review workflow services: corrections, approval, double check, rejection, sending back."""
import json

import pytest
import redis
from django.conf import settings

from extraction.fields import PATIENT_DETAILS
from reviews.models import AuditAction, AuditEvent, DocumentStatus, ExtractedField
from reviews.services import review
from reviews.services.review import ApprovalRefused, ClaimHeld, ReviewError, StaleDocument
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_organization()


@pytest.fixture
def alice():
    return make_user("alice", "reviewer")


@pytest.fixture
def bob():
    return make_user("bob", "reviewer")


@pytest.fixture
def document(org):
    return make_document(batch=make_batch(org), values={"patient_name": "Maria Sharapva"},
                         confidences={"patient_name": 0.41})


def value_of(document, name):
    return ExtractedField.objects.get(document=document, name=name).value


def test_save_corrections_writes_values_bumps_version_and_records_each_change(document, alice):
    changed = review.save_corrections(document=document, user=alice, version=1,
                                      corrections={"patient_name": "Maria Sharapova", "refills": 3})

    assert changed == ["patient_name", "refills"]
    document.refresh_from_db()
    assert document.version == 2
    assert document.patient_name == "Maria Sharapova"
    assert document.claimed_by == alice
    field = ExtractedField.objects.get(document=document, name="patient_name")
    assert (field.value, field.extracted_value, field.corrected, field.corrected_by) == (
        "Maria Sharapova", "Maria Sharapva", True, alice)
    events = AuditEvent.objects.filter(document=document, action=AuditAction.CORRECTION).order_by("id")
    assert [(e.actor, e.detail) for e in events] == [
        (alice, {"field": "patient_name", "label": "Patient name", "old": "Maria Sharapva", "new": "Maria Sharapova"}),
        (alice, {"field": "refills", "label": "Refills", "old": 2, "new": 3}),
    ]


def test_unchanged_values_are_not_corrections(document, alice):
    changed = review.save_corrections(document=document, user=alice, version=1, corrections={"refills": 2})

    assert changed == []
    document.refresh_from_db()
    assert document.version == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CORRECTION).exists()


def test_a_stale_version_is_refused_and_nothing_is_written(document, alice):
    review.save_corrections(document=document, user=alice, version=1, corrections={"refills": 3})

    with pytest.raises(StaleDocument) as error:
        review.save_corrections(document=document, user=alice, version=1, corrections={"refills": 4})

    assert error.value.message == (
        "This document was changed after you opened it (by someone else or in another window). "
        "Your changes were not saved; the page now shows the current values.")
    assert value_of(document, "refills") == 3


def test_a_document_held_by_another_reviewer_cannot_be_saved(document, alice, bob):
    review.claim(document=document, user=alice)

    with pytest.raises(ClaimHeld) as error:
        review.save_corrections(document=document, user=bob, version=1, corrections={"refills": 4})

    assert error.value.message.startswith("alice is reviewing this document until ")
    assert value_of(document, "refills") == 2


def test_approve_saves_last_corrections_and_approves(document, alice):
    review.approve(document=document, user=alice, version=1, corrections={"patient_name": "Maria Sharapova"})

    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert (document.reviewed_by, document.claimed_by, document.version) == (alice, None, 3)
    assert value_of(document, "patient_name") == "Maria Sharapova"
    status = AuditEvent.objects.get(document=document, action=AuditAction.STATUS)
    assert status.detail == {"from": "needs_review", "to": "approved"}


def test_approve_is_refused_while_required_fields_are_empty_or_invalid(org, alice):
    document = make_document(batch=make_batch(org), values={"refills": None, "prescription_date": "5/13/20x"})

    with pytest.raises(ApprovalRefused) as error:
        review.approve(document=document, user=alice, version=1)

    assert error.value.problems == {
        "Date": "Enter a date as written, e.g. 5/11/2022, May 6 1972 or 30 December 2020.",
        "Refills": "Required before approval.",
    }
    document.refresh_from_db()
    assert (document.status, document.version) == (DocumentStatus.NEEDS_REVIEW, 1)


def test_optional_fields_may_stay_empty(org, alice):
    document = make_document(batch=make_batch(org), kind=PATIENT_DETAILS,
                             values={"emergency_contact_phone": None, "allergies": None})

    review.approve(document=document, user=alice, version=1)

    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED


def test_double_check_first_approval_waits_for_a_second_reviewer(alice, bob):
    org = make_organization("Careful Mutual", double_check=True)
    document = make_document(batch=make_batch(org))

    review.approve(document=document, user=alice, version=1)
    document.refresh_from_db()
    assert (document.status, document.first_approval_by, document.claimed_by) == (
        DocumentStatus.NEEDS_REVIEW, alice, None)

    with pytest.raises(ReviewError) as error:
        review.approve(document=document, user=alice, version=2)
    assert error.value.message == "You gave the first approval. A second reviewer who made no corrections must approve it."

    review.approve(document=document, user=bob, version=2)
    document.refresh_from_db()
    assert (document.status, document.reviewed_by) == (DocumentStatus.APPROVED, bob)


def test_double_check_refuses_a_second_approval_from_someone_who_corrected(alice, bob):
    org = make_organization("Careful Mutual", double_check=True)
    document = make_document(batch=make_batch(org), values={"refills": 1})
    review.save_corrections(document=document, user=bob, version=1, corrections={"refills": 2})
    review.release(document=document, user=bob)
    review.approve(document=document, user=alice, version=2)

    with pytest.raises(ReviewError) as error:
        review.approve(document=document, user=bob, version=3)

    assert error.value.message == (
        "You corrected fields of this document, so you cannot give its second approval. "
        "A reviewer who made no corrections must approve it.")
    document.refresh_from_db()
    assert (document.status, document.first_approval_by) == (DocumentStatus.NEEDS_REVIEW, alice)


def test_a_correction_after_the_first_approval_starts_the_check_again(alice, bob):
    org = make_organization("Careful Mutual", double_check=True)
    document = make_document(batch=make_batch(org))
    review.approve(document=document, user=alice, version=1)

    review.approve(document=document, user=bob, version=2, corrections={"refills": 5})

    document.refresh_from_db()
    assert (document.status, document.first_approval_by) == (DocumentStatus.NEEDS_REVIEW, bob)


def test_reject_needs_a_listed_reason_and_records_it(document, alice):
    with pytest.raises(ReviewError) as error:
        review.reject(document=document, user=alice, version=1, reason="other")
    assert error.value.message == "Say why the document is rejected."

    review.reject(document=document, user=alice, version=1, reason="illegible", note="page 2  is blurred")

    document.refresh_from_db()
    assert (document.status, document.rejection_reason, document.reviewed_by) == (
        DocumentStatus.REJECTED, "Illegible or incomplete scan: page 2 is blurred", alice)
    status = AuditEvent.objects.get(document=document, action=AuditAction.STATUS)
    assert status.detail == {"from": "needs_review", "to": "rejected",
                             "reason": "Illegible or incomplete scan: page 2 is blurred"}


def test_only_an_admin_can_reprocess_a_finished_document(document, alice):
    review.approve(document=document, user=alice, version=1)

    with pytest.raises(ReviewError) as error:
        review.send_back(document=document, user=alice, version=2)

    assert error.value.message == "Only an admin can re-process a finished document."


def test_send_back_queues_the_document_and_enqueues_processing_on_commit(document, alice, django_capture_on_commit_callbacks):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("ocr")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review.send_back(document=document, user=alice, version=1)

    document.refresh_from_db()
    assert (document.status, document.claimed_by) == (DocumentStatus.QUEUED, None)
    assert len(callbacks) == 1
    message = json.loads(broker.lpop("ocr"))
    assert message["headers"]["task"] == "extraction.tasks.process_document"
    assert message["headers"]["argsrepr"] == f"({document.pk},)"
    status = AuditEvent.objects.get(document=document, action=AuditAction.STATUS)
    assert status.detail == {"from": "needs_review", "to": "queued", "reason": "sent back to processing"}


def test_saving_without_opening_first_claims_the_document_on_the_record(document, alice):
    review.save_corrections(document=document, user=alice, version=1, corrections={"refills": 3})
    review.save_corrections(document=document, user=alice, version=2, corrections={"refills": 4})

    claims = AuditEvent.objects.filter(document=document, action=AuditAction.CLAIM)
    assert [e.actor for e in claims] == [alice]
