"""Values read again from their region alone when the page-wide pass read them unsure:
which words of a re-read belong to the value, and how the readings are combined.

Positions are fractions of the upright page (as in `Word.bbox`); the regions are read
by the page's `extraction.ocr.RegionReader`, in one of its views (`extraction.ocr.VIEWS`).
"""
from __future__ import annotations

import re
from copy import copy
from statistics import median
from typing import Callable

from extraction.parsers.base import bbox_of, centre_inside, clean_rows, overlaps_x, rows_of, words_in
from extraction.types import FieldResult, PageResult, Word


def region_rows(page: PageResult, left: float, top: float, right: float, bottom: float,
                view: str | None = None, single_line: bool = False) -> list[list[Word]] | None:
    """The rows of words in a rectangle: from the page-wide pass, or read from the region
    alone in one of the reader's views (extraction.ocr.VIEWS; None until the reader has)."""
    if view is None:
        return clean_rows(rows_of(words_in(page, left, top, right, bottom)))
    read = page.reader.read(left, top, right, bottom, view, single_line)
    if read is None:
        return None
    strokes = _strokes(page)
    edge = CUT_EDGE_PIXELS / page.width if page.width else 0.0
    words = [w for w in read if centre_inside(w, (left, top, right, bottom))
             and not any(centre_inside(w, stroke) for stroke in strokes)]
    seen = [w for w in words_in(page, left, top, right, bottom)
            if w.confidence >= 0.5 and len(re.sub(r"[^A-Za-z0-9]", "", w.text)) >= 2]
    words = [w for w in words if left + edge < w.bbox[0] and w.bbox[2] < right - edge
             or any(_overlap(w, other) for other in seen)]
    return clean_rows(rows_of(words))


# A word read again that reaches this close to the left or right side of its crop, where
# the page-wide pass read no word (of two letters or more), is a piece of something the crop cut through (a page
# edge, a fold, the next column): the crops are cut with room around the words it read.
CUT_EDGE_PIXELS = 2


def _overlap(a: Word, b: Word) -> bool:
    return overlaps_x(a, b) and a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


def _strokes(page: PageResult) -> list[tuple[float, float, float, float]]:
    """Boxes of the marks the page-wide pass could not read that stand taller than three
    lines of its words: a page edge, a fold or a pen stroke, never print. Read again
    alone, a piece of one comes out as a letter ("F Random ...")."""
    if not page.words:
        return []
    height = median(w.bbox[3] - w.bbox[1] for w in page.words)
    return [w.bbox for w in page.words if w.confidence < 0.3 and w.bbox[3] - w.bbox[1] > 3 * height]


# A value read with less confidence than this is read again from its region alone.
REREAD_BELOW = 0.9


def read_field(page: PageResult, rect: tuple[float, float, float, float],
               build: Callable[[list[list[Word]]], FieldResult], single_line: bool = False,
               views: tuple[str, ...] = ("smooth",)) -> FieldResult:
    """`build` the field from the rows in `rect` as the page-wide pass read them; when
    that comes out unsure, read the region again alone in each of `views` (other views
    of its pixels, extraction.ocr.VIEWS).

    Agreeing readings make the value a little more certain than either alone; when
    they all disagree the most confident one is kept, with its confidence cut so a
    reviewer looks at it. A view the reader has not read yet is requested and the
    readings so far are used; the engine parses again once the reader has read it.
    """
    rows = region_rows(page, *rect)
    readings = [build(rows)]
    if page.reader is None or readings[0].confidence >= REREAD_BELOW:
        return readings[0]
    area = _around([w for row in rows for w in row], rect)
    worded = _worded(rows)
    for view in views:  # every view is asked for at once: the engine reads them in one call
        reread = region_rows(page, *area, view=view, single_line=single_line)
        # Nothing read again where the page-wide pass read real words is a failed reading, not a blank.
        if reread is not None and (reread or not worded):
            readings.append(build(reread))
    return combine(readings)


def _worded(rows: list[list[Word]]) -> bool:
    """Whether the rows hold a word tesseract was fairly sure of, of four letters or more
    (smudges read as text come out as short or unsure scraps)."""
    return any(w.confidence >= 0.6 and len(re.sub(r"[^A-Za-z]", "", w.text)) >= 4 for row in rows for w in row)


def _around(words: list[Word], rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The part of `rect` around the words the page-wide pass found there (all of it if none):
    a smaller crop is read sooner, and a word the pass missed beside them is still inside."""
    if not words:
        return rect
    left, top, right, bottom = bbox_of(words)
    height = median(w.bbox[3] - w.bbox[1] for w in words)
    return (max(rect[0], left - 3 * height), max(rect[1], top - 1.5 * height),
            min(rect[2], right + 6 * height), min(rect[3], bottom + 1.5 * height))


# A value that the readings of its region disagree on keeps this share of its confidence.
DISAGREEMENT_FACTOR = 0.7


def combine(readings: list[FieldResult]) -> FieldResult:
    """One field from several readings of it (see read_field). A reading that found
    nothing at all is no evidence either way."""
    evidence = [r for r in readings if r.value is not None or r.confidence > 0] or readings[:1]
    for i, reading in enumerate(evidence):
        agreeing = [r for r in evidence[i + 1:] if r.value == reading.value]
        if agreeing:
            ranked = sorted([reading, *agreeing], key=lambda r: r.confidence, reverse=True)
            best, low = copy(ranked[0]), ranked[1].confidence
            if best.value is not None:
                best.confidence = best.confidence + 0.25 * (1.0 - best.confidence) * low
            return best
    best = copy(max(evidence, key=lambda r: r.confidence))
    if len(evidence) > 1:
        best.confidence *= DISAGREEMENT_FACTOR
    return best
