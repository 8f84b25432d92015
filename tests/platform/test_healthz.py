import json

import pytest

from medocr import health


@pytest.mark.django_db
def test_healthz_reports_ok_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_broker_is_down(client, settings, monkeypatch):
    monkeypatch.setattr(health.celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "ok", "broker": "unreachable"}


@pytest.mark.django_db
def test_healthz_is_503_when_database_is_down(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable"


@pytest.mark.django_db
def test_other_pages_require_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_login_page_loads(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert b"Log in" in response.content
