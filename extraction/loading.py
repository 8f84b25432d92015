"""Turn a file into page images, refusing what could exhaust memory or time.

The file's type comes from its bytes (extraction.filetypes), never its name.
A PDF that is a plain scan (one JPEG filling each page) gives its pictures as
they are (extraction.scans); other PDF pages are rendered by poppler (pdf2image)
at `Limits.dpi`, lowered for a page whose size would exceed `Limits.max_pixels`; PNG, JPEG and TIFF (every
frame) are opened with Pillow, and decoded once their header says the size is acceptable: plain
PNG and TIFF pictures by imagecodecs (extraction.fastdecode), the rest by Pillow.
Every page comes back as a PIL image in the mode asked for: RGB, or L (grey) when
only the text matters, which JPEG decodes several times faster (luminance only).
"""
from __future__ import annotations

import math
import re
import time
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence
from pdf2image import convert_from_path, pdfinfo_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
)

from extraction import fastdecode, filetypes
from extraction.errors import (
    CorruptDocument,
    DocumentError,
    EmptyDocument,
    EncryptedDocument,
    ExtractionTimeout,
    ImageTooLarge,
    MissingFile,
    TooManyPages,
    UnsupportedFileType,
)
from extraction.scans import COLOUR, GREY, PdfPage, decode_as, embedded_scans, page_scans
from extraction.types import Limits

POINTS_PER_INCH = 72
EXIF_ORIENTATION = 0x0112
_PAGE_SIZE = re.compile(r"([\d.]+) x ([\d.]+) pts")


class Deadline:
    """The time left for one document; every slow step asks it first."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> int:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise timeout_error(self.seconds)
        return max(1, math.ceil(left))


def timeout_error(seconds: float) -> ExtractionTimeout:
    return ExtractionTimeout(f"Reading the document took longer than the limit of {seconds:g} seconds.")


def too_large_error(limits: Limits) -> ImageTooLarge:
    return ImageTooLarge(f"A page is larger than the limit of {limits.max_pixels:,} pixels.")


def too_many_pages_error(count: int, limits: Limits) -> TooManyPages:
    return TooManyPages(f"The document has {count} pages; the limit is {limits.max_pages}.")


def load_pages(path: str | Path, limits: Limits, deadline: Deadline | None = None,
               mode: str = COLOUR) -> list[Image.Image]:
    """The pages of the file at `path` as images of `mode` (COLOUR or GREY), in order."""
    path = Path(path)
    deadline = deadline or Deadline(limits.timeout_seconds)
    if not path.is_file():
        raise MissingFile("The file does not exist or is not a regular file.")
    if path.stat().st_size == 0:
        raise EmptyDocument("The file is empty.")
    mime = filetypes.sniff_file(path)
    if mime == filetypes.PDF:
        return load_pdf(path, limits, deadline, mode)
    if mime in (filetypes.PNG, filetypes.JPEG, filetypes.TIFF):
        return load_image(path, limits, mode)
    raise UnsupportedFileType(f"This is not a PDF, PNG, JPEG or TIFF file (its content is {mime}).")


def _pdf_error(stderr_text: str) -> DocumentError:
    text = stderr_text.lower()
    if "password" in text:
        return EncryptedDocument("The PDF is protected by a password and cannot be read.")
    if "page count 0" in text or "wrong page range" in text:
        return EmptyDocument("The PDF has no pages.")
    return CorruptDocument("The PDF is damaged or incomplete and cannot be read.")


def pdf_pages(path: Path, limits: Limits, deadline: Deadline) -> list[PdfPage]:
    """Each page's size in points and turn, after checking the page count."""
    try:
        # One call: the page count, and each page's size up to one past the limit.
        info = pdfinfo_from_path(str(path), timeout=deadline.remaining(), first_page=1,
                                 last_page=limits.max_pages + 1)
        count = int(info.get("Pages", 0))
        if count == 0:
            raise EmptyDocument("The PDF has no pages.")
        if count > limits.max_pages:
            raise too_many_pages_error(count, limits)
    except PDFPopplerTimeoutError:
        raise timeout_error(limits.timeout_seconds) from None
    except (PDFPageCountError, PDFSyntaxError, ValueError) as error:
        raise _pdf_error(str(error)) from None
    except PDFInfoNotInstalledError:  # an installation fault, not the document's
        raise
    pages = []
    for number in range(1, count + 1):
        text = next((str(v) for k, v in info.items() if re.fullmatch(rf"Page\s+{number} size", k)), "")
        match = _PAGE_SIZE.search(text) or _PAGE_SIZE.search(str(info.get("Page size", "")))
        if not match:
            raise CorruptDocument("The PDF is damaged: a page has no size.")
        turn = next((str(v) for k, v in info.items() if re.fullmatch(rf"Page\s+{number} rot", k)), "0")
        rotation = int(turn) if turn.strip().lstrip("-").isdigit() else 0
        pages.append(PdfPage(float(match.group(1)), float(match.group(2)), rotation % 360))
    return pages


