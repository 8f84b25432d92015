"""Shared fixtures. Kept few and explicit; most tests build what they need."""
from __future__ import annotations

import pytest

from tests.support.s3 import S3Server
from tests.support.worker import CeleryWorker


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real `celery worker` process on the test Redis and the test database.

    Needs committed data (transactional_db) because the worker is another
    process with its own database connection.
    """
    worker = CeleryWorker()
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def s3_store(settings):
    """A real S3-compatible server (moto) on loopback, used as this process's default storage."""
    server = S3Server()
    server.start()
    settings.STORAGES = server.storages_setting(settings.STORAGES["staticfiles"])
    try:
        yield server
    finally:
        server.stop()
