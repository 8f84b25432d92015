"""Faults for the proof tests: a Redis server of our own that can be restarted,
a Celery app pointed at it, dropped database connections, and memory-bounded
child processes.

The machine's shared Redis and PostgreSQL are never stopped: the Redis that
gets restarted is started here on a free loopback port, and only connections to
the test database (other than the test's own) are terminated.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from medocr.celery import app
from reviews.benchmarks.processes import RedisServer, free_port  # noqa: F401  (used by the proof tests)


def _drop_broker_pools() -> None:
    # The app keeps a connection pool and a producer pool for its broker URL;
    # Celery resets the same two after a fork.
    if app._pool is not None:
        app._pool.force_close_all()
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


@dataclass
class Bounded:
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float


# A child's peak RSS as the kernel reports it (wait4's ru_maxrss) starts from
# the RSS of the process that spawned it: exec records the old address
# space's high-water mark. So the bounded program is started by this small
# launcher, never directly by the (large) test process.
LAUNCHER = """
import os, resource, subprocess, sys
limit, report = int(sys.argv[1]), sys.argv[2]
def bound():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
child = subprocess.Popen(sys.argv[3:], preexec_fn=bound)
_, status, usage = os.wait4(child.pid, 0)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_bounded(code: str, *, address_space_mb: int, timeout: float = 180.0, env: dict | None = None) -> Bounded:
    """Run `python -c code` under RLIMIT_AS; its exit status, output and peak RSS (from the kernel)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with tempfile.TemporaryDirectory(prefix="medocr-bounded-") as folder:
        report = os.path.join(folder, "usage")
        with open(os.path.join(folder, "out"), "w+b") as out, open(os.path.join(folder, "err"), "w+b") as err:
            launcher = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(address_space_mb * 1024 * 1024), report,
                 sys.executable, "-c", code],
                stdout=out, stderr=err, cwd=root, start_new_session=True,
                env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})},
            )
            try:
                launcher.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
                raise AssertionError(f"The bounded program ran longer than {timeout}s.") from None
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        returncode, max_rss_kb = (int(v) for v in open(report).read().split())
    return Bounded(returncode, stdout, stderr, max_rss_kb / 1024)