def render_dpi(page: PdfPage, limits: Limits) -> int:
    """The configured dpi, lowered so that the page fits in max_pixels."""
    width_in, height_in = (max(v, 1.0) / POINTS_PER_INCH for v in (page.width, page.height))
    fitting = math.sqrt(limits.max_pixels / (width_in * height_in))
    return max(1, min(limits.dpi, int(fitting)))


def load_pdf(path: Path, limits: Limits, deadline: Deadline, mode: str = COLOUR) -> list[Image.Image]:
    """A scan's own page pictures when it is a plain scan, else the pages drawn by poppler."""
    scans = embedded_scans(path, limits, mode)
    if scans is not None:
        return scans
    sizes = pdf_pages(path, limits, deadline)
    scans = page_scans(path, sizes, limits, deadline.remaining(), mode)
    if scans is not None:
        return scans
    dpis = [render_dpi(size, limits) for size in sizes]
    pages: list[Image.Image] = []
    number = 1
    while number <= len(sizes):
        # Pages that share a resolution are drawn by one poppler call.
        last = number
        while last < len(sizes) and dpis[last] == dpis[number - 1]:
            last += 1
        try:
            rendered = convert_from_path(str(path), dpi=dpis[number - 1], first_page=number, last_page=last,
                                         grayscale=mode == GREY, timeout=deadline.remaining())
        except PDFPopplerTimeoutError:
            raise timeout_error(limits.timeout_seconds) from None
        except (PDFPageCountError, PDFSyntaxError) as error:
            raise _pdf_error(str(error)) from None
        if len(rendered) != last - number + 1:
            raise CorruptDocument("A page of the PDF is damaged and cannot be drawn.")
        for image in rendered:
            if image.width * image.height > limits.max_pixels:
                raise too_large_error(limits)
            pages.append(image.convert(mode))
        number = last + 1
    return pages


def load_image(path: Path, limits: Limits, mode: str = COLOUR) -> list[Image.Image]:
    """Every frame of an image file, upright by its EXIF orientation."""
    pages = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                # A phone's MPO file is one photo; its other frames are previews or maps of it.
                frames = 1 if image.format == "MPO" else getattr(image, "n_frames", 1)
                if frames > limits.max_pages:
                    raise too_many_pages_error(frames, limits)
                decode_as(image, mode)
                data = path.read_bytes() if image.format in ("PNG", "TIFF") else b""
                for index, frame in zip(range(frames), ImageSequence.Iterator(image)):
                    if frame.width * frame.height > limits.max_pixels:
                        raise too_large_error(limits)
                    page = fastdecode.decoded(frame, data, index, mode) if data else None
                    if page is not None:
                        pages.append(page)
                        continue
                    frame.load()
                    turned = frame.getexif().get(EXIF_ORIENTATION, 1) not in (0, 1)
                    frame = eight_bit(ImageOps.exif_transpose(frame) if turned else frame)
                    pages.append(frame.convert(mode))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large_error(limits) from None
    except DocumentError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError):
        raise CorruptDocument("The image file is damaged or incomplete and cannot be read.") from None
    if not pages:
        raise EmptyDocument("The image file has no pages.")
    return pages


_WIDE_GREY = ("I", "I;16", "I;16B", "I;16L", "I;16N")


def eight_bit(frame: Image.Image) -> Image.Image:
    """A 16- or 32-bit grey frame brought to 8 bits by its top bits (Pillow's own
    conversion clips every level above 255, and the page would come out white)."""
    if frame.mode not in _WIDE_GREY:
        return frame
    pixels = np.asarray(frame).astype(np.uint64)
    shift = 8 if pixels.max(initial=0) <= 0xFFFF else 24
    return Image.fromarray((pixels >> shift).clip(0, 255).astype(np.uint8), GREY)
