"""The hostile-input corpus, generated from bytes: each file is the smallest that shows its attack.

Documents that reach the engine are in ENGINE_CASES with what must become of
them; archives and file names are attacks on intake and have their own
builders below.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfWriter

from extraction.fields import PRESCRIPTION
from extraction.synth import generate_document
from tests.support import documents

SCRIPT = "<script>alert(1)</script>"


def small_prescription_png(seed: int = 4242) -> bytes:
    return generate_document(PRESCRIPTION, seed, "clean", "png")[0]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def truncated_png() -> bytes:
    data = documents.blank_page()
    return data[: len(data) // 2]


def pdf_page_of_size(width_points: float, height_points: float) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width_points, height=height_points)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_then_zip() -> bytes:
    """A polyglot: a valid PNG that is also a valid zip archive (the archive appended after IEND)."""
    return small_prescription_png() + documents.zip_of({"payload.html": f"<html>{SCRIPT}</html>".encode()})


def pdf_with_html() -> bytes:
    """A polyglot: a PDF whose bytes also carry an HTML page with a script after %%EOF."""
    return documents.pdf_with_pages(1) + f"\n<html><body>{SCRIPT}</body></html>\n".encode()


def html_before_pdf() -> bytes:
    """HTML first, a PDF after it: readers that search for %PDF would open it; its type is HTML."""
    return f"<!DOCTYPE html><html><body>{SCRIPT}</body></html>\n".encode() + documents.pdf_with_pages(1)


def elf_named_pdf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)


@dataclass(frozen=True)
class Case:
    name: str  # the upload's file name (the extension is part of the attack)
    data: bytes
    error: str  # the engine's error code, or "" when the file is read as a document


def engine_cases() -> list[Case]:
    """Files that pass intake's type check and reach the engine."""
    return [
        Case("wrong-extension.jpg", documents.pdf_with_pages(1), ""),  # a PDF named .jpg
        Case("png-named.pdf", small_prescription_png(), ""),
        Case("polyglot-png-zip.png", png_then_zip(), ""),  # read as the PNG; the archive is never opened
        Case("polyglot-pdf-html.pdf", pdf_with_html(), ""),
        Case("truncated.pdf", documents.truncated_pdf(), "corrupt"),
        Case("truncated.png", truncated_png(), "corrupt"),
        Case("encrypted.pdf", documents.encrypted_pdf(), "encrypted"),
        Case("thousand-pages.pdf", documents.pdf_with_pages(1000), "too_many_pages"),
        Case("no-pages.pdf", documents.pdf_with_pages(0), "empty"),
        Case("40000px-square.png", documents.huge_png(40_000, 40_000), "image_too_large"),
        Case("40000px-wide.png", documents.huge_png(40_000, 2_000), "image_too_large"),
        # 200 x 200 inches, the largest page a PDF can declare: rendered at a dpi that fits the pixel limit.
        Case("200-inch-page.pdf", pdf_page_of_size(14_400, 14_400), ""),
    ]


def intake_refused_cases() -> list[tuple[str, bytes, str]]:
    """Files intake keeps as failed documents without sending them to a worker: (name, bytes, start of reason)."""
    return [
        ("program.pdf", elf_named_pdf(), "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ELF"),
        ("page.jpg", html_before_pdf(), "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: HTML"),
        ("empty.pdf", b"", "The file is empty."),
    ]


def deflate_bomb(size: int) -> bytes:
    """A zip with one member of `size` zero bytes, written in chunks (the payload is never held in memory)."""
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("claims.pdf", "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def many_members_zip(count: int) -> bytes:
    return documents.zip_of({f"scan_{i:05d}.txt": b"x" for i in range(count)}, compression=zipfile.ZIP_STORED)


def nested_zip() -> bytes:
    return documents.zip_of({"inner.zip": documents.zip_of({"rx.pdf": documents.pdf_with_pages(1)})})


def bzip2_zip() -> bytes:
    return documents.zip_of({"rx.pdf": documents.zeros_member(10 * 1024 * 1024)}, compression=zipfile.ZIP_BZIP2)


def traversal_zip() -> bytes:
    return documents.zip_of({"../../../../etc/cron.d/rx.png": small_prescription_png(1),
                             "/abs/rx.png": small_prescription_png(2)})


HOSTILE_NAMES = [
    "../../../../etc/passwd.png",
    "..\\..\\windows\\system32\\rx.png",
    "/etc/shadow.png",
    "rx\x00.png.exe",
    "rx\r\nContent-Disposition: inline.png",
    "invoice\u202egnp.exe",  # right-to-left override: shows as "invoiceexe.png"
    f"{SCRIPT}.png",
    "a" * 1000 + ".png",
]


def distinct_png(number: int) -> bytes:
    """A small valid PNG, different for each number (no two are duplicates)."""
    image = Image.new("L", (40, 40), 255)
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = out.getvalue()
    # An ancillary text chunk before IEND makes the bytes (and the checksum) unique.
    return data[:-12] + png_chunk(b"tEXt", b"n\x00" + str(number).encode()) + data[-12:]
