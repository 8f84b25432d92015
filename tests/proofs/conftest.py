"""Fixtures of the proof tests: a Redis of their own (restartable) and a real worker on it."""
from __future__ import annotations

import os

import pytest

from tests.support.faults import RedisServer, use_broker
from tests.support.worker import CeleryWorker

# Documents per fault scenario: small in CI, larger under `make soak`.
SOAK = os.environ.get("SOAK") == "1"
SOAK_DOCUMENTS = int(os.environ.get("SOAK_DOCUMENTS", "60" if SOAK else "20"))


@pytest.fixture
def broker(request):
    """A redis-server on a free loopback port, with append-only persistence unless the test's
    parameter says False; this process enqueues on it."""
    server = RedisServer(appendonly=getattr(request, "param", True))
    server.start()
    try:
        with use_broker(server.url):
            yield server
    finally:
        server.close()


@pytest.fixture
def media(settings, tmp_path):
    """Private storage in a folder of this test's own, so stored files can be counted exactly."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder), "base_url": None},
    }}
    return folder


@pytest.fixture
def worker(transactional_db, broker, media):
    """A real Celery worker (one pool process) consuming from `broker`, storing into `media`."""
    # The worker inherits the test settings module, which reads the TEST_* variables.
    celery = CeleryWorker(concurrency=1, env={
        "REDIS_URL": broker.url, "TEST_REDIS_URL": broker.url, "MEDIA_ROOT": str(media), "TEST_MEDIA_ROOT": str(media),
    })
    try:
        celery.start(timeout=60)  # a worker that never answered is stopped too
        yield celery
    finally:
        celery.stop()
