"""Pages decoded by the faster paths give what Pillow and poppler give; everything
else still goes the old way."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from extraction import fastdecode, scans, synth
from extraction.errors import CorruptDocument
from extraction.loading import COLOUR, GREY, load_pages
from extraction.types import Limits
from tests.extraction.test_loading import drawn_pdf
from tests.support import documents


def page_picture(size=(240, 160)) -> Image.Image:
    """A colour picture with a dark band of 'print' on the left and a red box on the right."""
    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 20, 90, 60), fill=(20, 20, 30))
    draw.rectangle((150, 100, 220, 140), fill=(200, 30, 40))
    return image


def saved(image: Image.Image, path, fmt: str, **options):
    image.save(path, fmt, **options)
    return path


@pytest.mark.parametrize("fmt, options", [("PNG", {}), ("TIFF", {"compression": "tiff_adobe_deflate"}),
                                          ("TIFF", {"compression": "tiff_lzw"}), ("TIFF", {})])
def test_png_and_tiff_colour_pages_are_decoded_fast_to_pillows_pixels(tmp_path, fmt, options):
    picture = page_picture()
    path = saved(picture, tmp_path / f"page.{fmt.lower()}", fmt, **options)
    with Image.open(path) as opened:
        assert fastdecode.decoded(opened, path.read_bytes(), 0, COLOUR) is not None  # the fast path is taken
    [page] = load_pages(path, Limits(), mode=COLOUR)
    assert page.mode == "RGB" and np.array_equal(np.asarray(page), np.asarray(picture))
    [grey] = load_pages(path, Limits(), mode=GREY)
    difference = np.abs(np.asarray(grey, np.int16) - np.asarray(picture.convert("L"), np.int16))
    assert grey.mode == "L" and difference.max() <= 1


def test_every_frame_of_a_multi_page_tiff_is_decoded(tmp_path):
    first, second = page_picture(), page_picture((160, 240)).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    path = saved(first, tmp_path / "two.tif", "TIFF", save_all=True, append_images=[second],
                 compression="tiff_adobe_deflate")
    pages = load_pages(path, Limits(), mode=COLOUR)
    assert [p.size for p in pages] == [(240, 160), (160, 240)]
    assert np.array_equal(np.asarray(pages[1]), np.asarray(second))


def test_a_palette_png_and_a_fax_tiff_are_left_to_pillow(tmp_path):
    palette = saved(page_picture().convert("P"), tmp_path / "palette.png", "PNG")
    fax = saved(page_picture().convert("1"), tmp_path / "fax.tif", "TIFF", compression="group4")
    for path in (palette, fax):
        with Image.open(path) as opened:
            assert fastdecode.decoded(opened, path.read_bytes(), 0, GREY) is None
            expected = np.asarray(opened.convert("L"))
        [page] = load_pages(path, Limits(), mode=GREY)
        assert np.array_equal(np.asarray(page), expected)


def test_a_png_turned_by_its_exif_is_left_to_pillow_and_turned(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # to be shown turned 90 degrees clockwise
    path = saved(page_picture(), tmp_path / "turned.png", "PNG", exif=exif)
    with Image.open(path) as opened:
        assert fastdecode.decoded(opened, path.read_bytes(), 0, GREY) is None
    [page] = load_pages(path, Limits(), mode=GREY)
    assert page.size == (160, 240)
    assert np.asarray(page)[10:90, 100:140].mean() < 40  # the band on the left is now at the top


def test_a_damaged_png_is_still_reported_as_damaged(tmp_path):
    whole = saved(page_picture(), tmp_path / "whole.png", "PNG").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CorruptDocument, match="The image file is damaged or incomplete and cannot be read."):
        load_pages(path, Limits(), mode=GREY)


# -- scanned PDFs read in this process ---------------------------------------------------

def scan_pdf(path, pages=1):
    """A scan saved as PDF, as scanners and phones save them: one JPEG drawn over each page."""
    synth.write_document(path, "patient_details" if pages == 2 else "prescription", seed=5,
                         degradation="scan", fmt="pdf")
    return path


@pytest.mark.parametrize("pages", [1, 2])
def test_a_scanned_pdf_is_read_in_process_with_poppler_s_pixels(tmp_path, pages, monkeypatch):
    path = scan_pdf(tmp_path / "scan.pdf", pages)
    for mode in (COLOUR, GREY):
        fast = scans.embedded_scans(path, Limits(), mode)
        assert fast is not None and len(fast) == pages
        monkeypatch.setattr("extraction.loading.embedded_scans", lambda *args: None)
        by_poppler = load_pages(path, Limits(), mode=mode)
        monkeypatch.undo()
        assert [p.size for p in fast] == [p.size for p in by_poppler]
        assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(fast, by_poppler))


def test_a_turned_scan_page_is_turned_as_the_pdf_shows_it(tmp_path):
    path = scan_pdf(tmp_path / "scan.pdf")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.pages[0].rotate(90)
    turned = tmp_path / "turned.pdf"
    writer.write(turned)
    [upright] = scans.embedded_scans(path, Limits(), GREY)
    [page] = scans.embedded_scans(turned, Limits(), GREY)
    assert page.size == (upright.height, upright.width)
    assert np.array_equal(np.asarray(page), np.asarray(upright.rotate(-90, expand=True)))


def test_pdfs_that_are_not_plain_scans_are_left_to_poppler(tmp_path):
    drawn = tmp_path / "drawn.pdf"
    drawn_pdf(drawn)
    encrypted = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=PdfReader(scan_pdf(tmp_path / "scan.pdf")))
    writer.encrypt("secret")
    writer.write(encrypted)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes((tmp_path / "scan.pdf").read_bytes()[:2000])
    for path in (drawn, encrypted, damaged):
        assert scans.embedded_scans(path, Limits(), GREY) is None
    assert scans.embedded_scans(tmp_path / "scan.pdf", Limits(max_pixels=1000), GREY) is None
    assert len(load_pages(drawn, Limits(dpi=72), mode=GREY)) == 1  # drawn by poppler


def one_picture_pdf(path, jpeg: bytes, declared: tuple[int, int], page_entries: bytes = b""):
    """A one-page PDF that draws one JPEG over the whole page, declaring it `declared` pixels
    large; `page_entries` are added to the page's dictionary."""
    content = b"q 612 0 0 792 0 0 cm /Scan Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /XObject << /Scan 5 0 R >> >> %s >>" % page_entries,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8"
        b" /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (*declared, len(jpeg), jpeg),
    ]
    path.write_bytes(documents.pdf_of(objects))
    return path


