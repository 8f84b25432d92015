"""Pages loaded in colour for people and in grey for reading: the same pages either way."""
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from extraction import synth
from extraction.loading import COLOUR, GREY, load_pages
from extraction.types import Limits
from tests.support import documents


def drawn_pdf(path):
    """A PDF poppler has to draw (text in a coloured font and a rule, no picture)."""
    content = b"BT /F1 18 Tf 0.8 0.1 0.1 rg 30 120 Td (Patient Medical Record) Tj ET 30 100 m 270 100 l S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(documents.pdf_of(objects))


@pytest.mark.parametrize("fmt", ["jpeg", "pdf", "png", "tiff"])
def test_grey_pages_are_the_colour_pages_in_grey(tmp_path, fmt):
    path = tmp_path / f"record.{synth.EXTENSIONS[fmt]}"
    synth.write_document(path, "patient_details", seed=3, degradation="scan", fmt=fmt)
    colour, grey = load_pages(path, Limits(), mode=COLOUR), load_pages(path, Limits(), mode=GREY)
    assert [page.mode for page in colour] == ["RGB"] * len(colour)
    assert [page.mode for page in grey] == ["L"] * len(colour)
    assert [page.size for page in grey] == [page.size for page in colour]
    for rgb, gray in zip(colour, grey):
        difference = np.abs(np.asarray(rgb.convert("L"), np.int16) - np.asarray(gray, np.int16))
        # A JPEG's luminance is decoded directly rather than computed from its colours:
        # on these pages a level apart at most, on a few pixels (strong colours differ
        # more). PNG and TIFF colours are made grey by OpenCV, whose rounding differs
        # from Pillow's by a level on one pixel in thousands.
        if fmt in ("jpeg", "pdf"):
            assert difference.max() <= 1 and (difference > 0).mean() < 0.01
        else:
            assert difference.max() <= 1 and (difference > 0).mean() < 0.001


def test_a_drawn_pdf_is_rendered_in_grey(tmp_path):
    path = tmp_path / "drawn.pdf"
    drawn_pdf(path)
    colour, grey = load_pages(path, Limits(dpi=150), mode=COLOUR), load_pages(path, Limits(dpi=150), mode=GREY)
    assert grey[0].mode == "L" and grey[0].size == colour[0].size == (625, 417)
    pixels = np.asarray(grey[0], np.int16)
    assert pixels.min() < 100 and np.median(pixels) == 255  # the red text drawn dark on white
    difference = np.abs(np.asarray(colour[0].convert("L"), np.int16) - pixels)
    assert difference.max() <= 2


def test_a_grey_jpeg_with_exif_turn_is_turned_upright(tmp_path):
    image = Image.new("RGB", (120, 60), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 29, 59), fill="black")  # a dark band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # to be shown turned 90 degrees clockwise
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    path = tmp_path / "turned.jpg"
    path.write_bytes(out.getvalue())
    page = load_pages(path, Limits(), mode=GREY)[0]
    assert page.mode == "L" and page.size == (60, 120)
    pixels = np.asarray(page)
    assert pixels[:25].mean() < 30 and pixels[35:].mean() > 225  # the band is now on top


def test_a_16_bit_grey_scan_keeps_its_text(tmp_path):
    pixels = np.full((60, 120), 60000, np.uint16)  # paper
    pixels[20:40, 10:110] = 3000  # a dark band of print
    path = tmp_path / "deep.png"
    Image.fromarray(pixels).save(path)
    for mode in (COLOUR, GREY):
        page = np.asarray(load_pages(path, Limits(), mode=mode)[0].convert("L"))
        assert page[30, 60] == 3000 >> 8 and page[5, 5] == 60000 >> 8


def test_a_phones_mpo_photo_is_one_page(tmp_path):
    photo = Image.new("RGB", (80, 60), "white")
    ImageDraw.Draw(photo).rectangle((10, 10, 40, 30), fill="black")
    path = tmp_path / "phone.jpg"
    photo.save(path, "MPO", save_all=True, append_images=[Image.new("RGB", (80, 60), "grey")])
    assert Image.open(path).format == "MPO" and Image.open(path).n_frames == 2
    for mode in (COLOUR, GREY):
        pages = load_pages(path, Limits(), mode=mode)
        assert len(pages) == 1 and pages[0].mode == mode
        assert np.asarray(pages[0].convert("L"))[20, 25] < 40
