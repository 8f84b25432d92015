"""Faults for the proof tests: a Redis server of our own that can be restarted,
a Celery app pointed at it, dropped database connections, and memory-bounded
child processes.

The machine's shared Redis and PostgreSQL are never stopped: the Redis that
gets restarted is started here on a free loopback port, and only connections to
the test database (other than the test's own) are terminated.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

from django.db import connection
from kombu import pools as kombu_pools

from medocr.celery import app
from reviews.benchmarks.processes import Measured as Bounded
from reviews.benchmarks.processes import RedisServer, run_measured  # noqa: F401  (RedisServer: for the proof tests)


def _drop_broker_pools() -> None:
    # The app keeps a connection pool and a producer pool for its broker URL;
    # Celery resets the same two after a fork.
    # kombu keeps pools in a registry keyed by connection: closing one without
    # clearing the registry would hand the closed pool back for the old URL.
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def use_broker(url: str):
    """Point this process's Celery app (enqueueing, control, ping) at another broker."""
    previous = app.conf.broker_url
    _drop_broker_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_broker_pools()
        app.conf.broker_url = previous


def terminate_other_connections() -> int:
    """pg_terminate_backend on every other connection to the test database; how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def run_bounded(code: str, *, address_space_mb: int, timeout: float = 180.0, env: dict | None = None) -> Bounded:
    """Run `python -c code` under RLIMIT_AS; its exit status, output and peak RSS (from the kernel)."""
    try:
        measured = run_measured([sys.executable, "-c", code], address_space_mb=address_space_mb, timeout=timeout,
                                env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})})
    except subprocess.TimeoutExpired:
        raise AssertionError(f"The bounded program ran longer than {timeout}s.") from None
    return Bounded(measured.returncode, measured.stdout.decode(errors="replace"),
                   measured.stderr.decode(errors="replace"), measured.max_rss_mb, measured.cpu_seconds)
