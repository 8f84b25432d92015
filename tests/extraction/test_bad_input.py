"""Files the engine cannot read: each gives its own readable error, never a traceback or a hang."""
import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter

from extraction import errors
from extraction.engine import extract
from extraction.loading import Deadline
from extraction.types import Limits


def pdf_with_pages(count: int, **encrypt) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(200, 200)
    if encrypt:
        writer.encrypt(**encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(side: int = 30_000) -> bytes:
    """A real, valid side x side white PNG: 1 bit per pixel, compressed to ~150 kB."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def refused(tmp_path, name: str, data: bytes, limits: Limits | None = None) -> errors.DocumentError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(errors.DocumentError) as caught:
        extract(path, limits=limits or Limits())
    return caught.value


def test_not_a_document(tmp_path):
    error = refused(tmp_path, "notes.pdf", b"minutes of the meeting\n" * 20)
    assert isinstance(error, errors.UnsupportedFileType)
    assert error.message == "This is not a PDF, PNG, JPEG or TIFF file (its content is text/plain)."


def test_empty_file(tmp_path):
    error = refused(tmp_path, "scan.pdf", b"")
    assert isinstance(error, errors.EmptyDocument)
    assert error.message == "The file is empty."


def test_missing_file(tmp_path):
    with pytest.raises(errors.MissingFile) as caught:
        extract(tmp_path / "nowhere.pdf")
    assert caught.value.message == "The file does not exist or is not a regular file."


def test_truncated_pdf(tmp_path):
    data = pdf_with_pages(3)
    error = refused(tmp_path, "cut.pdf", data[: len(data) // 2])
    assert isinstance(error, errors.CorruptDocument)
    assert error.message == "The PDF is damaged or incomplete and cannot be read."


def test_corrupt_pdf(tmp_path):
    error = refused(tmp_path, "bad.pdf", b"%PDF-1.4\n" + b"\x00\x13garbage" * 200)
    assert isinstance(error, errors.CorruptDocument)
    assert error.message == "The PDF is damaged or incomplete and cannot be read."


def test_encrypted_pdf(tmp_path):
    error = refused(tmp_path, "locked.pdf", pdf_with_pages(1, user_password="s3cret", owner_password="owner"))
    assert isinstance(error, errors.EncryptedDocument)
    assert error.message == "The PDF is protected by a password and cannot be read."


def test_pdf_without_pages(tmp_path):
    error = refused(tmp_path, "none.pdf", pdf_with_pages(0))
    assert isinstance(error, errors.EmptyDocument)
    assert error.message == "The PDF has no pages."


def test_too_many_pages(tmp_path):
    error = refused(tmp_path, "long.pdf", pdf_with_pages(21))
    assert isinstance(error, errors.TooManyPages)
    assert error.message == "The document has 21 pages; the limit is 20."


def test_too_many_tiff_frames(tmp_path):
    frames = [Image.new("L", (50, 50), 255) for _ in range(4)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    error = refused(tmp_path, "stack.tif", out.getvalue(), Limits(max_pages=3))
    assert error.message == "The document has 4 pages; the limit is 3."


def test_huge_image_is_refused_from_its_header(tmp_path):
    data = huge_png()
    assert len(data) < 1_000_000
    error = refused(tmp_path, "huge.png", data)
    assert isinstance(error, errors.ImageTooLarge)
    assert error.message == "A page is larger than the limit of 60,000,000 pixels."


def test_image_over_a_lower_limit(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (3000, 3000), "white").save(out, "JPEG")
    error = refused(tmp_path, "photo.jpg", out.getvalue(), Limits(max_pixels=4_000_000))
    assert error.message == "A page is larger than the limit of 4,000,000 pixels."


def test_truncated_image(tmp_path):
    out = io.BytesIO()
    Image.effect_noise((600, 600), 60).save(out, "PNG")
    error = refused(tmp_path, "cut.png", out.getvalue()[:5000])
    assert isinstance(error, errors.CorruptDocument)
    assert error.message == "The image file is damaged or incomplete and cannot be read."


def test_deadline_reports_the_limit():
    with pytest.raises(errors.ExtractionTimeout) as caught:
        Deadline(0).remaining()
    assert caught.value.message == "Reading the document took longer than the limit of 0 seconds."


def test_blank_page_is_unknown_with_no_fields(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("RGB", (1200, 1500), "white").save(path)
    result = extract(path, limits=Limits())
    assert result.to_dict() == {"file": "blank.png", "kind": "unknown", "kind_confidence": 1.0,
                                "pages": 1, "fields": {}}


def test_document_of_neither_kind_is_unknown(tmp_path):
    image = Image.new("RGB", (1700, 1100), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    for i, line in enumerate(["Invoice 2231 for roof repairs", "Labour and materials: 420 USD",
                              "Please pay within thirty days."]):
        draw.text((100, 150 + 90 * i), line, font=font, fill="black")
    path = tmp_path / "invoice.png"
    image.save(path)
    result = extract(path, limits=Limits())
    assert (result.kind, result.fields) == ("unknown", {})