def test_a_scan_is_only_as_large_as_its_jpeg_says(tmp_path):
    """The picture's own header decides its size: a PDF that declares a small picture
    but holds a larger one is drawn by poppler, at a resolution within the limits."""
    jpeg = io.BytesIO()
    page_picture((1200, 900)).save(jpeg, "JPEG")
    honest = one_picture_pdf(tmp_path / "honest.pdf", jpeg.getvalue(), (1200, 900))
    lying = one_picture_pdf(tmp_path / "lying.pdf", jpeg.getvalue(), (120, 90))
    [page] = scans.embedded_scans(honest, Limits(), GREY)
    assert page.size == (1200, 900)
    assert scans.embedded_scans(lying, Limits(), GREY) is not None  # within the limit either way
    assert scans.embedded_scans(honest, Limits(max_pixels=1200 * 900 - 1), GREY) is None
    assert scans.embedded_scans(lying, Limits(max_pixels=1200 * 900 - 1), GREY) is None


def jpeg_bytes(size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    page_picture(size).save(out, "JPEG")
    return out.getvalue()


def test_pages_with_annotations_or_odd_turns_are_left_to_poppler(tmp_path):
    """A form filled in on screen carries its text in annotations, which poppler draws; a
    /Rotate that is not a whole number of quarter turns poppler ignores."""
    jpeg = jpeg_bytes()
    plain = one_picture_pdf(tmp_path / "plain.pdf", jpeg, (1200, 900))
    turned = one_picture_pdf(tmp_path / "turned.pdf", jpeg, (1200, 900), b"/Rotate 270")
    annotated = one_picture_pdf(tmp_path / "annotated.pdf", jpeg, (1200, 900),
                                b"/Annots [<< /Type /Annot /Subtype /FreeText /Rect [50 50 300 90]"
                                b" /Contents (PATIENT NAME) /DA (/Helv 12 Tf 0 g) >>]")
    odd = one_picture_pdf(tmp_path / "odd.pdf", jpeg, (1200, 900), b"/Rotate 90.0")
    assert scans.embedded_scans(plain, Limits(), GREY)[0].size == (1200, 900)
    assert scans.embedded_scans(turned, Limits(), GREY)[0].size == (900, 1200)
    assert scans.embedded_scans(annotated, Limits(), GREY) is None
    assert scans.embedded_scans(odd, Limits(), GREY) is None


def test_an_animated_png_and_a_png_turned_by_xmp_are_left_to_pillow(tmp_path):
    first, second = page_picture(), page_picture().transpose(Image.Transpose.ROTATE_180)
    animated = saved(first, tmp_path / "animated.png", "PNG", save_all=True, append_images=[second])
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    turned = saved(first, tmp_path / "xmp.png", "PNG", pnginfo=info)
    for path in (animated, turned):
        with Image.open(path) as opened:
            assert fastdecode.decoded(opened, path.read_bytes(), 0, GREY) is None
    pages = load_pages(animated, Limits(), mode=GREY)
    assert len(pages) == 2 and np.array_equal(np.asarray(pages[1]), np.asarray(second.convert("L")))
    assert load_pages(turned, Limits(), mode=GREY)[0].size == (160, 240)


def test_a_tiff_with_alpha_is_left_to_pillow(tmp_path):
    path = saved(page_picture().convert("RGBA"), tmp_path / "alpha.tif", "TIFF", compression="tiff_adobe_deflate")
    with Image.open(path) as opened:
        assert fastdecode.decoded(opened, path.read_bytes(), 0, COLOUR) is None
    assert np.array_equal(np.asarray(load_pages(path, Limits(), mode=COLOUR)[0]), np.asarray(page_picture()))
