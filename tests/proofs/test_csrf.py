"""CSRF: a POST carrying the session cookie but no CSRF token is refused on every URL.

The client enforces CSRF checks as a browser's request would meet them. Every
route of the project is POSTed to (the Django admin's too), logged in as an
admin so that the session is the credential being forged; each route is then
POSTed again with a valid token, to show that the refusal was the CSRF check
and not something else. API clients that authenticate with a token header carry
no ambient credential, so CSRF does not apply to them (last test).
"""
from __future__ import annotations

import pytest
from django.test import Client

from reviews.models import Batch
from tests.reviews.test_permissions import all_routes
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db


def concrete_path(route: str, ids: dict[str, str]) -> str:
    """A path for the route with sample values in its parameters (the CSRF check runs before any lookup)."""
    path = route
    for name, value in ids.items():
        for converter in ("int:", "slug:", "path:", "str:", ""):
            path = path.replace(f"<{converter}{name}>", value)
    # Two of the admin's routes are regular expressions: its app index and its catch-all.
    if path.startswith("admin/^(?P<app_label>"):
        path = "admin/reviews/"
    if path == "admin/(?P<url>.*)$":
        path = "admin/no-such-page/"
    assert "<" not in path and "(?P" not in path, route
    return "/" + path


def says_csrf(response) -> bool:
    content = response.content.decode(errors="replace")
    return "CSRF verification failed" in content or "CSRF Failed" in content


@pytest.fixture
def sample_ids():
    document = make_document(batch=make_batch(make_organization()))
    # The admin's object ids name no object: a POST that passes the CSRF check there would
    # confirm a deletion.
    return {"pk": str(document.pk), "number": "1", "table": "batches", "object_id": "999999999",
            "content_type_id": "1", "id": "999999999"}


def admin_client(admin) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    return client


def test_every_post_without_a_csrf_token_is_refused_and_with_one_is_not(sample_ids):
    admin = make_user("adam", "admin", is_staff=True, is_superuser=True)
    without, with_token = admin_client(admin), admin_client(admin)
    with_token.get("/accounts/login/")  # sets the CSRF cookie, as any page with a form does
    token = with_token.cookies["csrftoken"].value
    routes = all_routes()
    wrong = []
    for route in routes:
        path = concrete_path(route, sample_ids)
        refused = without.post(path, {"action": "approve", "reason": "unreadable", "name": "x"})
        if route in ("accounts/logout/", "admin/logout/"):
            passed = None  # would end the session the other requests use
        else:
            passed = with_token.post(path, {"csrfmiddlewaretoken": token}, HTTP_X_CSRFTOKEN=token)
        # Refused by the CSRF check: 403 saying so, or (the API's HTML pages render a bare
        # "403 Forbidden") a 403 that the same request with a token does not get.
        if refused.status_code != 403 or not (says_csrf(refused) or (passed and passed.status_code != 403)):
            wrong.append(f"{path}: accepted without a token ({refused.status_code})")
        if passed is not None and says_csrf(passed):
            wrong.append(f"{path}: refused with a valid token")

    assert len(routes) > 60  # the project's routes and the admin site's
    assert wrong == [], "\n".join(wrong)


def test_login_and_logout_need_the_token_too():
    make_user("rita", "reviewer")
    client = Client(enforce_csrf_checks=True)

    login = client.post("/accounts/login/", {"username": "rita", "password": "x"})
    assert login.status_code == 403 and says_csrf(login)
    client.force_login(make_user("ivy", "insurer", organization=make_organization()))
    logout = client.post("/accounts/logout/")
    assert logout.status_code == 403 and says_csrf(logout)
    assert client.get("/exports/").status_code == 200  # still logged in


def test_api_clients_with_a_token_header_need_no_csrf_token():
    from rest_framework.authtoken.models import Token

    organization = make_organization("Southwind Care")
    admin = make_user("adam", "admin", is_staff=True)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin).key}")

    response = client.post("/api/batches/", {"organization": organization.pk, "name": "By API"},
                           content_type="application/json")

    assert response.status_code == 201, response.content
    assert Batch.objects.get().name == "By API"
