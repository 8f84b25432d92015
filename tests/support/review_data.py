"""Documents ready for review, built directly in the database for tests.

Each document gets real page images: PNGs drawn with PIL that show every field's
label and value, and each field's bbox is where its value was drawn, so a box on
the review page lands on the value in the picture. No OCR is involved.
"""
from __future__ import annotations

import functools
import hashlib
import io
from datetime import timedelta
from importlib import import_module

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, field_specs
from reviews.models import Batch, Document, DocumentStatus, ExtractedField, Membership, Organization, Page

PASSWORD = "a-long-test-password-7431"
PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

PRESCRIPTION_VALUES = {
    "prescriber_name": "Dr John Smith, M.D",
    "prescription_date": "5/11/2022",
    "patient_name": "Maria Sharapova",
    "patient_address": "9 tennis court, new Russia, DC",
    "medicines": ["Prednisone 20 mg", "Lialda 2.4 gram"],
    "directions": "Prednisone, Taper 5 mg every 3 days",
    "refills": 2,
}

PATIENT_VALUES = {
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
    "medical_problems": "Migraine",
    "insurance_company": "Random Insuarance Company",
    "policy_number": "7115207313",
    "insurance_address": "4789 Bollinger Rd, Jersey City, New Jersey, 07030",
    "insurance_expiry_date": "30 December 2020",
    "has_insurance": "Yes",
    "allergies": "Peanuts",
    "regular_medications": "Triptans",
}

DEFAULT_VALUES = {PRESCRIPTION: PRESCRIPTION_VALUES, PATIENT_DETAILS: PATIENT_VALUES}
TITLES = {PRESCRIPTION: "Prescription", PATIENT_DETAILS: "Patient Medical Record"}
# The patient record is a two-page form: these groups are on its second page.
SECOND_PAGE_GROUPS = {"Medical history", "Insurance"}


def make_user(username: str, role: str | None = None, *, organization: Organization | None = None,
              password: str | None = PASSWORD, **extra):
    """A user in the role's group; password=None skips the (slow) hashing for users who never type one."""
    user = get_user_model().objects.create_user(username=username, password=password, **extra)
    if role:
        user.groups.add(role_group(role))
    if organization is not None:
        Membership.objects.create(user=user, organization=organization)
    return user


def role_group(role: str) -> Group:
    """The role's group as migration 0002 creates it; made again after a transactional test emptied the tables."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        codenames = import_module("reviews.migrations.0002_roles_and_append_only_audit").ROLE_PERMISSIONS[role]
        group.permissions.set(Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames))
    return group


def make_organization(name: str = "Northwind Health", *, double_check: bool = False) -> Organization:
    slug = name.lower().replace(" ", "-")
    return Organization.objects.create(name=name, slug=slug, double_check=double_check)


def make_batch(organization: Organization, name: str = "March intake", *, received_at=None) -> Batch:
    received_at = received_at or timezone.now()
    return Batch.objects.create(organization=organization, name=name, received_at=received_at,
                                due_at=received_at + timedelta(hours=24))


def _lines(value) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


@functools.lru_cache(maxsize=64)
def render_page(title: str, entries: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[bytes, list[list[float] | None]]:
    """A white page with a title and "label   value" rows; returns the PNG and each value's bbox.

    Cached: tests build many documents with the same values.
    """
    width, height = PAGE_SIZE
    image = Image.new("RGB", PAGE_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font, bold, title_font = ImageFont.truetype(FONT, 24), ImageFont.truetype(FONT_BOLD, 22), ImageFont.truetype(FONT_BOLD, 44)
    draw.text((90, 80), title, font=title_font, fill="#1a1a1a")
    draw.line((90, 150, width - 90, 150), fill="#444444", width=3)
    boxes, y = [], 200
    for label, lines in entries:
        draw.text((90, y), label, font=bold, fill="#333333")
        if not lines:
            boxes.append(None)
            y += 70
            continue
        left, top, right, bottom = width, height, 0, 0
        for line in lines:
            l, t, r, b = draw.textbbox((420, y), line, font=font)
            draw.text((420, y), line, font=font, fill="#10204a")
            left, top, right, bottom = min(left, l), min(top, t), max(right, r), max(bottom, b)
            y += 40
        boxes.append([round((left - 6) / width, 4), round((top - 6) / height, 4),
                      round((right + 6) / width, 4), round((bottom + 6) / height, 4)])
        y += 34
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), boxes


def make_document(
    *,
    batch: Batch,
    kind: str = PRESCRIPTION,
    status: str = DocumentStatus.NEEDS_REVIEW,
    values: dict | None = None,
    confidences: dict | None = None,
    due_in: timedelta = timedelta(hours=20),
    filename: str | None = None,
) -> Document:
    """A document of `kind` with its page images and fields (confidence 0.95 unless given)."""
    values = {**DEFAULT_VALUES.get(kind, {}), **(values or {})}
    confidences = confidences or {}
    specs = field_specs(kind)
    page_specs = [[s for s in specs if s.group not in SECOND_PAGE_GROUPS]]
    if kind == PATIENT_DETAILS:
        page_specs.append([s for s in specs if s.group in SECOND_PAGE_GROUPS])
    rendered = [
        render_page(TITLES.get(kind, "Letter") + (f" (page {n})" if len(page_specs) > 1 else ""),
                    tuple((spec.label, tuple(_lines(values.get(spec.name)))) for spec in group))
        for n, group in enumerate(page_specs, start=1)
    ]
    original = rendered[0][0]
    document = Document(
        batch=batch, organization=batch.organization, due_at=timezone.now() + due_in,
        original_filename=filename or f"{kind}_{Document.objects.count() + 1}.png",
        sha256=hashlib.sha256(original).hexdigest(), content_type="image/png", size=len(original),
        page_count=len(rendered), kind=kind, kind_confidence=0.97, status=status,
        patient_name=values.get("patient_name") or "",
    )
    document.original.save("original.png", ContentFile(original), save=False)
    document.save()
    for number, (png, boxes) in enumerate(rendered, start=1):
        page = Page(document=document, number=number, width=PAGE_SIZE[0], height=PAGE_SIZE[1])
        page.image.save("page.png", ContentFile(png), save=False)
        page.save()
        for spec, bbox in zip(page_specs[number - 1], boxes):
            value = values.get(spec.name)
            ExtractedField.objects.create(
                document=document, name=spec.name, position=[s.name for s in specs].index(spec.name),
                extracted_value=value, value=value, confidence=confidences.get(spec.name, 0.95),
                page=number if bbox else None, bbox=bbox,
            )
    return document


def bulk_documents(*, batch: Batch, count: int, kind: str = PRESCRIPTION, status: str = DocumentStatus.NEEDS_REVIEW,
                   first_due_in: timedelta = timedelta(hours=1), step: timedelta = timedelta(minutes=1),
                   name: str = "Patient") -> list[Document]:
    """Many queue rows at once (no pages or fields), due one `step` apart: for queue size and speed tests."""
    now = timezone.now()
    rows = [
        Document(batch=batch, organization_id=batch.organization_id, due_at=now + first_due_in + step * i,
                 original=f"originals/{batch.organization_id}/bulk-{i}", original_filename=f"scan_{i:06d}.pdf",
                 sha256=f"{i:064x}", content_type="application/pdf", kind=kind, status=status,
                 patient_name=f"{name} {i:06d}")
        for i in range(count)
    ]
    return Document.objects.bulk_create(rows, batch_size=5000)
