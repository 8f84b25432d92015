"""Create the demo accounts (and, on an empty database, a demo batch).

Accounts are only created when they do not exist; passwords come from
DEMO_PASSWORD or default to a fixed demo value printed at the end.
"""
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from reviews.models import Membership, Organization

DEMO_ORG = "Northwind Health Insurance"
DEMO_USERS = (
    ("admin", "admin", True),
    ("reviewer", "reviewer", False),
    ("insurer", "insurer", False),
)


class Command(BaseCommand):
    help = "Create demo accounts (admin, reviewer, insurer) and a demo organisation."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "medocr-demo")
        User = get_user_model()
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(name=DEMO_ORG, defaults={"slug": "northwind"})
            for username, role, is_staff in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
                if created:
                    user.set_password(password)
                    if role == "admin":
                        user.is_superuser = True
                    user.save()
                    user.groups.add(Group.objects.get(name=role))
                    if role == "insurer":
                        Membership.objects.get_or_create(user=user, defaults={"organization": org})
                    self.stdout.write(f"created {role} account '{username}'")
        self.stdout.write(f"Demo logins: admin / reviewer / insurer, password '{password}' (unless changed since).")
