"""Words from tesseract: text, box and confidence, grouped into lines.

Boxes are returned as fractions of the image that was read, so they stay right
for any rendition of the same upright page.
"""
from __future__ import annotations

import os
import re
import resource
import tempfile
import time

import cv2
import numpy as np
import pytesseract

from extraction.errors import ExtractionTimeout
from extraction.pgm import write_pgm
from extraction.preprocess import remove_rules
from extraction.types import Word

# Sparse text: the forms are labels and values scattered in two columns, and
# tesseract's full-page layout analysis (psm 3) drops whole groups of them.
DEFAULT_PSM = 11
_WORDISH = re.compile(r"[A-Za-z]{2,}|\d{2,}")


def cpu_now() -> float:
    """CPU seconds used so far by this process (every thread) and its finished child
    processes (tesseract, poppler)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Stopwatch:
    """Time spent in tesseract calls, on the clock and in CPU time (tesseract's process
    and pytesseract's own work around it), so the engine can report the rest."""

    def __init__(self):
        self.tesseract = 0.0
        self.tesseract_cpu = 0.0

    def timed(self, call, *args, **kwargs):
        started, cpu_started = time.perf_counter(), cpu_now()
        try:
            return call(*args, **kwargs)
        finally:
            self.tesseract += time.perf_counter() - started
            self.tesseract_cpu += cpu_now() - cpu_started


# Tesseract's check of every line for white-on-black text: the forms have none,
# and it costs a second recognition of each unsure line.
TESSERACT_OPTIONS = "-c tessedit_do_invert=0"


def read_words(gray: np.ndarray, *, timeout: int, psm: int = DEFAULT_PSM,
               stopwatch: Stopwatch | None = None) -> list[Word]:
    """Every word tesseract finds, in reading order, with its line index."""
    return read_images([gray], timeout=timeout, psm=psm, stopwatch=stopwatch)[0]


def read_images(images: list[np.ndarray], *, timeout: int, psm: int = DEFAULT_PSM,
                stopwatch: Stopwatch | None = None) -> list[list[Word]]:
    """The words of each image, read by one tesseract process: starting tesseract
    and loading its model costs about a tenth of a second, as much as reading a
    small crop, so several pages or crops are handed over as one list of files."""
    stopwatch = stopwatch or Stopwatch()
    # Handed over as uncompressed PGM files: pytesseract would otherwise spend
    # longer compressing a PNG than tesseract spends reading a clean page.
    with tempfile.TemporaryDirectory(prefix="medocr-ocr-") as folder:
        paths = [os.path.join(folder, f"{number}.pgm") for number in range(1, len(images) + 1)]
        for path, image in zip(paths, images):
            write_pgm(path, image)
        source = paths[0]
        if len(paths) > 1:
            source = os.path.join(folder, "images.txt")
            with open(source, "w") as listing:
                listing.write("\n".join(paths) + "\n")
        try:
            data = stopwatch.timed(
                pytesseract.image_to_data, source, lang="eng", config=f"--psm {psm} {TESSERACT_OPTIONS}",
                output_type=pytesseract.Output.DICT, timeout=timeout,
            )
        except RuntimeError as error:  # pytesseract's timeout
            if "timeout" in str(error).lower():
                raise ExtractionTimeout(f"Reading a page took longer than the limit of {timeout} seconds.") from None
            raise
    found: list[list[Word]] = [[] for _ in images]
    line_ids: dict[tuple, int] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        confidence = float(data["conf"][i])
        if not text or confidence < 0:
            continue
        number = int(data["page_num"][i]) - 1
        height, width = images[number].shape[:2]
        key = (number, data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = line_ids.setdefault(key, len(line_ids))
        left, top = data["left"][i], data["top"][i]
        right, bottom = left + data["width"][i], top + data["height"][i]
        found[number].append(Word(
            text=text,
            confidence=max(0.0, min(1.0, confidence / 100.0)),
            bbox=(left / width, top / height, right / width, bottom / height),
            line=line,
        ))
    return found


def _smooth(region: np.ndarray) -> np.ndarray:
    """Scan halftone and JPEG noise smoothed away, grey levels kept."""
    return cv2.medianBlur(region, 5)


def _enlarged(region: np.ndarray) -> np.ndarray:
    """Print smaller than the page's body (a date in a corner) at twice its size, smoothed."""
    return _smooth(cv2.resize(region, None, fx=ENLARGEMENT, fy=ENLARGEMENT, interpolation=cv2.INTER_CUBIC))


ENLARGEMENT = 2
# Other views of a region's pixels than the page-wide pass had: every unsure value is read
# smoothed; a parser asks for the enlarged view too where the form's print is small. A view
# thresholded on the region's own histogram (Otsu) was read as well until it was measured:
# on 160 generated documents it put right no field the smoothed view missed (98.3 % of
# fields right with both views or with the smoothed one alone, 97.6 % with Otsu's alone),
# and it doubled the crops to read.
VIEWS = {"smooth": _smooth, "enlarged": _enlarged}
# How many times larger than the page a view's pixels are.
VIEW_SCALES = {"enlarged": ENLARGEMENT}


class RegionReader:
    """Reads rectangles of a page again, on their own, for values the page-wide pass misread.

    Tesseract's page layout sometimes joins the lines of two columns, and one
    binarisation does not suit every patch of a photo; a crop holding one value
    alone, in another view of its pixels, often reads cleanly. Requests are
    collected while the parsers run (`read` answers None until then) and
    `flush` reads the crops of all pages, in every view, stacked one above the other
    on one sheet (single lines on sheets of their own) with one tesseract call per
    kind of sheet, because starting tesseract costs more than reading a crop.
    Boxes come back as fractions of the whole page.
    """

    def __init__(self, gray: np.ndarray, stopwatch: Stopwatch, timeout_for):
        self.gray = gray
        self.stopwatch = stopwatch
        self.timeout_for = timeout_for  # () -> seconds left
        self.done: dict[tuple, list[Word]] = {}
        self.pending: set[tuple] = set()

    def read(self, left: float, top: float, right: float, bottom: float, view: str = "smooth",
             single_line: bool = False) -> list[Word] | None:
        """Words in the rectangle read from one of VIEWS of its pixels, or None until flushed.

        A `single_line` rectangle (one short value, such as a lone digit, which
        tesseract's layout analysis would discard as a speck) is read alone as one line.
        """
        key = (round(left, 4), round(top, 4), round(right, 4), round(bottom, 4), view, single_line)
        if key not in self.done:
            self.pending.add(key)
            return None
        return [Word(w.text, w.confidence, w.bbox, w.line) for w in self.done[key]]

    def crops(self, view: str, single_line: bool) -> list[tuple["RegionReader", tuple, int, int, np.ndarray]]:
        """The pending rectangles of one view as (reader, key, left px, top px, pixels)."""
        height, width = self.gray.shape[:2]
        found = []
        for key in sorted(k for k in self.pending if k[4] == view and k[5] == single_line):
            x0, x1 = max(0, int(key[0] * width)), min(width, int(key[2] * width))
            y0, y1 = max(0, int(key[1] * height)), min(height, int(key[3] * height))
            self.done[key] = []
            if x1 - x0 >= 8 and y1 - y0 >= 8:
                pixels = VIEWS[view](self.gray[y0:y1, x0:x1])
                # A value written on a line of its own ("Refill: _3_"): in a photo the line
                # may slope too much for the page-wide painting, and read with the value it
                # turns "3" into "=". Measured against the crop, it is long.
                found.append((self, key, x0, y0, remove_rules(pixels) if single_line else pixels))
        return found


def flush(readers: list[RegionReader]) -> None:
    """Read every pending rectangle of these pages, in every view asked for: the crops of
    each view stacked one above the other on a sheet of their own (enlarged print beside
    the others would change how tesseract lays out their lines), and each single-line
    crop on a sheet of its own (it must be read alone), all sheets of a kind in one
    tesseract call."""
    sheets = [[crop for reader in readers for crop in reader.crops(view, single_line=False)] for view in VIEWS]
    if any(sheets):
        # psm 4: one column of lines of varying size, which is what the stacked crops are.
        _read_sheets([crops for crops in sheets if crops], readers[0], psm=4)
    singles = [crop for view in VIEWS for reader in readers for crop in reader.crops(view, single_line=True)]
    if singles:
        _read_sheets([[crop] for crop in singles], readers[0], psm=7)
    for reader in readers:
        reader.pending.clear()


SHEET_GAP = 40


def _sheet(crops) -> tuple[np.ndarray, list[tuple]]:
    """The crops on one white sheet, one above the other, and where each band lies."""
    gap = SHEET_GAP
    sheet = np.full((sum(c[4].shape[0] + gap for c in crops) + gap, max(c[4].shape[1] for c in crops) + 2 * gap),
                    255, dtype=np.uint8)
    bands, y = [], gap
    for reader, key, x0, y0, pixels in crops:
        sheet[y:y + pixels.shape[0], gap:gap + pixels.shape[1]] = pixels
        bands.append((y, y + pixels.shape[0], reader, key, x0, y0, VIEW_SCALES.get(key[4], 1)))
        y += pixels.shape[0] + gap
    return sheet, bands


def _read_sheets(groups, first: RegionReader, psm: int) -> None:
    sheets = [_sheet(crops) for crops in groups]
    readings = read_images([sheet for sheet, _ in sheets], timeout=first.timeout_for(), psm=psm,
                           stopwatch=first.stopwatch)
    for (sheet, bands), words in zip(sheets, readings):
        _place(words, sheet.shape, bands)


def _place(words: list[Word], sheet_shape: tuple, bands: list[tuple]) -> None:
    """Each word read on a sheet, given back to the crop it lies in, boxed on its page."""
    sheet_h, sheet_w = sheet_shape[:2]
    gap = SHEET_GAP
    for word in words:
        l, t, r, b = (word.bbox[0] * sheet_w, word.bbox[1] * sheet_h, word.bbox[2] * sheet_w, word.bbox[3] * sheet_h)
        centre = (t + b) / 2
        for top, bottom, reader, key, x0, y0, scale in bands:
            if top <= centre < bottom:
                height, width = reader.gray.shape[:2]
                word.bbox = (((l - gap) / scale + x0) / width, ((t - top) / scale + y0) / height,
                             ((r - gap) / scale + x0) / width, ((b - top) / scale + y0) / height)
                word.line += 100_000  # never the same line as a page-wide one
                reader.done[key].append(word)
                break


def text_quality(words: list[Word]) -> float:
    """How much of the page reads as confident, word-like text (0..1).

    Upside-down or sideways text comes out of tesseract as short, unsure
    fragments; this score is what decides whether orientation is checked.
    """
    if not words:
        return 0.0
    good = sum(1 for w in words if w.confidence >= 0.8 and _WORDISH.search(w.text))
    return good / len(words)


def lines_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped by tesseract's line index, in reading order."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return list(lines.values())
