"""Fixtures for the scale-out tests: an S3-compatible store and workers that use it.

The test process plays the web host: its default storage is switched to the
store. Workers are separate processes configured only through the
environment, as a worker machine would be (STORAGE_BACKEND=s3, S3_*), each
with a MEDIA_ROOT of its own that must stay empty.
"""
from __future__ import annotations

from pathlib import Path

from tests.support.s3 import S3Server
from tests.support.worker import CeleryWorker


def ocr_worker(store: S3Server, media_root: Path, *, hostname: str | None = None, endpoint: str | None = None):
    """A worker on the `ocr` queue only, reading and writing through the store."""
    env = {**store.env(), "MEDIA_ROOT": str(media_root)}
    if endpoint:
        env["S3_ENDPOINT_URL"] = endpoint
    return CeleryWorker(queues="ocr", hostname=hostname, env=env)


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
