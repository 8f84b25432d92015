"""Approved records for the export and API tests, made directly with the ORM.

Two organisations: Northwind (A) with two batches, and Contoso (B). Values are
the kind the forms carry; some fields were corrected by a reviewer, so their
reviewed value differs from what the engine read.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, field_names
from reviews.models import Batch, Document, DocumentStatus, ExtractedField, Membership, Organization

PRESCRIPTION_A = {
    "prescriber_name": "Dr John Smith, M.D",
    "prescription_date": "5/11/2022",
    "patient_name": "Maria Sharapova",
    "patient_address": "9 tennis court, new Russia, DC",
    "medicines": ["Prednisone 20 mg", "Lialda 2.4 gram"],
    "directions": "Prednisone, Taper 5 mg every 3 days, Finish in 2.5 weeks. Lialda - take 2 pill everyday for 1 month",
    "refills": 2,
}
# What the engine read where the reviewer corrected it.
PRESCRIPTION_A_EXTRACTED = {"patient_name": "Maria Sharapva", "refills": 1}

PATIENT_A = {
    "record_date": "17/12/2020",
    "patient_name": "Kathy Crawford",
    "birth_date": "May 6 1972",
    "phone_number": "(737) 988-0851",
    "patient_address": "9264 Ash Dr, New York City, 10005, United States",
    "weight": 95,
    "height": 190,
    "emergency_contact_name": "Simeone Crawford",
    "emergency_contact_phone": "(990) 375-4621",
    "emergency_contact_address": "9266 Ash Dr, New York City, New York, 10005, United States",
    "chicken_pox": "IMMUNE",
    "measles": "IMMUNE",
    "hepatitis_b_vaccination": "No",
    "medical_problems": "Migraine, Asthma",
    "insurance_company": "Random Insuarance Company",
    "policy_number": "7115207313",
    "insurance_address": "4789 Bollinger Rd, Jersey City, New Jersey, 07030",
    "insurance_expiry_date": "30 December 2020",
    "has_insurance": "Yes",
    "allergies": "Peanuts",
    "regular_medications": "Triptans",
}
PATIENT_A_EXTRACTED = {"policy_number": "7115207318", "weight": 96}

PRESCRIPTION_A2 = {
    "prescriber_name": "Dr Alan Grant",
    "prescription_date": "14/03/2023",
    "patient_name": "Ellie Sattler",
    "patient_address": "12 Isla Nublar Way, San Jose, CA",
    "medicines": ["Amoxicillin 500 mg"],
    "directions": "One capsule three times a day for 7 days",
    "refills": 0,
}

PRESCRIPTION_B = {
    "prescriber_name": "Dr Meredith Grey",
    "prescription_date": "2/2/2023",
    "patient_name": "Jerry Lucas",
    "patient_address": "44 Harbour St, Boston, MA",
    "medicines": ["Metformin 500 mg"],
    "directions": "Twice daily with meals",
    "refills": 3,
}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=dt_timezone.utc)


def make_user(username: str, role: str, organization: Organization | None = None):
    # No password: the tests log in with force_login or a token, and hashing one is slow.
    user = get_user_model().objects.create_user(username=username, password=None)
    user.groups.add(Group.objects.get(name=role))
    if organization is not None:
        Membership.objects.create(user=user, organization=organization)
    return user


def make_batch(organization: Organization, name: str, received_at: datetime) -> Batch:
    return Batch.objects.create(
        organization=organization, name=name, received_at=received_at, due_at=received_at + timedelta(hours=24)
    )


def make_document(batch: Batch, kind: str, values: dict, *, status=DocumentStatus.APPROVED, reviewer=None,
                  reviewed_at: datetime | None = None, extracted: dict | None = None) -> Document:
    """A document with one ExtractedField per field of its kind; `extracted` holds the engine's
    values of the fields a reviewer corrected."""
    extracted = extracted or {}
    name = f"{values['patient_name'].lower().replace(' ', '_')}_{kind}.pdf"
    document = Document.objects.create(
        batch=batch, organization=batch.organization, due_at=batch.due_at,
        original=f"originals/{batch.organization_id}/{hashlib.md5(name.encode()).hexdigest()}",
        original_filename=name, sha256=hashlib.sha256(f"{batch.pk}/{name}".encode()).hexdigest(),
        content_type="application/pdf", kind=kind, kind_confidence=0.97, status=status,
        patient_name=values["patient_name"], reviewed_by=reviewer, reviewed_at=reviewed_at,
    )
    ExtractedField.objects.bulk_create([
        ExtractedField(
            document=document, name=field_name, position=position,
            extracted_value=extracted.get(field_name, values.get(field_name)), value=values.get(field_name),
            confidence=0.55 if field_name in extracted else 0.93, page=1,
            corrected=field_name in extracted, corrected_by=reviewer if field_name in extracted else None,
        )
        for position, field_name in enumerate(field_names(kind))
    ])
    return document


@dataclass
class ExportWorld:
    org_a: Organization
    org_b: Organization
    admin: object
    reviewer: object
    insurer_a: object
    insurer_b: object
    batch_a1: Batch
    batch_a2: Batch
    batch_b: Batch
    prescription_a: Document
    patient_a: Document
    prescription_a2: Document
    prescription_b: Document
    not_approved_a: list[Document] = field(default_factory=list)

    @property
    def approved_a(self) -> list[Document]:
        """A's approved documents in export order (approval time)."""
        return [self.prescription_a, self.patient_a, self.prescription_a2]


