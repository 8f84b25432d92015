"""Faults while a batch is processing: nothing is lost, nothing is done twice.

Each scenario takes a batch of SOAK_DOCUMENTS real documents in through the
intake service (20 in CI, more under `make soak`), lets a real Celery worker on
a Redis of the test's own work through it, injects one fault mid-task, and then
checks every document: it reached review, its status history shows one
processing → needs_review change (a redelivered task may restart processing,
and that shows too), it has exactly one set of pages and fields, and no page
image of an interrupted run is left in storage. The Redis restarts with
append-only persistence, as deployed; one scenario restarts it without, to show
what that setting holds (the queued tasks are lost until re-processed).
"""
from __future__ import annotations

import time

import pytest
from django.db import connection

from reviews.models import DocumentStatus
from reviews.services.processing import reprocess
from tests.proofs.checks import (
    assert_each_processed_exactly_once,
    intake_batch,
    wait_for_document_in_flight,
    wait_until_final,
)
from tests.proofs.conftest import SOAK, SOAK_DOCUMENTS
from tests.support import documents
from tests.support.faults import terminate_other_connections

pytestmark = [pytest.mark.worker, pytest.mark.slow]
N = SOAK_DOCUMENTS
# Seconds per document on a busy two-core machine, with room for a restart.
TIMEOUT = 60 + 6 * N


def test_a_worker_process_killed_mid_task_hands_its_document_to_the_next(worker):
    batch = intake_batch(N, "Kill")
    victim = wait_for_document_in_flight(batch, worker=worker)
    pool_before = worker.child_pids()

    worker.kill_children()  # SIGKILL, as the kernel's OOM killer would

    wait_until_final(batch, worker=worker, timeout=TIMEOUT)
    attempts = assert_each_processed_exactly_once(batch, N)
    assert attempts[victim.pk] == 2
    assert sum(attempts.values()) == N + 1
    assert worker.child_pids() != pool_before  # the pool replaced the killed process
    assert worker.process.poll() is None


def test_redis_restarted_mid_batch_loses_no_queued_task(worker, broker):
    batch = intake_batch(N, "Restart")
    wait_for_document_in_flight(batch, worker=worker)
    waiting = broker.queued()
    assert waiting > 0  # tasks sit in Redis when it goes down

    broker.restart(down_seconds=2)

    wait_until_final(batch, worker=worker, timeout=TIMEOUT)
    assert_each_processed_exactly_once(batch, N)
    assert worker.process.poll() is None


@pytest.mark.parametrize("broker", [False], indirect=True, ids=["no-persistence"])
def test_without_persistence_a_redis_restart_loses_queued_tasks_until_they_are_reprocessed(worker, broker):
    """Why the deployment runs Redis with appendonly: without it the queue is gone after a restart."""
    batch = intake_batch(N, "Volatile")
    wait_for_document_in_flight(batch, worker=worker)

    broker.restart(down_seconds=1)

    def settled():
        if batch.documents.filter(status=DocumentStatus.PROCESSING).exists():
            return False
        waiting = batch.documents.filter(status=DocumentStatus.QUEUED).count()
        time.sleep(3)  # the worker is idle: nothing is left to deliver
        return waiting == batch.documents.filter(status=DocumentStatus.QUEUED).count()

    documents.wait_until(settled, timeout=TIMEOUT, worker=worker)
    lost = list(batch.documents.filter(status=DocumentStatus.QUEUED))
    assert len(lost) > 0 and broker.queued() == 0
    assert batch.documents.filter(status=DocumentStatus.NEEDS_REVIEW).count() == N - len(lost)
    # The admin's re-process action sends them again; then nothing is missing.
    admin = documents.user_with_role("floor-admin", "admin", staff=True)
    assert len(reprocess(documents=lost, actor=admin).queued) == len(lost)
    wait_until_final(batch, worker=worker, timeout=TIMEOUT)
    assert_each_processed_exactly_once(batch, N)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="pg_terminate_backend is PostgreSQL's; the embedded SQLite database has no "
                           "server connections to drop")
def test_database_connections_dropped_mid_task_are_retried(worker):
    batch = intake_batch(N, "Drop")
    victim = wait_for_document_in_flight(batch, worker=worker)

    dropped = terminate_other_connections()

    assert dropped >= 1
    wait_until_final(batch, worker=worker, timeout=TIMEOUT)
    attempts = assert_each_processed_exactly_once(batch, N)
    assert attempts[victim.pk] == 2
    assert sum(attempts.values()) == N + 1
    assert "transient OperationalError" in worker.output()


@pytest.mark.skipif(not SOAK, reason="runs under `make soak`; CI runs each fault on its own batch above")
def test_faults_one_after_another_in_one_batch(worker, broker):
    """All three faults on the same batch, one after the other."""
    batch = intake_batch(N, "All faults")
    wait_for_document_in_flight(batch, worker=worker)
    worker.kill_children()
    time.sleep(1)
    wait_for_document_in_flight(batch, worker=worker, timeout=90)
    broker.restart(down_seconds=1)
    if connection.vendor == "postgresql":
        wait_for_document_in_flight(batch, worker=worker, timeout=90)
        terminate_other_connections()

    wait_until_final(batch, worker=worker, timeout=TIMEOUT + 60)
    assert_each_processed_exactly_once(batch, N)
