"""`python manage.py check_deadlines`: the deadline alert check, for cron.

The same check that celery beat runs; safe to run as often as you like, each
batch and state is e-mailed once.
"""
from django.core.management.base import BaseCommand

from reviews.services.alerts import check_deadlines


class Command(BaseCommand):
    help = "E-mail admins about batches at risk of missing their deadline or overdue (once per batch and state)."

    def handle(self, *args, **options):
        sent = check_deadlines()
        for alert in sent:
            self.stdout.write(f"{alert.get_state_display()}: {alert.batch.name} ({alert.batch.organization}), "
                              f"{alert.open_documents} open, {alert.recipients} recipient(s)")
        self.stdout.write(f"{len(sent)} deadline alert(s) sent.")
