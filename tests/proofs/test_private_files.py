"""No stored file is reachable without login, and production's session cookie is locked down."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.support.review_data import PASSWORD, make_batch, make_document, make_organization, make_user
from tests.support.worker import ROOT, database_url_for_tests


@pytest.mark.django_db
def test_originals_and_pages_need_a_login_and_no_url_serves_the_storage_folder():
    document = make_document(batch=make_batch(make_organization()))
    page = document.pages.get(number=1)
    anonymous = Client()
    insurer = Client()
    insurer.force_login(make_user("ivy", "insurer", organization=document.organization))

    for path in (f"/documents/{document.pk}/original/", f"/documents/{document.pk}/pages/1/"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    # The storage names themselves, under every prefix a server might map them to.
    for name in (document.original.name, page.image.name):
        for prefix in ("/", "/media/", "/static/", "/files/", "/static/../media/"):
            assert anonymous.get(prefix + name).status_code in (302, 404), prefix + name
            assert insurer.get(prefix + name).status_code == 404, prefix + name
    media = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media.is_relative_to(static.resolve()) and not static.resolve().is_relative_to(media)


LOGIN_IN_PRODUCTION = """
import json, django
django.setup()
from django.test import Client
# Behind the TLS proxy, which says so in X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
client = Client(secure=True, HTTP_X_FORWARDED_PROTO="https")
response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
cookies = {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
           for name, m in response.cookies.items()}
plain = Client().get("/accounts/login/")
print(json.dumps({"status": response.status_code, "location": response.get("Location"), "cookies": cookies,
                  "hsts": response.get("Strict-Transport-Security"), "plain_status": plain.status_code,
                  "plain_location": plain.get("Location")}))
"""


@pytest.mark.django_db(transaction=True)
def test_logging_in_under_production_settings_sets_locked_down_cookies():
    make_user("rita", "reviewer")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="medocr.settings", DEBUG="0", SECRET_KEY="p" * 64,
               ALLOWED_HOSTS="testserver", DATABASE_URL=database_url_for_tests(), USE_REDIS_CACHE="0")

    result = subprocess.run([sys.executable, "-c", LOGIN_IN_PRODUCTION.replace("PASSWORD", repr(PASSWORD))],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert (seen["status"], seen["location"]) == (302, "/")
    assert seen["cookies"]["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["cookies"]["csrftoken"] == {"secure": True, "httponly": False, "samesite": "Lax"}
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # Plain http is sent to https before any page (or cookie) is served.
    assert (seen["plain_status"], seen["plain_location"]) == (301, "https://testserver/accounts/login/")