def build_world() -> ExportWorld:
    org_a = Organization.objects.create(name="Northwind Health Insurance", slug="northwind")
    org_b = Organization.objects.create(name="Contoso Mutual", slug="contoso")
    admin = make_user("floor-admin", "admin")
    reviewer = make_user("checker", "reviewer")
    insurer_a = make_user("claims-a", "insurer", org_a)
    insurer_b = make_user("claims-b", "insurer", org_b)
    batch_a1 = make_batch(org_a, "March intake", utc(2026, 3, 2, 8, 0))
    batch_a2 = make_batch(org_a, "April intake", utc(2026, 4, 6, 8, 0))
    batch_b = make_batch(org_b, "Contoso March", utc(2026, 3, 2, 9, 0))
    world = ExportWorld(
        org_a=org_a, org_b=org_b, admin=admin, reviewer=reviewer, insurer_a=insurer_a, insurer_b=insurer_b,
        batch_a1=batch_a1, batch_a2=batch_a2, batch_b=batch_b,
        prescription_a=make_document(batch_a1, PRESCRIPTION, PRESCRIPTION_A, reviewer=reviewer,
                                     reviewed_at=utc(2026, 3, 2, 14, 5), extracted=PRESCRIPTION_A_EXTRACTED),
        patient_a=make_document(batch_a1, PATIENT_DETAILS, PATIENT_A, reviewer=reviewer,
                                reviewed_at=utc(2026, 3, 3, 10, 30), extracted=PATIENT_A_EXTRACTED),
        prescription_a2=make_document(batch_a2, PRESCRIPTION, PRESCRIPTION_A2, reviewer=admin,
                                      reviewed_at=utc(2026, 4, 6, 16, 45)),
        prescription_b=make_document(batch_b, PRESCRIPTION, PRESCRIPTION_B, reviewer=reviewer,
                                     reviewed_at=utc(2026, 3, 2, 15, 0)),
    )
    world.not_approved_a = [
        make_document(batch_a1, PRESCRIPTION, {**PRESCRIPTION_A2, "patient_name": "Ian Malcolm"},
                      status=DocumentStatus.NEEDS_REVIEW),
        make_document(batch_a2, PRESCRIPTION, {**PRESCRIPTION_A2, "patient_name": "John Hammond"},
                      status=DocumentStatus.REJECTED, reviewer=reviewer, reviewed_at=utc(2026, 4, 6, 17, 0)),
    ]
    return world
