"""The OpenAPI schema is valid, and requests generated from it never make the API fail.

Schemathesis reads /api/schema/ from the WSGI application and sends a bounded
number of generated requests per operation with a real admin token, then checks
each response: no server error, status and body as the schema declares.
"""
from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from medocr.wsgi import application
from reviews.services.api_tokens import rotate_token
from tests.support.export_data import build_world

EXAMPLES_PER_OPERATION = 25


def test_schema_is_valid_openapi(tmp_path):
    # --fail-on-warn: any part of an endpoint drf-spectacular could not describe fails the test.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    assert "openapi: 3.0.3" in text
    for path in ("/api/records/", "/api/records/{id}/", "/api/exports/", "/api/exports/{id}/file",
                 "/api/batches/", "/api/batches/{id}/", "/api/batches/{id}/documents/"):
        assert f"  {path}:" in text


@pytest.fixture
def admin_token(db):
    """A real admin token; the WSGI application shares the test's connection and transaction.

    Like Django's test client, requests must not close that connection when they finish.
    """
    cache.clear()  # rate-limit counters of earlier tests
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    world = build_world()
    yield rotate_token(user=world.admin).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema is public and is read through the application itself, without a database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_get_no_server_error(case, admin_token):
    # Every built-in check (no server error, documented status codes, content types and
    # response bodies that match the schema) but two that expect what this API rightly
    # does not do: a schema-valid organisation id may name no organisation (400), and an
    # empty query value (`?approved_before=`) means "not given", as in an HTML form.
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
