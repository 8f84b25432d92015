"""Shared layout helpers: find a printed label, read the words near it.

Positions are fractions of the upright page (as in `Word.bbox`). A label is
found by fuzzy matching its words against consecutive OCR words of one
tesseract line, so a misread letter or two does not lose it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from copy import copy
from dataclasses import dataclass
from functools import cached_property, lru_cache
from statistics import median
from typing import Callable

from rapidfuzz import fuzz

from extraction.ocr import VIEWS, lines_of
from extraction.types import FieldResult, PageResult, Word

_EDGE_PUNCTUATION = " .,;:|_-'\"`~*()[]{}!?"


@lru_cache(maxsize=8192)
def token(text: str) -> str:
    """A word reduced to what label matching compares: lower case, no punctuation
    (remembered: every label search goes over every word of the page again)."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@dataclass
class Span:
    """Some words on one page: a label found, or a value read (its words never change,
    so its edges are worked out once)."""

    page: int
    words: list[Word]
    score: float = 100.0
    line_start: float | None = None  # left edge of the line the label begins ("Have you had the ...")

    @cached_property
    def left(self) -> float:
        return min(w.bbox[0] for w in self.words)

    # A word's box reaching further than half a letter above or below its neighbours'
    # has swallowed a speck or a rule: the span's edge is kept at half a letter.
    @cached_property
    def top(self) -> float:
        return max(min(w.bbox[1] for w in self.words),
                   median(w.bbox[1] for w in self.words) - 0.5 * self.height)

    @cached_property
    def right(self) -> float:
        return max(w.bbox[2] for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return min(max(w.bbox[3] for w in self.words),
                   median(w.bbox[3] for w in self.words) + 0.5 * self.height)

    @cached_property
    def height(self) -> float:
        return median(w.bbox[3] - w.bbox[1] for w in self.words)


def find_label(pages: list[PageResult], phrase: str, *, min_score: float = 78.0,
               page: int | None = None, below: float = 0.0) -> Span | None:
    """The best fuzzy match of `phrase` on consecutive words of one OCR line."""
    wanted = [token(part) for part in phrase.split() if token(part)]
    best: Span | None = None
    for result in pages:
        if page is not None and result.number != page:
            continue
        for line in label_lines(result.words):
            tokens = [token(w.text) for w in line]
            for start in range(0, max(0, len(line) - len(wanted)) + 1):
                window = tokens[start:start + len(wanted)]
                if len(window) < len(wanted) or line[start].bbox[1] < below:
                    continue
                joined_score = fuzz.ratio("".join(wanted), "".join(window))
                word_score = sum(fuzz.ratio(a, b) for a, b in zip(wanted, window)) / len(wanted)
                score = max(joined_score, word_score)
                if score >= min_score and (best is None or score > best.score):
                    best = Span(result.number, line[start:start + len(wanted)], score, _line_start(line, start))
    return best


def label_lines(words: list[Word]) -> list[list[Word]]:
    """Tesseract's lines, and each line joined with the ones that carry it on across
    its row: tesseract sometimes breaks a printed line in two ("List any medication
    tak" | "en regularly"), and a label is only found on consecutive words of a line.
    Remembered for the last few pages: every label is looked for on them again."""
    for seen, count, lines in _LABEL_LINES:
        if seen is words and count == len(words):
            return lines
    lines = _label_lines(words)
    _LABEL_LINES.insert(0, (words, len(words), lines))
    del _LABEL_LINES[8:]
    return lines


_LABEL_LINES: list[tuple[list[Word], int, list[list[Word]]]] = []


def _label_lines(words: list[Word]) -> list[list[Word]]:
    lines = lines_of(words)
    ends = []
    for line in lines:
        height = median(w.bbox[3] - w.bbox[1] for w in line)
        ends.append((line[0].bbox[0], line[-1].bbox[2], _row_centre(line), height))
    by_left = sorted(range(len(lines)), key=lambda i: ends[i][0])
    lefts = [ends[i][0] for i in by_left]
    following: dict[int, int] = {}
    for i, (_, right, centre, height) in enumerate(ends):
        # The nearest line that starts after this one ends, within a word space or two, at its height.
        first = bisect_left(lefts, right - 0.5 * height)
        last = bisect_right(lefts, right + 2.5 * height)
        near = [j for j in by_left[first:last]
                if j != i and abs(ends[j][2] - centre) < 0.5 * max(height, ends[j][3])]
        if near:
            following[i] = min(near, key=lambda j: ends[j][0])
    joined = []
    for i in following:
        if i in following.values():
            continue  # joined from the line before it
        chain, seen = list(lines[i]), {i}
        while i in following and following[i] not in seen:
            i = following[i]
            seen.add(i)
            chain.extend(lines[i])
        joined.append(chain)
    return lines + joined


def _line_start(line: list[Word], start: int) -> float:
    """The left edge of the run of words that leads up to line[start] without a wide gap."""
    first = start
    while first > 0:
        gap = line[first].bbox[0] - line[first - 1].bbox[2]
        if gap > 2.5 * (line[first].bbox[3] - line[first].bbox[1]):
            break
        first -= 1
    return line[first].bbox[0]


def words_in(page: PageResult, left: float, top: float, right: float, bottom: float) -> list[Word]:
    """Words whose centre lies inside the rectangle."""
    return [word for word in page.words if centre_inside(word, (left, top, right, bottom))]


def centre_inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    x, y = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows, top to bottom, each left to right.

    Tesseract's own lines follow a slanted or curved baseline, so they are the
    starting point; pieces of one visual row that tesseract put in different
    blocks are then joined when they sit at the same height without overlapping.
    """
    groups: dict[int, list[Word]] = {}
    for word in words:
        groups.setdefault(word.line, []).append(word)
    rows = sorted((sorted(g, key=lambda w: w.bbox[0]) for g in groups.values()), key=_row_centre)
    merged: list[list[Word]] = []
    for row in rows:
        for target in merged:
            height = max(_row_height(target), _row_height(row))
            apart = not any(_overlaps_x(a, b) for a in target for b in row)
            if apart and abs(_row_centre(target) - _row_centre(row)) < 0.5 * height:
                target.extend(row)
                target.sort(key=lambda w: w.bbox[0])
                break
        else:
            merged.append(row)
    return sorted(merged, key=_row_centre)


def _row_centre(row: list[Word]) -> float:
    return median((w.bbox[1] + w.bbox[3]) / 2 for w in row)


def _row_height(row: list[Word]) -> float:
    return median(w.bbox[3] - w.bbox[1] for w in row)


def _overlaps_x(a: Word, b: Word) -> bool:
    return a.bbox[0] < b.bbox[2] and b.bbox[0] < a.bbox[2]


def row_text(row: list[Word]) -> str:
    return " ".join(w.text for w in row)


def strip_edges(text: str) -> str:
    """Text without stray marks at its ends; a full stop ending an abbreviation ("M.D.") stays."""
    stripped = text.strip(_EDGE_PUNCTUATION)
    if stripped and re.search(r"[A-Za-z]\.[A-Za-z]$", stripped) and text.rstrip().endswith(stripped + "."):
        stripped += "."
    if ")" in stripped and "(" not in stripped.split(")")[0] and text.lstrip().startswith("(" + stripped):
        stripped = "(" + stripped  # an opening bracket that is closed later: "(737) 988-0851"
    return stripped


# A printed dash standing alone between two words, and what tesseract makes of it.
_DASHES = ("-", "~", "\u2014", "\u2013", "\u2212")


def is_noise(word: Word, inside: bool = False) -> bool:
    """Specks and rules that OCR turns into stray marks.

    A lone ampersand, plus or slash between two words is kept: it is written text
    (so is a dash: clean_rows sees to it).
    """
    letters = re.sub(r"[^A-Za-z0-9]", "", word.text)
    if not letters:
        return not (inside and word.text in ("&", "+", "/") and word.confidence >= 0.5)
    return len(letters) <= 2 and word.confidence < 0.4 and not letters.isdigit()


def clean_rows(rows: list[list[Word]]) -> list[list[Word]]:
    """Rows without stray marks; rows left empty are dropped.

    A weak fragment touching a neighbour (the "l" tesseract split off "Patel")
    is part of the value and stays. A lone dash between two words is kept when
    tesseract was fairly sure of it or it has a dash's shape, and a tilde or a long dash
    read there is the dash ("Lialda ~ take" is "Lialda - take").
    """
    cleaned = []
    for row in rows:
        kept = []
        for i, word in enumerate(row):
            inside = 0 < i < len(row) - 1
            if word.text in _DASHES:
                if inside and (word.confidence >= 0.5 or _dash_shaped(word, row)):
                    kept.append(Word("-", word.confidence, word.bbox, word.line))
                continue
            if is_noise(word, inside) and not _touches_neighbour(row, i):
                continue
            kept.append(word)
        if kept:
            cleaned.append(kept)
    return cleaned


def _dash_shaped(word: Word, row: list[Word]) -> bool:
    """A short flat mark halfway up the row's letters: a dash however unsure tesseract was
    of it (it gives a lone dash a low confidence, and the value would lose it)."""
    others = [w for w in row if w is not word]
    height = median(w.bbox[3] - w.bbox[1] for w in others)
    top = median(w.bbox[1] for w in others)
    middle = (word.bbox[1] + word.bbox[3]) / 2
    return (word.bbox[3] - word.bbox[1] <= 0.4 * height and word.bbox[2] - word.bbox[0] <= 1.5 * height
            and top + 0.3 * height <= middle <= top + 0.85 * height)


def _touches_neighbour(row: list[Word], i: int) -> bool:
    word = row[i]
    if not re.search(r"[A-Za-z0-9]", word.text):
        return False
    gap = 0.8 * (word.bbox[3] - word.bbox[1])  # within a word space of its neighbour
    before = i > 0 and word.bbox[0] - row[i - 1].bbox[2] < gap
    after = i < len(row) - 1 and row[i + 1].bbox[0] - word.bbox[2] < gap
    return before or after


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
    return _overlaps_x(a, b) and a.bbox[1] < b.bbox[3] and b.bbox[1] < a.bbox[3]


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


def column_split(page: PageResult, top: float, bottom: float, near: float, search: float = 0.25) -> float:
    """The x of the empty strip between two columns, just left of `near`.

    Only words whose centre lies between `top` and `bottom` count; if no strip
    is empty, a little left of `near` is the best guess.
    """
    bins = 400
    covered = [False] * bins
    for word in page.words:
        centre = (word.bbox[1] + word.bbox[3]) / 2
        if top <= centre <= bottom:
            for b in range(max(0, int(word.bbox[0] * bins)), min(bins, int(word.bbox[2] * bins) + 1)):
                covered[b] = True
    high = min(bins - 1, int(near * bins))
    low = max(0, int((near - search) * bins))
    end = next((b for b in range(high, low - 1, -1) if not covered[b]), None)
    if end is None:
        return near - 0.02
    start = end
    while start > low and not covered[start - 1]:
        start -= 1
    return (start + end + 1) / 2 / bins


def ocr_confidence(words: list[Word]) -> float:
    """The words' tesseract confidence: mostly the weakest word's, which is where errors hide."""
    if not words:
        return 0.0
    values = [w.confidence for w in words]
    return 0.6 * min(values) + 0.4 * (sum(values) / len(values))


def bbox_of(words: list[Word]) -> list[float]:
    return [min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
            max(w.bbox[2] for w in words), max(w.bbox[3] for w in words)]


def make_field(value, words: list[Word], page: int, fit: float, normalized=None) -> FieldResult:
    """A field read from `words`: its confidence joins OCR certainty and how well the value fits."""
    if value in (None, "", []) or not words:
        return FieldResult()
    confidence = max(0.0, min(1.0, ocr_confidence(words) * fit))
    return FieldResult(value=value, confidence=confidence, page=page, bbox=bbox_of(words),
                       normalized=normalized)


def blank_field(confidence: float = 0.0) -> FieldResult:
    """A field the document leaves empty (confidence says how sure the engine is of that)."""
    return FieldResult(value=None, confidence=confidence)
