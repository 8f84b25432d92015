"""Settings for the test suite: the normal settings with test-run defaults.

Tests use their own Redis database (15) so a running `make run` worker never
picks up test tasks, and DEBUG so the test client is not redirected to HTTPS.
Production settings are checked by tests/platform/test_settings.py.
"""
import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("USE_REDIS_CACHE", "0")
os.environ["MEDIA_ROOT"] = os.environ.get("TEST_MEDIA_ROOT", str(_BASE_DIR / "var" / "test-media"))

from .settings import *  # noqa: E402,F401,F403
