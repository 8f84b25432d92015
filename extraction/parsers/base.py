"""Shared layout helpers: find a printed label, read the words near it, build a field
from them (values read again from their region alone: extraction.parsers.rereads).

Positions are fractions of the upright page (as in `Word.bbox`). A label is
found by fuzzy matching its words against consecutive OCR words of one
tesseract line, so a misread letter or two does not lose it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from statistics import median

from rapidfuzz import fuzz

from extraction.ocr import lines_of
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
    # A long phrase is also looked for one word short: tesseract sometimes loses a word of
    # a label into the margin or another line ("you have medical insurance?").
    sizes = [len(wanted)] + ([len(wanted) - 1] if len(wanted) >= SHORT_WINDOW_WORDS else [])
    best: Span | None = None
    for result in pages:
        if page is not None and result.number != page:
            continue
        for line in label_lines(result.words):
            tokens = [token(w.text) for w in line]
            for size in sizes:
                for start in range(0, max(0, len(line) - size) + 1):
                    window = tokens[start:start + size]
                    if len(window) < size or line[start].bbox[1] < below:
                        continue
                    score = fuzz.ratio("".join(wanted), "".join(window))
                    if size == len(wanted):
                        score = max(score, sum(fuzz.ratio(a, b) for a, b in zip(wanted, window)) / size)
                    elif min(score, _one_lost(wanted, window)) < SHORT_WINDOW_SCORE:
                        continue
                    if score >= min_score and (best is None or score > best.score):
                        best = Span(result.number, line[start:start + size], score, _line_start(line, start))
    return best


# Phrases of this many words are looked for one word short too, where what is read
# matches the whole phrase at least this well (and word for word, with the lost word left out,
# as well as a whole label must: "Harmon Insurance Company" is not "Name of Insurance Company").
SHORT_WINDOW_WORDS = 4
SHORT_WINDOW_SCORE = 85.0


def _one_lost(wanted: list[str], window: list[str]) -> float:
    """How well `window` matches `wanted` word for word with one of its words left out."""
    return max(sum(fuzz.ratio(a, b) for a, b in zip(wanted[:lost] + wanted[lost + 1:], window)) / len(window)
               for lost in range(len(wanted)))


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
        ends.append((line[0].bbox[0], line[-1].bbox[2], _row_centre(line), height,
                     _centre(line[0]), _centre(line[-1])))
    by_left = sorted(range(len(lines)), key=lambda i: ends[i][0])
    lefts = [ends[i][0] for i in by_left]
    following: dict[int, int] = {}
    for i, (_, right, centre, height, _, last_word) in enumerate(ends):
        # The nearest line that starts after this one ends, within a word space or two, at
        # its height (or, on a sloping line, with its first word level with this one's last).
        first = bisect_left(lefts, right - 0.5 * height)
        last = bisect_right(lefts, right + 2.5 * height)
        near = [j for j in by_left[first:last]
                if j != i and min(abs(ends[j][2] - centre), abs(ends[j][4] - last_word)) < 0.5 * max(height, ends[j][3])]
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
    blocks are then joined when they sit at the same height without overlapping,
    or, on a sloping line of a photo, meet end to end at the same height.
    """
    groups: dict[int, list[Word]] = {}
    for word in words:
        groups.setdefault(word.line, []).append(word)
    rows = sorted((sorted(g, key=lambda w: w.bbox[0]) for g in groups.values()), key=_row_centre)
    merged: list[list[Word]] = []
    for row in rows:
        for target in merged:
            height = max(_row_height(target), _row_height(row))
            apart = not any(overlaps_x(a, b) for a in target for b in row)
            level = abs(_row_centre(target) - _row_centre(row)) < 0.5 * height
            if apart and (level or _meet_end_to_end(target, row, height)):
                target.extend(row)
                target.sort(key=lambda w: w.bbox[0])
                break
        else:
            merged.append(row)
    return sorted(merged, key=_row_centre)


def _meet_end_to_end(a: list[Word], b: list[Word], height: float) -> bool:
    """Whether one row goes on where the other ends: the facing words (the left piece's
    last, the right piece's first) at the same height, a few letters apart at most."""
    left, right = (a, b) if a[0].bbox[0] < b[0].bbox[0] else (b, a)
    end, start = left[-1], right[0]
    return 0 <= start.bbox[0] - end.bbox[2] < 3 * height and abs(_centre(end) - _centre(start)) < 0.5 * height


def _centre(word: Word) -> float:
    return (word.bbox[1] + word.bbox[3]) / 2


def _row_centre(row: list[Word]) -> float:
    return median(_centre(w) for w in row)


def _row_height(row: list[Word]) -> float:
    return median(w.bbox[3] - w.bbox[1] for w in row)


def overlaps_x(a: Word, b: Word) -> bool:
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
    is part of the value and stays; a lone letter standing far taller than the row's
    words is a mark, however sure tesseract was of it. A lone dash between two words is
    kept when tesseract was fairly sure of it or it has a dash's shape, and a tilde or a
    long dash read there is the dash ("Lialda ~ take" is "Lialda - take").
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
            if (is_noise(word, inside) and not _touches_neighbour(row, i)) or _towers_over(row, i):
                continue
            kept.append(word)
        if kept:
            cleaned.append(kept)
    return cleaned


# No word of print stands this many times taller than its row's other words: capitals,
# ascenders and descenders together make a word about 1.4 times as tall as another.
TOWERING = 1.8


def _towers_over(row: list[Word], i: int) -> bool:
    """Whether row[i] is one letter standing far taller than the row's other words (two
    at least, specks and dashes not counted): the edge of the sheet or of a shadow, a
    fold, read as "f" or "i" beside the value. (A word of two letters may be as tall,
    with a speck above it in its box: "mg".)"""
    word = row[i]
    letters = re.sub(r"[^A-Za-z0-9]", "", word.text)
    if len(letters) != 1 or not letters.isalpha():
        return False
    others = [w.bbox[3] - w.bbox[1] for j, w in enumerate(row) if j != i and re.search(r"[A-Za-z0-9]", w.text)]
    return len(others) >= 2 and word.bbox[3] - word.bbox[1] > TOWERING * median(others)


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
