"""Start and stop a real Celery worker process for tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from medocr.celery import app

ROOT = Path(__file__).resolve().parents[2]


def database_url_for_tests() -> str:
    """The URL of the database the test run is using right now."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class CeleryWorker:
    def __init__(self, *, concurrency: int = 1, queues: str = "ocr,default", hostname: str | None = None, env=None):
        self.concurrency = concurrency
        self.queues = queues
        self.hostname = hostname or f"test-{uuid.uuid4().hex[:8]}@%h"
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url_for_tests(),
            REDIS_URL=settings.CELERY_BROKER_URL,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            DEBUG="1",
            OMP_THREAD_LIMIT="1",
            CELERY_TASK_ALWAYS_EAGER="0",
        )
        env.update(self.extra_env)
        return env

    def purge(self) -> int:
        """Empty the queues this worker consumes, so no message left by an earlier test runs in this one.

        app.control.purge() alone only knows the queues this process has sent
        to, which need not include `ocr`.
        """
        with app.connection_for_write() as connection:
            return sum(connection.default_channel.queue_purge(queue) for queue in self.queues.split(","))

    def start(self, timeout: float = 30.0) -> None:
        app.control.purge()
        self.purge()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "medocr", "worker",
                "--loglevel", "INFO", "--concurrency", str(self.concurrency),
                "--queues", self.queues, "--hostname", self.hostname,
                "--without-gossip", "--without-mingle", "--pool", "prefork",
            ],
            cwd=ROOT, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        name = self.hostname.replace("%h", os.uname().nodename)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{self.output()}")
            replies = app.control.ping(destination=[name], timeout=0.5)
            if replies:
                return
        raise RuntimeError(f"Celery worker did not answer within {timeout}s:\n{self.output()}")

    def child_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_children(self) -> None:
        """kill -9 the pool processes (what a crash mid-task looks like)."""
        for pid in self.child_pids():
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")
