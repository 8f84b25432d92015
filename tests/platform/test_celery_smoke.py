import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from medocr.celery import ping


@pytest.mark.worker
def test_task_round_trip_through_real_worker_and_database(celery_worker):
    get_user_model().objects.create_user("smoke", password="x-smoke-password")

    result = ping.delay().get(timeout=30)

    assert result["pong"] is True
    assert result["database_vendor"] == connection.vendor
    assert result["database_name"] == str(connection.settings_dict["NAME"])
    assert result["users"] == 1
    assert result["opencv_threads"] == 1  # one core per pool process, like tesseract
