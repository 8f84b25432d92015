"""Words from tesseract: text, box and confidence, grouped into lines.

Boxes are returned as fractions of the image that was read, so they stay right
for any rendition of the same upright page.
"""
from __future__ import annotations

import re
import time

import cv2
import numpy as np
import pytesseract

from extraction.errors import ExtractionTimeout
from extraction.types import Word

# Sparse text: the forms are labels and values scattered in two columns, and
# tesseract's full-page layout analysis (psm 3) drops whole groups of them.
DEFAULT_PSM = 11
_WORDISH = re.compile(r"[A-Za-z]{2,}|\d{2,}")


class Stopwatch:
    """Seconds spent inside tesseract, so the engine can report the rest."""

    def __init__(self):
        self.tesseract = 0.0

    def timed(self, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self.tesseract += time.perf_counter() - started


def read_words(gray: np.ndarray, *, timeout: int, psm: int = DEFAULT_PSM,
               stopwatch: Stopwatch | None = None) -> list[Word]:
    """Every word tesseract finds, in reading order, with its line index."""
    stopwatch = stopwatch or Stopwatch()
    try:
        data = stopwatch.timed(
            pytesseract.image_to_data, gray, lang="eng", config=f"--psm {psm}",
            output_type=pytesseract.Output.DICT, timeout=timeout,
        )
    except RuntimeError as error:  # pytesseract's timeout
        if "timeout" in str(error).lower():
            raise ExtractionTimeout(f"Reading a page took longer than the limit of {timeout} seconds.") from None
        raise
    height, width = gray.shape[:2]
    words, line_ids = [], {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        confidence = float(data["conf"][i])
        if not text or confidence < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = line_ids.setdefault(key, len(line_ids))
        left, top = data["left"][i], data["top"][i]
        right, bottom = left + data["width"][i], top + data["height"][i]
        words.append(Word(
            text=text,
            confidence=max(0.0, min(1.0, confidence / 100.0)),
            bbox=(left / width, top / height, right / width, bottom / height),
            line=line,
        ))
    return words


def _smooth(region: np.ndarray) -> np.ndarray:
    """Scan halftone and JPEG noise smoothed away, grey levels kept."""
    return cv2.medianBlur(region, 5)


def _binary(region: np.ndarray) -> np.ndarray:
    """Smoothed, then thresholded on this region's own histogram."""
    return cv2.threshold(cv2.GaussianBlur(region, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


# Other views of a region's pixels than the page-wide pass had, tried in order.
VIEWS = {"smooth": _smooth, "binary": _binary}


class RegionReader:
    """Reads one rectangle of a page again, on its own, for a value the page-wide pass misread.

    Tesseract's page layout sometimes joins the lines of two columns; a crop
    holding one value alone reads cleanly. Boxes come back as fractions of the
    whole page.
    """

    def __init__(self, gray: np.ndarray, stopwatch: Stopwatch, timeout_for):
        self.gray = gray
        self.stopwatch = stopwatch
        self.timeout_for = timeout_for  # () -> seconds left
        self.done: dict[tuple, list[Word]] = {}

    def read(self, left: float, top: float, right: float, bottom: float, view: str = "smooth",
             psm: int = 6) -> list[Word]:
        """Words in the rectangle, read from one of VIEWS of its pixels."""
        key = (round(left, 4), round(top, 4), round(right, 4), round(bottom, 4), view, psm)
        if key not in self.done:
            self.done[key] = self._read(left, top, right, bottom, view, psm)
        return [Word(w.text, w.confidence, w.bbox, w.line) for w in self.done[key]]

    def _read(self, left: float, top: float, right: float, bottom: float, view: str, psm: int) -> list[Word]:
        height, width = self.gray.shape[:2]
        x0, x1 = max(0, int(left * width)), min(width, int(right * width))
        y0, y1 = max(0, int(top * height)), min(height, int(bottom * height))
        if x1 - x0 < 8 or y1 - y0 < 8:
            return []
        pad = max(10, (y1 - y0) // 4)
        crop = np.full((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), 255, dtype=self.gray.dtype)
        crop[pad:pad + y1 - y0, pad:pad + x1 - x0] = VIEWS[view](self.gray[y0:y1, x0:x1])
        words = read_words(crop, timeout=self.timeout_for(), psm=psm, stopwatch=self.stopwatch)
        cw, ch = crop.shape[1], crop.shape[0]
        for word in words:
            l, t, r, b = word.bbox
            word.bbox = ((l * cw - pad + x0) / width, (t * ch - pad + y0) / height,
                         (r * cw - pad + x0) / width, (b * ch - pad + y0) / height)
            word.line += 100_000  # never the same line as a page-wide one
        return words


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
