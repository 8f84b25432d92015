"""The Celery application. Tasks live in the apps (extraction.tasks, ...)."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medocr.settings")

app = Celery("medocr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks, run by `celery beat` (or `celery worker --beat` on one worker).
app.conf.beat_schedule = {
    # E-mail admins about batches at risk or overdue; idempotent, so the period only sets the delay.
    "check-deadlines": {"task": "reviews.check_deadlines", "schedule": 300.0},
}


@worker_process_init.connect
def prepare_pool_process(**_) -> None:
    """Each pool process reads its page on one core, as tesseract does (OpenCV's own
    threads would only contend with the other pool processes for the same cores), and
    reads the engine's English word list before its first document."""
    import cv2
    from django.conf import settings

    from extraction.parsers import lexicon

    cv2.setNumThreads(settings.EXTRACTION_CV_THREADS)
    lexicon.load()  # once here, not in the first document's time


@app.task(name="medocr.ping", ignore_result=False)
def ping() -> dict:
    """Round trip through broker, worker and database; used by health checks and tests."""
    import cv2
    from django.contrib.auth import get_user_model
    from django.db import connection

    return {
        "pong": True,
        "database_vendor": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
        "users": get_user_model().objects.count(),
        "opencv_threads": cv2.getNumThreads(),
    }
