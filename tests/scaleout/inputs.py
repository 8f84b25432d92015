"""Cheap documents for the scale-out tests: little OCR work each, distinct bytes each."""
from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from extraction.synth import generate_document
from tests.support import documents


def synthetic_prescription(seed: int) -> tuple[bytes, dict]:
    """A clean one-page prescription (PNG, 200 dpi) and its ground truth."""
    return generate_document("prescription", seed, "clean", "png")


def small_note(number: int) -> bytes:
    """A small page of neither kind: OCR takes a fraction of a second."""
    image = Image.new("L", (620, 300), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(documents.FONT, 22)
    for row, line in enumerate([f"Delivery note {number}", f"Boxes: {number % 7 + 1}", "Signed at the door"]):
        draw.text((30, 30 + row * 50), line, fill=0, font=font)
    return documents.png(image)
