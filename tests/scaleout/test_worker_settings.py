"""Settings a multi-host deployment relies on: queues, prefetch, results, time limits, storage by environment."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from medocr.celery import app
from tests.scaleout.conftest import files_under
from tests.support.s3 import S3Server

ROOT = Path(__file__).resolve().parents[2]


def in_new_process(code: str, **env: str) -> str:
    """Run `code` after django.setup() in a fresh interpreter with only the settings given here."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("S3_", "STORAGE_BACKEND", "WORKER_CONCURRENCY", "MEDIA_ROOT"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT, env={**base, "DJANGO_SETTINGS_MODULE": "medocr.settings", "DEBUG": "1", **env},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_ocr_goes_to_the_ocr_queue_and_every_other_task_to_default():
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]

    assert {"extraction.tasks.process_document", "reviews.check_deadlines", "medocr.ping"} <= set(names)
    assert {name: queue_of(name) for name in names if queue_of(name) != "default"} == {
        "extraction.tasks.process_document": "ocr",
    }


def test_long_tasks_are_taken_one_at_a_time_and_redelivered_only_after_their_time_limit():
    conf = app.conf

    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.task_soft_time_limit < conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert conf.task_ignore_result is True
    assert app.tasks["extraction.tasks.process_document"].ignore_result is True
    assert app.tasks["medocr.ping"].ignore_result is False


def test_worker_concurrency_comes_from_the_environment():
    code = "from medocr.celery import app; print(app.conf.worker_concurrency)"

    assert in_new_process(code, WORKER_CONCURRENCY="3") == "3"
    assert in_new_process(code) == "None"


@pytest.fixture
def store():
    server = S3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


SAVE_ONE_FILE = """
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
name = default_storage.save("originals/7/scan", ContentFile(b"%PDF-1.4 scan"))
print(json.dumps({"backend": type(default_storage._wrapped).__name__, "name": name}))
"""


def test_storage_backend_s3_from_the_environment_writes_to_the_store_and_not_to_disk(store, tmp_path):
    media = tmp_path / "media"

    plain = json.loads(in_new_process(SAVE_ONE_FILE, MEDIA_ROOT=str(media), **store.env()))
    encrypted = json.loads(in_new_process(SAVE_ONE_FILE, MEDIA_ROOT=str(media), S3_ENCRYPT="1", **store.env()))

    assert (plain["backend"], encrypted["backend"]) == ("S3Storage", "S3Storage")
    assert plain["name"] == "originals/7/scan"
    assert encrypted["name"].startswith("originals/7/scan_")
    assert store.keys() == sorted([plain["name"], encrypted["name"]])
    assert store.read(encrypted["name"]) == b"%PDF-1.4 scan"
    assert (store.encryption(plain["name"]), store.encryption(encrypted["name"])) == (None, "AES256")
    assert files_under(media) == []


def test_storage_backend_local_is_the_private_folder(tmp_path):
    media = tmp_path / "media"

    saved = json.loads(in_new_process(SAVE_ONE_FILE, MEDIA_ROOT=str(media)))

    assert saved == {"backend": "FileSystemStorage", "name": "originals/7/scan"}
    assert files_under(media) == [media / "originals" / "7" / "scan"]
