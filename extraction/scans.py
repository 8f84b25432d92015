"""Scanned PDFs: take each page's own photo out of the file instead of drawing the page.

Most documents are phone photos or scans saved as PDF: every page is one JPEG
that fills the page and nothing else. For those, copying the JPEG out and decoding
it gives the scan's own pixels, unresampled, in a fraction of the time poppler
needs to draw the page at 300 dpi. `embedded_scans` reads the commonest layout in
this process with pypdf (each page's content only draws its one picture over the
whole page), with no program to start; `page_scans` asks poppler's `pdfinfo`,
`pdffonts` and `pdfimages` about the rest. Anything else (text, drawings, several
images, masks, other encodings, a picture that does not fill its page, an
encrypted or damaged file) is drawn by poppler as usual: both say None.
"""
from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import StreamObject

from extraction.types import Limits

POINTS_PER_INCH = 72
# Page image modes: colour for the images kept for people, grey for reading.
COLOUR, GREY = "RGB", "L"
# How closely the picture must fill its page (share of the page's width and height).
FILL_TOLERANCE = 0.03


@dataclass(frozen=True)
class PdfPage:
    width: float  # points
    height: float
    rotation: int  # degrees clockwise, as the PDF says


def _run(arguments: list[str], timeout: int) -> str | None:
    try:
        done = subprocess.run(arguments, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _has_fonts(path: Path, count: int, timeout: int) -> bool:
    listing = _run(["pdffonts", "-f", "1", "-l", str(count), str(path)], timeout)
    return listing is None or len(listing.strip().splitlines()) > 2


def _fills_page(row: list[str], page: PdfPage) -> bool:
    width, height, x_ppi, y_ppi = int(row[3]), int(row[4]), float(row[12]), float(row[13])
    if x_ppi <= 0 or y_ppi <= 0:
        return False
    page_w, page_h = (page.height, page.width) if page.rotation % 180 else (page.width, page.height)
    return (abs(width / x_ppi * POINTS_PER_INCH - page.width) <= FILL_TOLERANCE * page.width
            and abs(height / y_ppi * POINTS_PER_INCH - page.height) <= FILL_TOLERANCE * page.height
            and page_w > 0 and page_h > 0)


def scan_listing(path: Path, pages: list[PdfPage], limits: Limits, timeout: int) -> bool:
    """Whether every page is exactly one plain JPEG picture that fills it."""
    listing = _run(["pdfimages", "-list", "-f", "1", "-l", str(len(pages)), str(path)], timeout)
    if listing is None:
        return False
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    if len(rows) != len(pages):
        return False
    for number, (row, page) in enumerate(zip(rows, pages), start=1):
        if len(row) < 14 or row[0] != str(number) or row[2] != "image" or row[8] != "jpeg":
            return False
        if row[5] not in ("rgb", "gray") or row[7] != "8":
            return False
        if int(row[3]) * int(row[4]) > limits.max_pixels or not _fills_page(row, page):
            return False
    return True


def page_scans(path: Path, pages: list[PdfPage], limits: Limits, timeout: int,
               mode: str = COLOUR) -> list[Image.Image] | None:
    """The pages' own pictures as upright images of `mode` (COLOUR or GREY), or None when
    the PDF is not a plain scan."""
    if not pages or not scan_listing(path, pages, limits, timeout) or _has_fonts(path, len(pages), timeout):
        return None
    with tempfile.TemporaryDirectory(prefix="medocr-scan-") as folder:
        if _run(["pdfimages", "-j", "-f", "1", "-l", str(len(pages)), str(path), f"{folder}/page"], timeout) is None:
            return None
        files = sorted(Path(folder).glob("page-*.jpg"))
        if len(files) != len(pages):
            return None
        return upright_pictures([(file, page.rotation) for file, page in zip(files, pages)], mode, limits.max_pixels)


def upright_pictures(sources: list[tuple], mode: str, max_pixels: int) -> list[Image.Image] | None:
    """Each (JPEG, the page's turn) as `upright_picture` gives it, or None when one cannot be."""
    images = []
    for source, rotation in sources:
        image = upright_picture(source, rotation, mode, max_pixels)
        if image is None:
            return None
        images.append(image)
    return images


def upright_picture(source, rotation: int, mode: str, max_pixels: int) -> Image.Image | None:
    """A page's JPEG (a file or a file-like object) decoded in `mode` and turned as the
    PDF turns its page, or None when it cannot be decoded or its own header makes it
    larger than `max_pixels` (whatever the PDF says of it)."""
    try:
        with Image.open(source) as picture:
            if picture.format != "JPEG" or picture.width * picture.height > max_pixels:
                return None
            decode_as(picture, mode)
            image = picture.convert(mode)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    # The PDF turns the page clockwise for display; PIL turns counter-clockwise.
    return image.rotate(-rotation, expand=True) if rotation % 360 else image


# A page whose whole content is: draw picture /Name scaled to a by d at (e, f).
_ONE_PICTURE = re.compile(
    rb"\s*q\s+(?P<a>[-\d.]+)\s+0+(?:\.0*)?\s+0+(?:\.0*)?\s+(?P<d>[-\d.]+)\s+(?P<e>[-\d.]+)\s+(?P<f>[-\d.]+)\s+cm"
    rb"\s+/(?P<name>[^\s/\[\]()<>{}%]+)\s+Do\s+Q\s*")


def embedded_scans(path: Path, limits: Limits, mode: str = COLOUR) -> list[Image.Image] | None:
    """The pages' own pictures when every page only draws one plain JPEG over all of
    itself, read in this process; None for any other PDF, and for any PDF pypdf
    cannot read strictly (poppler then reads it, and reports what is wrong with it)."""
    try:
        reader = PdfReader(path, strict=True)
        if reader.is_encrypted:
            return None
        # The page tree's own count first: flattening a tree of a million pages costs seconds.
        declared = reader.trailer["/Root"]["/Pages"]["/Count"]
        if not isinstance(declared, int) or not 0 < declared <= limits.max_pages:
            return None
        if len(reader.pages) != declared:
            return None
        jpegs = []
        for page in reader.pages:
            jpeg = _page_jpeg(page, limits)
            if jpeg is None:
                return None
            jpegs.append(jpeg)
    except Exception:  # noqa: BLE001 - whatever pypdf trips on, poppler reads the file as before
        return None
    return upright_pictures([(io.BytesIO(data), rotation) for data, rotation in jpegs], mode, limits.max_pixels)


# A page drawing one picture has a content stream of a few dozen bytes.
MAX_CONTENT_BYTES = 1024


def _page_jpeg(page, limits: Limits) -> tuple[bytes, int] | None:
    """(the JPEG bytes, the page's turn) of a page that only draws one plain JPEG over all of
    itself: no fonts, no annotations (a form filled in on screen carries its text there), one
    picture, and a content stream that draws it and nothing else. Everything is checked from
    the objects' dictionaries before any stream is decoded."""
    if "/Annots" in page or "/UserUnit" in page:
        return None
    rotation = _rotation(page)
    resources = page["/Resources"]
    if "/Font" in resources:
        return None
    pictures = resources["/XObject"]
    if len(pictures) != 1:
        return None
    (name, picture), = pictures.items()
    picture = picture.get_object()
    if (picture.get("/Subtype") != "/Image" or picture.get("/Filter") != "/DCTDecode"
            or picture.get("/ColorSpace") not in ("/DeviceRGB", "/DeviceGray")
            or picture.get("/BitsPerComponent") != 8
            or any(key in picture for key in ("/Decode", "/SMask", "/Mask", "/ImageMask", "/DecodeParms"))):
        return None
    if rotation is None or int(picture["/Width"]) * int(picture["/Height"]) > limits.max_pixels:
        return None
    contents = page["/Contents"]
    if not isinstance(contents, StreamObject):
        return None  # several content streams
    # Decoded only once the page has passed every other check, and only the first
    # page that fails is decoded (pypdf stops a compressed stream at 75 MB).
    data = contents.get_data()
    drawing = _ONE_PICTURE.fullmatch(data) if len(data) <= MAX_CONTENT_BYTES else None
    if drawing is None or f"/{drawing['name'].decode('latin-1')}" != name:
        return None
    box = page.mediabox
    a, d, e, f = (float(drawing[key]) for key in ("a", "d", "e", "f"))
    if not (abs(a - float(box.width)) <= FILL_TOLERANCE * float(box.width)
            and abs(d - float(box.height)) <= FILL_TOLERANCE * float(box.height)
            and abs(e - float(box.left)) <= FILL_TOLERANCE * float(box.width)
            and abs(f - float(box.bottom)) <= FILL_TOLERANCE * float(box.height)):
        return None
    return picture.get_data(), rotation


def _rotation(page) -> int | None:
    """The page's /Rotate (its own or its page tree's) when it is a whole number of quarter
    turns, as poppler reads it; None for anything else (poppler ignores a real number)."""
    node = page
    while node is not None:
        if "/Rotate" in node:
            value = node["/Rotate"]
            return value % 360 if isinstance(value, int) and value % 90 == 0 else None
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return 0


def decode_as(image: Image.Image, mode: str) -> None:
    """Asks a JPEG not yet decoded for its luminance only when grey is all that is wanted
    (several times faster; other formats decode as they are and are converted after)."""
    if mode == GREY and image.format in ("JPEG", "MPO"):
        image.draft(GREY, image.size)
