"""Deadline alerts: e-mail the admins once per batch and state (at risk, overdue).

Idempotent: a BatchAlert row, unique on (batch, state), is written in the same
transaction as the e-mail is handed to the mail backend, so running the check
twice, or twice at once, sends one e-mail. The e-mail carries batch names,
counts and times, never a field value.
"""
from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import BatchAlert
from ..roles import ADMIN
from ..selectors.dashboard import OVERDUE, BatchDeadline, batches_in_trouble, review_rate
from ..templatetags.dashboard_format import duration

logger = logging.getLogger(__name__)


def admin_emails() -> list[str]:
    """Addresses of active admins (group admin or superuser), each once."""
    users = get_user_model().objects.filter(Q(groups__name=ADMIN) | Q(is_superuser=True), is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d %b %Y %H:%M %Z}"


def alert_message(deadline: BatchDeadline, *, now: datetime, rate: float) -> tuple[str, str]:
    """Subject and body of the e-mail about one batch."""
    where = f'Batch "{deadline.name}" of {deadline.organization}'
    if deadline.state == OVERDUE:
        subject = f'medocr: batch "{deadline.name}" ({deadline.organization}) is overdue'
        opening = f"{where} is overdue: it was due {duration(now - deadline.due_at)} ago."
    else:
        subject = f'medocr: batch "{deadline.name}" ({deadline.organization}) is at risk'
        opening = (
            f"{where} is at risk of missing its deadline: at the recent review rate the queue "
            f"will not reach the end of it in time."
        )
    finish = _when(deadline.finishes_at) if deadline.finishes_at else "not before someone reviews again"
    lines = [
        opening,
        "",
        f"Due: {_when(deadline.due_at)}",
        f"Open documents: {deadline.open} (queued {deadline.queued}, processing {deadline.processing}, "
        f"needs review {deadline.needs_review}) of {deadline.documents}",
        f"Open documents due by then, this batch included: {deadline.queue_through}",
        f"Recent review rate: {rate:.1f} documents per hour",
        f"Forecast finish at that rate: {finish}",
        "",
        f"The operations dashboard has the details: {reverse('dashboard')}",
    ]
    return subject, "\n".join(lines)


def check_deadlines(*, now: datetime | None = None) -> list[BatchAlert]:
    """Alert the admins about every batch newly at risk or overdue; return the alerts sent."""
    now = now or timezone.now()
    rate = review_rate(now=now)
    sent = []
    for deadline in batches_in_trouble(now=now):
        if BatchAlert.objects.filter(batch_id=deadline.batch_id, state=deadline.state).exists():
            continue
        alert = _send(deadline, now=now, rate=rate)
        if alert is not None:
            sent.append(alert)
    return sent


def _send(deadline: BatchDeadline, *, now: datetime, rate: float) -> BatchAlert | None:
    recipients = admin_emails()
    try:
        with transaction.atomic():
            alert = BatchAlert.objects.create(
                batch_id=deadline.batch_id,
                state=deadline.state,
                created_at=now,
                open_documents=deadline.open,
                recipients=len(recipients),
            )
            if recipients:
                subject, body = alert_message(deadline, now=now, rate=rate)
                send_mail(subject, body, None, recipients)
    except IntegrityError:
        # Another check recorded (and sent) this alert first.
        return None
    if not recipients:
        logger.warning("Deadline alert for batch %s (%s): no admin has an e-mail address.", deadline.batch_id, deadline.state)
    logger.info("Deadline alert for batch %s: %s, %d open documents.", deadline.batch_id, deadline.state, deadline.open)
    return alert
