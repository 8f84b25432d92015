"""Logging in and out, idle sessions, throttled guessing, and where each role lands."""
import time

import pytest
from django.test import Client
from django.urls import reverse

from reviews.middleware import SESSION_KEY
from tests.support.review_data import PASSWORD, make_organization, make_user

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_logging_in_takes_a_reviewer_to_the_queue():
    make_user("alice", "reviewer")
    client = Client()

    response = log_in(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("queue")


def test_each_role_lands_on_its_work():
    org = make_organization()
    landing = {}
    for username, role in (("boss", "admin"), ("ivy", "insurer"), ("nobody", None)):
        client = Client()
        client.force_login(make_user(username, role, organization=org if role == "insurer" else None))
        landing[username] = client.get(reverse("home"))

    assert landing["boss"]["Location"] == reverse("queue")
    assert landing["ivy"]["Location"] == reverse("exports")
    assert landing["nobody"].status_code == 403
    assert "No role assigned" in landing["nobody"].content.decode()


def test_pages_need_a_login():
    response = Client().get(reverse("queue"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/queue/"


def test_logout_is_a_post_and_ends_the_session():
    make_user("alice", "reviewer")
    client = Client()
    log_in(client, "alice")

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert client.get(reverse("queue")).status_code == 302


def test_a_session_idle_longer_than_the_limit_is_logged_out(settings):
    settings.SESSION_IDLE_MINUTES = 15
    make_user("alice", "reviewer")
    client = Client()
    log_in(client, "alice")
    assert client.get(reverse("queue")).status_code == 200

    session = client.session
    session[SESSION_KEY] = time.time() - 14 * 60
    session.save()
    assert client.get(reverse("queue")).status_code == 200

    session = client.session
    session[SESSION_KEY] = time.time() - 16 * 60
    session.save()
    response = client.get(reverse("queue"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/queue/"
    assert client.get(reverse("queue")).status_code == 302


def test_requests_within_a_minute_do_not_rewrite_the_session():
    make_user("alice", "reviewer")
    client = Client()
    log_in(client, "alice")
    client.get(reverse("queue"))
    first_seen = client.session[SESSION_KEY]

    client.get(reverse("queue"))
    assert client.session[SESSION_KEY] == first_seen

    session = client.session
    session[SESSION_KEY] = first_seen - 61
    session.save()
    client.get(reverse("queue"))
    assert client.session[SESSION_KEY] > first_seen


def test_the_sixth_wrong_attempt_is_locked_out(settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    make_user("alice", "reviewer")
    client = Client()

    for attempt in range(5):
        response = log_in(client, "alice", "wrong-guess")
        assert response.status_code == 200, attempt
        assert "Your username and password didn't match." in response.content.decode()

    locked = log_in(client, "alice", "wrong-guess")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()

    # Even the right password is refused while the lock lasts.
    assert log_in(client, "alice").status_code == 429
    assert client.get(reverse("queue")).status_code == 302
