"""Words from tesseract: text, box and confidence, grouped into lines.

Boxes are returned as fractions of the image that was read, so they stay right
for any rendition of the same upright page.
"""
from __future__ import annotations

import re
import time

import numpy as np
import pytesseract

from extraction.errors import ExtractionTimeout
from extraction.types import Word

# Automatic page segmentation: the forms have columns and free-standing labels.
DEFAULT_PSM = 3
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
