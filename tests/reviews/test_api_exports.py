"""Exports API: list and fetch past exports of one's own organisation."""
from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import AuditEvent, Export
from reviews.services.api_tokens import rotate_token
from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {rotate_token(user=user).key}")
    return client


def export_on_page(client, world, user, organization, fmt="csv") -> bytes:
    client.force_login(user)
    response = client.post(reverse("exports"), {"format": fmt, "organization": organization.pk})
    return b"".join(response.streaming_content)


def test_insurer_lists_and_downloads_own_exports(client):
    world = build_world()
    body = export_on_page(client, world, world.insurer_a, world.org_a)
    export_on_page(client, world, world.insurer_b, world.org_b)
    export = Export.objects.get(organization=world.org_a)
    api = token_client(world.insurer_a)

    listing = api.get("/api/exports/").json()
    detail = api.get(f"/api/exports/{export.pk}/").json()
    file = api.get(f"/api/exports/{export.pk}/file")

    assert listing["count"] == 1
    assert listing["results"][0] == detail
    assert detail == {
        "id": export.pk,
        "organization": "northwind",
        "created_at": export.created_at.isoformat().replace("+00:00", "Z"),
        "created_by": "claims-a",
        "format": "csv",
        "filters": {"organization": world.org_a.pk, "batch": None, "approved_from": None, "approved_to": None,
                    "only_not_exported": False},
        "document_count": 3,
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "download_url": f"http://testserver/api/exports/{export.pk}/file",
    }
    assert file.status_code == 200
    assert file["Cache-Control"] == "private, no-store"
    assert file["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(file.streaming_content) == body
    assert AuditEvent.objects.filter(action="download", actor=world.insurer_a, detail__export=export.pk).count() == 1


def test_other_organization_exports_are_not_found(client):
    world = build_world()
    export_on_page(client, world, world.insurer_a, world.org_a)
    export = Export.objects.get()
    api = token_client(world.insurer_b)

    assert api.get("/api/exports/").json()["count"] == 0
    assert api.get(f"/api/exports/{export.pk}/").status_code == 404
    assert api.get(f"/api/exports/{export.pk}/file").status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_reviewer_and_anonymous_are_refused(client):
    world = build_world()
    export_on_page(client, world, world.insurer_a, world.org_a)
    export = Export.objects.get()

    assert token_client(world.reviewer).get(f"/api/exports/{export.pk}/file").status_code == 403
    assert APIClient().get(f"/api/exports/{export.pk}/file").status_code == 401
