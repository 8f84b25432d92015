"""Deadline alerts: one e-mail per batch and state, from the service, the command and the task; the banner."""
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from medocr.celery import app
from reviews.models import Batch, BatchAlert, Document
from reviews.selectors.dashboard import batches_in_trouble, review_rate
from reviews.services import alerts
from reviews.tasks import check_deadlines as check_deadlines_task
from tests.support.dashboard_data import NOW, build_floor, page_blocks

pytestmark = pytest.mark.django_db

ADMINS = ["ada@example.com", "root@example.com"]  # ops has no address; alice and bob are reviewers


@pytest.fixture
def floor():
    return build_floor()


def test_check_mails_the_admins_about_each_batch_in_trouble(floor):
    sent = alerts.check_deadlines(now=NOW)

    assert [(a.batch.name, a.state, a.open_documents, a.recipients) for a in sent] == [
        ("Acme late", "overdue", 1, 2),
        ("Borealis morning", "at_risk", 2, 2),
    ]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ('medocr: batch "Acme late" (Acme Health) is overdue', ADMINS),
        ('medocr: batch "Borealis morning" (Borealis Insurance) is at risk', ADMINS),
    ]


def test_an_at_risk_batch_is_mailed_once_when_the_check_runs_twice(floor):
    alerts.check_deadlines(now=NOW)
    second = alerts.check_deadlines(now=NOW + timedelta(minutes=5))

    assert second == []
    at_risk = [m for m in mail.outbox if m.subject.endswith("(Borealis Insurance) is at risk")]
    assert len(at_risk) == 1
    assert len(mail.outbox) == 2
    assert BatchAlert.objects.count() == 2


def test_at_risk_mail_says_why_without_field_values(floor):
    alerts.check_deadlines(now=NOW)

    assert mail.outbox[1].body == (
        'Batch "Borealis morning" of Borealis Insurance is at risk of missing its deadline: at the recent '
        "review rate the queue will not reach the end of it in time.\n"
        "\n"
        "Due: 11 Jun 2025 15:50 UTC\n"
        "Open documents: 2 (queued 0, processing 1, needs review 1) of 3\n"
        "Open documents due by then, this batch included: 3\n"
        "Recent review rate: 1.0 documents per hour\n"
        "Forecast finish at that rate: 11 Jun 2025 17:20 UTC\n"
        "\n"
        "The operations dashboard has the details: /dashboard/"
    )
    assert mail.outbox[0].body.splitlines()[0] == 'Batch "Acme late" of Acme Health is overdue: it was due 1 h ago.'
    for message in mail.outbox:
        assert "extracted" not in message.body and "checked" not in message.body


def test_a_batch_that_becomes_overdue_gets_one_more_mail(floor):
    alerts.check_deadlines(now=NOW)

    # Two hours on, Borealis morning is past due and, at 4 decisions in the
    # last 6 h (0.67 / h), Borealis midday's 4 documents due in 3 h no longer fit.
    later = NOW + timedelta(hours=2)
    sent = alerts.check_deadlines(now=later)

    assert [(a.batch.name, a.state) for a in sent] == [("Borealis morning", "overdue"), ("Borealis midday", "at_risk")]
    assert len(mail.outbox) == 4
    assert alerts.check_deadlines(now=later) == []
    assert sorted(BatchAlert.objects.values_list("batch__name", "state")) == [
        ("Acme late", "overdue"),
        ("Borealis midday", "at_risk"),
        ("Borealis morning", "at_risk"),
        ("Borealis morning", "overdue"),
    ]


def test_an_alert_recorded_by_a_concurrent_check_is_not_sent_again(floor):
    deadline = next(b for b in batches_in_trouble(now=NOW) if b.state == "at_risk")
    BatchAlert.objects.create(batch_id=deadline.batch_id, state="at_risk")

    # The unique constraint refuses the second row; no mail leaves.
    assert alerts._send(deadline, now=NOW, rate=review_rate(now=NOW)) is None
    assert mail.outbox == []


