"""docker-compose.scale.yml over docker-compose.yml, and the README page a sysadmin follows.

Docker cannot run here, so the files are merged as compose merges an override
file (mappings key by key, other values replaced) and checked as data.
"""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "ocr-worker")
REDIS_URL = "redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD}@redis:6379/0"


def merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        return {key: merge(base.get(key), value) if key in base else value for key, value in override.items()} | {
            key: value for key, value in base.items() if key not in override}
    return override


def merged_services() -> dict:
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    scale = yaml.safe_load((ROOT / "docker-compose.scale.yml").read_text())
    return merge(base, scale)["services"]


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, title
    return match.group(1)


def test_every_app_service_uses_the_store_the_database_and_redis_with_its_password():
    services = merged_services()

    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["STORAGE_BACKEND"] == "s3", name
        assert env["S3_ENDPOINT_URL"] == "${S3_ENDPOINT_URL:-http://objectstore:9000}", name
        assert env["REDIS_URL"] == REDIS_URL, name
        assert env["DATABASE_URL"].endswith("@db:5432/medocr"), name
        assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}", name
        assert services[name]["depends_on"]["objectstore-bucket"] == {"condition": "service_completed_successfully"}
    assert services["beat"]["environment"]["REDIS_URL"] == REDIS_URL
    assert "volumes" not in services["ocr-worker"]
    assert "--requirepass ${REDIS_PASSWORD:?set REDIS_PASSWORD}" in services["redis"]["command"]


def test_ocr_workers_take_only_ocr_one_task_per_process_and_one_beat_runs_in_the_deployment():
    services = merged_services()
    ocr, light = services["ocr-worker"], services["worker"]

    assert "--queues ocr --hostname ocr@%h" in ocr["command"]
    assert "--concurrency ${OCR_CONCURRENCY:-2} --prefetch-multiplier 1" in ocr["command"]
    assert ocr["environment"]["OMP_THREAD_LIMIT"] == "1"
    assert "--destination ocr@$$HOSTNAME" in ocr["healthcheck"]["test"][1]
    assert ocr["deploy"]["replicas"] == "${OCR_WORKERS:-2}"
    assert light["command"] == "celery -A medocr worker --queues default --concurrency 1 --loglevel INFO"
    beats = [name for name, service in services.items() if "beat" in str(service.get("command", ""))]
    assert beats == ["beat"]
    assert services["beat"]["command"].startswith("celery -A medocr beat ")


def test_the_bucket_is_created_private_before_anything_uses_it_and_shared_ports_bind_to_the_private_address():
    services = merged_services()
    bucket = services["objectstore-bucket"]

    assert bucket["depends_on"] == {"objectstore": {"condition": "service_healthy"}}
    script = bucket["command"][0]
    assert 'mc mb --ignore-existing "store/$$S3_BUCKET"' in script
    assert 'mc anonymous set none "store/$$S3_BUCKET"' in script
    assert bucket["environment"]["S3_BUCKET"] == services["web"]["environment"]["S3_BUCKET"]
    assert services["db"]["ports"] == ["${PRIVATE_ADDR:-127.0.0.1}:5432:5432"]
    assert services["redis"]["ports"] == ["${PRIVATE_ADDR:-127.0.0.1}:6379:6379"]
    assert services["objectstore"]["ports"] == ["${PRIVATE_ADDR:-127.0.0.1}:9000:9000"]


def test_readme_page_names_every_setting_an_ocr_worker_is_given_and_how_to_add_one():
    readme = section((ROOT / "README.md").read_text(), "Running on several machines")
    worker_env = set(merged_services()["ocr-worker"]["environment"])

    assert sorted(name for name in worker_env if f"`{name}`" not in readme) == []
    for phrase in ("**Adding a worker machine.**", "--queues ocr --hostname ocr@$(hostname)",
                   "OMP_THREAD_LIMIT=1", "BROKER_VISIBILITY_TIMEOUT", "docker-compose.scale.yml"):
        assert phrase in readme, phrase


def test_architecture_explains_scale_out():
    text = section((ROOT / "docs" / "ARCHITECTURE.md").read_text(), "Scale-out")

    assert "STORAGE_BACKEND" in text and "TRANSIENT_ERRORS" in text
