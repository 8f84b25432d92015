"""The API token page and the API documentation page."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def test_insurer_creates_then_rotates_token_and_sees_each_key_once(client):
    world = build_world()
    client.force_login(world.insurer_a)

    before = client.get(reverse("api_token"))
    created = client.post(reverse("api_token"))
    first_key = Token.objects.get(user=world.insurer_a).key
    shown_later = client.get(reverse("api_token"))
    rotated = client.post(reverse("api_token"))
    second_key = Token.objects.get(user=world.insurer_a).key

    assert b"You have no API token yet." in before.content
    assert first_key.encode() in created.content
    assert "no-store" in created["Cache-Control"]
    assert first_key.encode() not in shown_later.content
    assert b"Rotate token" in shown_later.content
    assert second_key != first_key
    assert second_key.encode() in rotated.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    assert api.get("/api/records/").json()["count"] == 3


def test_reviewers_get_no_token(client):
    world = build_world()
    client.force_login(world.reviewer)

    assert client.post(reverse("api_token")).status_code == 403
    assert not Token.objects.filter(user=world.reviewer).exists()


def test_token_rotation_needs_csrf():
    from django.test import Client

    world = build_world()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.insurer_a)

    assert strict.post(reverse("api_token")).status_code == 403
    assert not Token.objects.exists()


def test_api_documentation_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://(?!localhost|testserver)[^\"']*\.(js|css)", html)
    assert '"/api/schema/"' in html or "/api/schema/" in html
