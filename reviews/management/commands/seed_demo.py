"""Create the demo accounts and, on an empty database, a demo batch.

Accounts are only created when they do not exist; passwords come from
DEMO_PASSWORD or default to a fixed demo value printed at the end. The demo
batch is made by the project's own document generator (extraction.synth) and
goes through the normal intake service, so the worker processes it like any
upload and a newcomer can start reviewing at once.
"""
import io
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from extraction import synth
from extraction.fields import PATIENT_DETAILS, PRESCRIPTION
from reviews.models import Document, Membership, Organization
from reviews.services.intake import create_batch, intake_files

DEMO_ORG = "Northwind Health Insurance"
DEMO_USERS = (
    ("admin", "admin"),
    ("reviewer", "reviewer"),
    ("insurer", "insurer"),
)
# (kind, seed, degradation, format): a mix of what arrives on a real day.
DEMO_DOCUMENTS = (
    (PRESCRIPTION, 101, "photo", "jpeg"),
    (PRESCRIPTION, 102, "scan", "pdf"),
    (PRESCRIPTION, 103, "rotated", "png"),
    (PATIENT_DETAILS, 201, "scan", "pdf"),
    (PATIENT_DETAILS, 202, "photo", "pdf"),
    (PATIENT_DETAILS, 203, "clean", "tiff"),
)


class Command(BaseCommand):
    help = "Create demo accounts (admin, reviewer, insurer), a demo organisation and, on an empty database, a demo batch."

    def add_arguments(self, parser):
        parser.add_argument("--no-batch", action="store_true", help="only the accounts")

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "medocr-demo")
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(name=DEMO_ORG, defaults={"slug": "northwind"})
            users = {role: self.ensure_user(username, role, password, org) for username, role in DEMO_USERS}
        if not options["no_batch"] and not Document.objects.exists():
            self.load_demo_batch(org, users["admin"])
        self.stdout.write(f"Demo logins: admin / reviewer / insurer, password '{password}' (unless changed since).")

    def ensure_user(self, username, role, password, org):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": role == "admin"})
        if created:
            user.set_password(password)
            user.is_superuser = role == "admin"
            user.save()
            user.groups.add(Group.objects.get(name=role))
            if role == "insurer":
                Membership.objects.get_or_create(user=user, defaults={"organization": org})
            self.stdout.write(f"created {role} account '{username}'")
        return user

    def load_demo_batch(self, org, admin):
        files = []
        for kind, seed, degradation, fmt in DEMO_DOCUMENTS:
            data, _truth = synth.generate_document(kind, seed=seed, degradation=degradation, fmt=fmt)
            files.append((f"demo-{kind}-{seed}.{synth.EXTENSIONS[fmt]}", io.BytesIO(data)))
        batch = create_batch(organization=org, name="Demo batch", uploaded_by=admin)
        report = intake_files(batch=batch, files=files, uploaded_by=admin)
        self.stdout.write(f"Demo batch '{batch.name}': {report.summary()}")
