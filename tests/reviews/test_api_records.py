"""Records API: insurers read their organisation's approved records with a token, and nothing else."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from reviews.services.api_tokens import rotate_token
from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {rotate_token(user=user).key}")
    return client


def test_insurer_lists_own_approved_records_with_reviewed_values():
    world = build_world()

    response = token_client(world.insurer_a).get("/api/records/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [d.pk for d in world.approved_a]
    assert body["results"][0] == {
        "id": world.prescription_a.pk,
        "batch_id": world.batch_a1.pk,
        "batch": "March intake",
        "kind": "prescription",
        "approved_by": "checker",
        "approved_at": "2026-03-02T14:05:00Z",
        "corrected_fields": ["patient_name", "refills"],
        "values": {
            "prescriber_name": "Dr John Smith, M.D",
            "prescription_date": "5/11/2022",
            "patient_name": "Maria Sharapova",
            "patient_address": "9 tennis court, new Russia, DC",
            "medicines": ["Prednisone 20 mg", "Lialda 2.4 gram"],
            "directions": "Prednisone, Taper 5 mg every 3 days, Finish in 2.5 weeks. "
                          "Lialda - take 2 pill everyday for 1 month",
            "refills": 2,
        },
    }
    assert body["results"][1]["values"]["policy_number"] == "7115207313"


def test_filter_by_approval_date_batch_and_kind():
    world = build_world()
    client = token_client(world.insurer_a)

    after = client.get("/api/records/", {"approved_after": "2026-03-03"}).json()
    before = client.get("/api/records/", {"approved_before": "2026-03-02"}).json()
    batch = client.get("/api/records/", {"batch": world.batch_a2.pk}).json()
    kind = client.get("/api/records/", {"kind": "patient_details"}).json()
    bad_date = client.get("/api/records/", {"approved_after": "yesterday"})
    bad_batches = [client.get("/api/records/", {"batch": value}).status_code
                   for value in ("-1.893875602099097e+87", "1.5", "9223372036854775808", "0", "x")]

    assert [r["values"]["patient_name"] for r in after["results"]] == ["Kathy Crawford", "Ellie Sattler"]
    assert [r["values"]["patient_name"] for r in before["results"]] == ["Maria Sharapova"]
    assert [r["values"]["patient_name"] for r in batch["results"]] == ["Ellie Sattler"]
    assert [r["values"]["patient_name"] for r in kind["results"]] == ["Kathy Crawford"]
    assert bad_date.status_code == 400
    assert bad_batches == [400, 400, 400, 400, 400]  # found by the schema fuzz run: once a 500 on SQLite


def test_pagination():
    world = build_world()
    client = token_client(world.insurer_a)

    first = client.get("/api/records/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert [r["id"] for r in second["results"]] == [world.prescription_a2.pk]
    assert second["next"] is None
    assert client.get("/api/records/").json()["next"] is None  # 50 a page unless asked


def test_insurer_fetches_one_record_of_own_organization_only():
    world = build_world()
    client_b = token_client(world.insurer_b)

    own = client_b.get(f"/api/records/{world.prescription_b.pk}/")
    other = client_b.get(f"/api/records/{world.prescription_a.pk}/")
    listing = client_b.get("/api/records/").json()

    assert own.status_code == 200
    assert own.json()["values"]["patient_name"] == "Jerry Lucas"
    assert other.status_code == 404
    assert [r["id"] for r in listing["results"]] == [world.prescription_b.pk]


def test_unapproved_documents_are_not_records():
    world = build_world()
    client = token_client(world.insurer_a)

    for document in world.not_approved_a:
        assert client.get(f"/api/records/{document.pk}/").status_code == 404


def test_admin_reads_every_organization():
    world = build_world()

    body = token_client(world.admin).get("/api/records/").json()

    assert body["count"] == 4


def test_authentication_and_roles():
    world = build_world()
    anonymous = APIClient()
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert anonymous.get("/api/records/").status_code == 401
    assert wrong.get("/api/records/").status_code == 401
    assert token_client(world.reviewer).get("/api/records/").status_code == 403


def test_rotated_token_replaces_the_old_one():
    world = build_world()
    old = rotate_token(user=world.insurer_a).key
    new = rotate_token(user=world.insurer_a).key
    client = APIClient()

    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/records/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/records/").status_code == 200


def test_requests_beyond_the_rate_limit_are_refused(monkeypatch):
    # The throttle classes of settings.REST_FRAMEWORK, with a small rate for the test.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "30/minute"})
    cache.clear()
    world = build_world()
    client = token_client(world.insurer_a)

    statuses = [client.get("/api/records/").status_code for _ in range(4)]
    refused = client.get("/api/records/")

    assert statuses == [200, 200, 200, 429]
    assert int(refused["Retry-After"]) > 0
    cache.clear()
