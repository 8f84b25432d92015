"""Files for intake and processing tests: real scans, and every kind of bad input.

Good documents are the real scans in shared/corpus (beside the project, as in
CI). Bad ones are built here from their bytes, each the smallest file that
shows the problem.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def prescription() -> bytes:
    return corpus("prescription_1.pdf")


def patient_record() -> bytes:
    return corpus("patient_details_1.pdf")


def variant(pdf: bytes, number: int) -> bytes:
    """The same PDF with a trailing comment: other bytes (no duplicate), same pages."""
    return pdf + f"\n% copy {number}\n".encode()


def synthetic(kind: str, fmt: str, seed: int = 11) -> tuple[bytes, dict]:
    """A clean generated document of the kind (prescription, patient_details) and its truth."""
    from extraction.synth import generate_document

    return generate_document(kind, seed=seed, degradation="clean", fmt=fmt)


def truncated_pdf() -> bytes:
    data = prescription()
    return data[: len(data) // 3]


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(patient_record())))
    writer.encrypt(user_password="secret-user", owner_password="secret-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def blank_page() -> bytes:
    return png(Image.new("L", (1240, 1754), 255))


def page_of_text(lines: list[str]) -> bytes:
    """A clean A4-shaped page at 150 dpi with the given lines of text."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 34)
    for number, line in enumerate(lines):
        draw.text((120, 160 + number * 70), line, fill=0, font=font)
    return png(image)


def neither_kind_page() -> bytes:
    return page_of_text([
        "QUARTERLY SALES REPORT", "Region: North", "Widgets sold: 1,204",
        "Gadgets sold: 877", "Prepared by the sales office",
    ])


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real, valid 1-bit PNG of width x height white pixels (about 110 KB compressed)."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def text_file() -> bytes:
    return b"Patient list\nPlease process these by Friday.\n"


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return out.getvalue()


def zeros_member(size: int) -> bytes:
    """`size` zero bytes: deflates about a thousand times smaller (a zip bomb's payload)."""
    return bytes(size)


def lying_zip(real_size: int, declared_size: int) -> bytes:
    """A zip whose one member declares `declared_size` bytes but inflates to `real_size`."""
    data = bytearray(zip_of({"claims.pdf": bytes(real_size)}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset: at + offset + 4] = struct.pack("<I", declared_size)
    return bytes(data)


# --- Accounts and waiting, for the upload tests ------------------------------

PASSWORD = "an-upload-test-password-5219"


def organization(name: str = "Northwind Health"):
    from django.utils.text import slugify

    from reviews.models import Organization

    return Organization.objects.create(name=name, slug=slugify(name))


def user_with_role(username: str, role: str | None, *, staff: bool = False, org=None):
    """A user in the role's group (admin, reviewer, insurer), or in none for role=None."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from reviews.models import Membership

    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=staff)
    if role:
        if not Group.objects.filter(name=role).exists():
            restore_role_groups()
        user.groups.add(Group.objects.get(name=role))
    if org is not None:
        Membership.objects.create(user=user, organization=org)
    return user


def restore_role_groups() -> None:
    """Create the role groups and their permissions again, as migration 0002 does.

    Tests on transactional_db (those with a worker) empty every table when
    they end, the groups of the data migration included.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("reviews.migrations.0002_roles_and_append_only_audit")
    for role, codenames in migration.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames))


def wait_until(condition, *, timeout: float, worker=None, interval: float = 0.25):
    """Poll `condition()` until it is true; on timeout fail with the worker's log."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    log = worker.output()[-6000:] if worker is not None else ""
    raise AssertionError(f"Condition not met within {timeout}s.\n{log}")


def repeated_pdf(pdf: bytes, times: int) -> bytes:
    """The PDF's pages `times` over, in one file: a longer document for timing-sensitive tests."""
    writer = PdfWriter()
    for _ in range(times):
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
