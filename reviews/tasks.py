"""Celery tasks of the reviews app. Thin: each calls a service."""
from __future__ import annotations

from celery import shared_task

from .services import alerts


@shared_task(name="reviews.check_deadlines", ignore_result=True)
def check_deadlines() -> dict:
    """Periodic (celery beat, see medocr/celery.py): e-mail admins about batches at risk or overdue."""
    sent = alerts.check_deadlines()
    return {"alerts_sent": len(sent)}
