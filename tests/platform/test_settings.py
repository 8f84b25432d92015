import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    # The browser tests allow sync database calls beside Playwright's event
    # loop for this process; a production check must not inherit that.
    full_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="a-long-random-production-secret-key-with-enough-entropy-8h3k2j",
        ALLOWED_HOSTS="medocr.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_production_session_and_csrf_cookies_are_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='medocr.settings'; django.setup(); {code}"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 60},
    )

    assert result.stdout.split() == ["True", "True", "True", "True"]
