"""The review queue: deadline order, time left, filters, search, pagination, counts, query counts."""
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from extraction.fields import PATIENT_DETAILS
from reviews.models import DocumentStatus
from tests.support.review_data import bulk_documents, make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_organization()


@pytest.fixture
def batch(org):
    return make_batch(org)


@pytest.fixture
def client():
    client = Client()
    client.force_login(make_user("alice", "reviewer"))
    return client


def names(response):
    return [d.patient_name for d in response.context["documents"]]


def test_documents_needing_review_in_deadline_order_with_time_left(client, batch):
    make_document(batch=batch, values={"patient_name": "Later Lee"}, due_in=timedelta(hours=5, minutes=10, seconds=30))
    make_document(batch=batch, values={"patient_name": "Soon Sato"}, due_in=timedelta(minutes=95, seconds=30))
    make_document(batch=batch, values={"patient_name": "Late Lopez"}, due_in=-timedelta(minutes=20, seconds=30))
    make_document(batch=batch, values={"patient_name": "Done Diaz"}, status=DocumentStatus.APPROVED)

    response = client.get(reverse("queue"))

    assert names(response) == ["Late Lopez", "Soon Sato", "Later Lee"]
    assert [(d.time_left, d.urgency) for d in response.context["documents"]] == [
        ("overdue 20 min", "overdue"), ("1 h 35 min left", "soon"), ("5 h 10 min left", "")]
    html = response.content.decode()
    assert '<span class="time-left overdue">overdue 20 min</span>' in html
    assert '<span class="time-left soon">1 h 35 min left</span>' in html
    assert '<span class="time-left ">5 h 10 min left</span>' in html


def test_counts_per_status_at_the_top(client, batch):
    bulk_documents(batch=batch, count=3)
    bulk_documents(batch=batch, count=2, status=DocumentStatus.APPROVED)
    bulk_documents(batch=batch, count=1, status=DocumentStatus.FAILED)

    response = client.get(reverse("queue"))

    assert response.context["counts"] == [
        ("queued", "Queued", 0), ("processing", "Processing", 0), ("needs_review", "Needs review", 3),
        ("approved", "Approved", 2), ("rejected", "Rejected", 0), ("failed", "Failed", 1), ("duplicate", "Duplicate", 0),
    ]
    assert '<span class="n">3</span><span class="label">Needs review</span>' in response.content.decode()


def test_filters_by_organization_batch_kind_and_status(client, batch):
    other_org = make_organization("Southwind Care")
    other_batch = make_batch(other_org, "April intake")
    make_document(batch=batch, values={"patient_name": "North Rx"})
    make_document(batch=batch, kind=PATIENT_DETAILS, values={"patient_name": "North Record"})
    make_document(batch=other_batch, values={"patient_name": "South Rx"})
    make_document(batch=other_batch, values={"patient_name": "South Rejected"}, status=DocumentStatus.REJECTED)

    assert names(client.get(reverse("queue"), {"organization": other_org.pk})) == ["South Rx"]
    assert names(client.get(reverse("queue"), {"batch": batch.pk, "kind": "patient_details"})) == ["North Record"]
    assert names(client.get(reverse("queue"), {"status": "rejected"})) == ["South Rejected"]
    assert sorted(names(client.get(reverse("queue"), {"status": "all", "organization": other_org.pk}))) == [
        "South Rejected", "South Rx"]


def test_search_by_patient_name_ignores_case(client, batch):
    make_document(batch=batch, values={"patient_name": "Kathy Crawford"})
    make_document(batch=batch, values={"patient_name": "Maria Sharapova"})

    response = client.get(reverse("queue"), {"q": "  crawFORD "})

    assert names(response) == ["Kathy Crawford"]
    assert 'value="crawFORD"' in response.content.decode()


def test_pagination_keeps_the_filters(client, batch):
    bulk_documents(batch=batch, count=60)

    first = client.get(reverse("queue"), {"q": "patient"})
    second = client.get(reverse("queue"), {"q": "patient", "page": "2"})

    assert len(first.context["documents"]) == 50
    assert names(second) == [f"Patient {i:06d}" for i in range(50, 60)]
    html = first.content.decode()
    assert "1–50 of 60" in html
    assert 'href="?q=patient&amp;page=2">Next →</a>' in html


def test_queue_queries_do_not_grow_with_rows(client, batch, django_assert_num_queries):
    # Session, user, roles, count, rows, counts per status, organisations, batches; the first
    # request also saves the session's last-seen time (3), the next within a minute does not.
    bulk_documents(batch=batch, count=5)
    with django_assert_num_queries(11):
        client.get(reverse("queue"))

    bulk_documents(batch=make_batch(make_organization("Other Org"), "B2"), count=55, name="More")
    with django_assert_num_queries(8):
        response = client.get(reverse("queue"))

    assert len(response.context["documents"]) == 50


def test_queue_stays_fast_with_100000_documents(client, batch, django_assert_max_num_queries):
    bulk_documents(batch=batch, count=90_000, step=timedelta(seconds=1))
    bulk_documents(batch=batch, count=10_000, status=DocumentStatus.APPROVED, name="Approved")

    # Its speed under load is measured by `make bench` (web latency section), not timed here.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("queue"), {"page": "3"})

    assert names(response)[0] == "Patient 000100"
    assert "101–150 of 90000" in response.content.decode()