def test_without_admin_addresses_the_alert_is_recorded_and_nothing_sent(floor):
    floor.users["ada"].email = ""
    floor.users["ada"].save()
    floor.users["root"].is_active = False
    floor.users["root"].save()

    sent = alerts.check_deadlines(now=NOW)

    assert [(a.state, a.recipients) for a in sent] == [("overdue", 0), ("at_risk", 0)]
    assert mail.outbox == []


def test_nothing_in_trouble_sends_nothing(django_user_model):
    django_user_model.objects.create_superuser("boss", email="boss@example.com", password="unused-pass-4")

    assert alerts.check_deadlines(now=NOW) == []
    assert mail.outbox == []


def test_management_command(floor):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("check_deadlines", stdout=out)
        call_command("check_deadlines", stdout=out)

    assert out.getvalue().splitlines() == [
        "Overdue: Acme late (Acme Health), 1 open, 2 recipient(s)",
        "At risk: Borealis morning (Borealis Insurance), 2 open, 2 recipient(s)",
        "2 deadline alert(s) sent.",
        "0 deadline alert(s) sent.",
    ]
    assert len(mail.outbox) == 2


def test_celery_task_runs_the_check_and_is_scheduled(floor):
    with time_machine.travel(NOW, tick=False):
        first = check_deadlines_task.apply().get()
        second = check_deadlines_task.apply().get()

    assert (first, second) == ({"alerts_sent": 2}, {"alerts_sent": 0})
    assert len(mail.outbox) == 2
    assert app.conf.beat_schedule["check-deadlines"] == {"task": "reviews.check_deadlines", "schedule": 300.0}
    assert "reviews.check_deadlines" in app.tasks  # found by autodiscovery, as beat needs


@pytest.mark.parametrize("url_name", ["queue", "batch_list", "exports", "admin:index", "admin:reviews_batch_changelist"])
def test_banner_on_admin_pages(client, floor, url_name):
    admin = floor.users["ada"]
    admin.is_staff = True  # the Django admin site is for staff accounts
    admin.save(update_fields=["is_staff"])
    with time_machine.travel(NOW, tick=False):
        client.force_login(admin)
        response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert page_blocks(response.content.decode())["deadline-alerts"] == [
        ["Overdue: batch “Acme late” (Acme Health) was due 11 Jun 13:20 and has 1 open document."],
        [
            "At risk: batch “Borealis morning” (Borealis Insurance) is due 11 Jun 15:50 with 2 open documents; "
            "at the recent review rate it will not finish in time. Open the dashboard"
        ],
    ]


def test_no_banner_for_reviewers(client, floor):
    with time_machine.travel(NOW, tick=False):
        client.force_login(floor.users["alice"])
        response = client.get(reverse("queue"))

    assert response.status_code == 200
    assert "deadline-alerts" not in page_blocks(response.content.decode())
    assert 'href="/dashboard/"' not in response.content.decode()


def test_banner_lists_five_batches_and_counts_the_rest(client, floor):
    borealis = floor.organizations["borealis"]
    for n in (1, 2, 3):
        batch = Batch.objects.create(organization=borealis, name=f"Extra {n}", due_at=NOW + timedelta(hours=n))
        Document.objects.create(
            batch=batch, organization=borealis, due_at=batch.due_at, original=f"originals/test/x{n}",
            original_filename=f"x{n}.pdf", sha256=f"{n:064x}"[::-1],
        )
    # Six batches in trouble at 1 decision per hour: Acme late overdue; then, in due
    # order, Extra 1 (2 documents due within 1 h), Borealis morning (4 within 1.5 h),
    # Extra 2 (5 within 2 h), Extra 3 (6 within 3 h), Borealis midday (7 within 5 h).
    with time_machine.travel(NOW, tick=False):
        client.force_login(floor.users["ada"])
        response = client.get(reverse("queue"))

    items = page_blocks(response.content.decode())["deadline-alerts"]
    assert [item[0].split(" (")[0] for item in items] == [
        "Overdue: batch “Acme late”",
        "At risk: batch “Extra 1”",
        "At risk: batch “Borealis morning”",
        "At risk: batch “Extra 2”",
        "At risk: batch “Extra 3”",
        "And 1 more batch — see the dashboard.",
    ]
