"""Docker cannot run here, so the compose file and Dockerfile are checked as text."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def package_list(name):
    lines = (ROOT / "scripts" / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_compose_has_its_services_with_health_checks():
    services = load_compose()["services"]

    assert sorted(services) == ["beat", "db", "redis", "web", "worker"]
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_compose_commands_run_gunicorn_and_celery():
    services = load_compose()["services"]

    assert "gunicorn medocr.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A medocr worker")
    assert "--queues ocr,default" in services["worker"]["command"]
    assert services["beat"]["command"].startswith("celery -A medocr beat")


def test_compose_keeps_database_and_private_media_in_named_volumes():
    compose = load_compose()

    assert set(compose["volumes"]) == {"db", "media", "redis"}
    assert "db:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "media:/data/media" in compose["services"]["web"]["volumes"]
    assert "media:/data/media" in compose["services"]["worker"]["volumes"]
    assert compose["services"]["web"]["environment"]["MEDIA_ROOT"] == "/data/media"


def test_compose_points_web_and_worker_at_db_and_redis():
    services = load_compose()["services"]

    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://medocr:")
        assert env["DATABASE_URL"].endswith("@db:5432/medocr")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert set(services[name]["depends_on"]) == {"db", "redis"}


def test_dockerfile_installs_the_same_system_packages_as_make_run():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert "scripts/system-packages.txt" in dockerfile
    assert "install-system-packages.sh scripts/system-packages.txt" in makefile
    assert package_list("system-packages.txt") == [
        "tesseract-ocr", "tesseract-ocr-eng", "poppler-utils", "redis-server", "libmagic1", "fonts-dejavu-core",
    ]


def test_ci_runs_make_test_against_postgresql():
    ci = (ROOT / ".ci" / "run").read_text()

    assert "make test" in ci
    assert "postgres://postgres@127.0.0.1:5432/" in ci


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text().splitlines()
    commands = [line.strip() for line in readme[:15] if line.strip().startswith("make ")]

    assert commands[:2] == ["make run", "make test"]


def test_scale_compose_adds_object_store_and_separately_scaled_ocr_workers():
    scale = yaml.safe_load((ROOT / "docker-compose.scale.yml").read_text())
    services = scale["services"]

    assert set(services) == {"web", "worker", "beat", "ocr-worker", "objectstore", "objectstore-bucket", "db", "redis"}
    assert "--queues ocr " in services["ocr-worker"]["command"]
    assert "--prefetch-multiplier 1" in services["ocr-worker"]["command"]
    assert services["worker"]["command"].startswith("celery -A medocr worker --queues default")
    for name in ("web", "worker", "ocr-worker"):
        assert services[name]["environment"]["STORAGE_BACKEND"] == "s3"
    assert services["ocr-worker"]["environment"]["OMP_THREAD_LIMIT"] == "1"
    assert "objects:/data" in services["objectstore"]["volumes"]
