"""`extract(path, kind="auto")`: a document file in, its fields out (FIELDS.md).

load pages -> per page: measure turn, skew and letter size on a small copy, scale
letters, flatten light, turn and straighten, OCR (asking tesseract's orientation
detection only when the text reads badly) -> classify -> parse.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from extraction import orientation, preprocess
from extraction.classify import classify
from extraction.errors import DocumentError
from extraction.fields import KINDS, UNKNOWN
from extraction.loading import COLOUR, GREY, Deadline, load_pages
from extraction.ocr import RegionReader, Stopwatch, cpu_now, flush, read_images, read_words, text_quality
from extraction.parsers import PARSERS
from extraction.types import Extraction, Limits, PageResult

# A page that reads worse than this (share of confident, level words) is checked
# for a 90/180/270 degree turn: read the wrong way up a page scores near 0 (at most
# 0.12 on the generated photos), a poor photo read the right way up 0.2 to 0.6.
ORIENTATION_CHECK_BELOW = 0.2
# Tesseract's orientation confidence above which its "upright" is believed.
OSD_SURE = 1.5
# Above this share of tall words the text runs up or down the page.
SIDEWAYS_ABOVE = 0.4
AUTO = "auto"


def default_limits() -> Limits:
    """Limits from Django settings when they are configured, else the built-in ones."""
    try:
        from django.conf import settings

        if settings.configured:
            return Limits(
                max_pages=settings.EXTRACTION_MAX_PAGES,
                max_pixels=settings.EXTRACTION_MAX_PIXELS,
                dpi=settings.EXTRACTION_DPI,
                timeout_seconds=settings.EXTRACTION_TIMEOUT_SECONDS,
            )
    except (ImportError, AttributeError):
        pass
    return Limits()


def sideways_share(words, width: int, height: int) -> float:
    """Share of the longer words whose box is taller than wide: text turned by 90 degrees."""
    long_words = [w for w in words if len(w.text) >= 4]
    if not long_words:
        return 0.0
    tall = sum(1 for w in long_words
               if (w.bbox[3] - w.bbox[1]) * height > (w.bbox[2] - w.bbox[0]) * width)
    return tall / len(long_words)


# A page of the two forms carries far more words than this; fewer is a page read wrong way up.
EXPECTED_WORDS = 20


def reading_score(words, image: np.ndarray) -> float:
    """How well a page read: enough confident words, running across the page (not up or down it)."""
    enough = min(1.0, len(words) / EXPECTED_WORDS)
    return enough * text_quality(words) * (1.0 - sideways_share(words, image.shape[1], image.shape[0]))


@dataclass
class Picture:
    """A page as loaded, with what was already worked out about it while separating pages."""
    image: Image.Image
    gray: np.ndarray | None = None
    small: orientation.SmallCopy | None = None


def separate_pages(images: list[Image.Image]) -> list[Picture]:
    """Each picture of two pages stacked while turned on their sides, as its two pages.
    A tall picture's grey copy and small copy, made to tell, are kept for its page."""
    pages = []
    for image in images:
        if image.height < orientation.STACKED_SIDEWAYS_RATIO * image.width:
            pages.append(Picture(image))
            continue
        gray = preprocess.to_gray(image)
        small = orientation.small_copy(gray)
        cut = orientation.stacked_sideways_split(gray, small)
        pages.extend([Picture(image, gray, small)] if cut is None else
                     [Picture(image.crop((0, 0, image.width, cut)), gray[:cut]),
                      Picture(image.crop((0, cut, image.width, image.height)), gray[cut:])])
    return pages


# Pages prepared and handed to one tesseract process together (a form has one or two).
READ_TOGETHER = 4


@dataclass
class PreparedPage:
    """A page measured, scaled, turned, straightened and binarised, ready for tesseract."""
    number: int
    image: Image.Image
    layout: orientation.Layout
    gray: np.ndarray  # scaled, light flattened and turned, not yet straightened
    clean: np.ndarray  # straightened, rules painted out: what re-reads crop
    binary: np.ndarray  # what tesseract reads


class PageReader:
    """Runs the page steps and keeps the geometry needed to redraw the upright page."""

    def __init__(self, deadline: Deadline, stopwatch: Stopwatch):
        self.deadline = deadline
        self.stopwatch = stopwatch

    def straighten(self, gray: np.ndarray) -> tuple[np.ndarray, float]:
        angle = preprocess.skew_angle(gray)
        if abs(angle) < preprocess.MIN_SKEW_DEGREES:
            return gray, 0.0
        return preprocess.rotate(gray, angle), angle

    @staticmethod
    def clean_and_binary(straight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the page without rules, in grey, for re-reads; its binarised copy for tesseract).

        Tesseract reads a clean black-and-white page several times faster than a grey
        photo, whose texture it would binarise itself at length.
        """
        clean = preprocess.remove_rules(straight)
        return clean, preprocess.black_and_white(clean)

    def read_clean(self, straight: np.ndarray):
        """(the page without rules, in grey; the words of its binarised copy)."""
        clean, binary = self.clean_and_binary(straight)
        return clean, read_words(binary, timeout=self.deadline.remaining(), stopwatch=self.stopwatch)

    def prepare(self, number: int, picture: Picture) -> PreparedPage:
        image = picture.image
        gray = picture.gray if picture.gray is not None else preprocess.to_gray(image)
        # Measured on a small copy first: which way up the text is, its skew and its size.
        layout = orientation.measure(gray, picture.small)
        # Letters brought to the size tesseract reads best first: every later step is cheaper.
        gray = preprocess.remove_shadow(preprocess.rescale(gray, preprocess.scale_factor(layout.text_height)))
        gray = preprocess.rotate(gray, layout.turn)
        straight = preprocess.rotate(gray, layout.skew) if layout.skew else gray
        clean, binary = self.clean_and_binary(straight)
        return PreparedPage(number, image, layout, gray, clean, binary)

    def read(self, pictures: list[Picture], keep_images: bool) -> list[PageResult]:
        """Every page, prepared a few at a time and read by one tesseract call per few."""
        results = []
        for start in range(0, len(pictures), READ_TOGETHER):
            batch = [self.prepare(number, picture)
                     for number, picture in enumerate(pictures[start:start + READ_TOGETHER], start=start + 1)]
            for picture in pictures[start:start + READ_TOGETHER]:
                picture.gray = picture.small = None  # measured: let them go
            readings = read_images([page.binary for page in batch], timeout=self.deadline.remaining(),
                                   stopwatch=self.stopwatch)
            results.extend(self.finish(page, words, keep_images) for page, words in zip(batch, readings))
        return results

    def finish(self, page: PreparedPage, words: list, keep_image: bool) -> PageResult:
        """Checks how the page read (turning it when it read badly) and keeps its geometry."""
        layout, gray, clean = page.layout, page.gray, page.clean
        turns = [(layout.turn, 0.0), (0, layout.skew)]
        score = reading_score(words, clean)
        if score < ORIENTATION_CHECK_BELOW:
            # Read badly: tesseract's own orientation detection, then the likely turns are read.
            turn, osd_confidence = self.stopwatch.timed(preprocess.osd_rotation, gray, self.deadline.remaining())
            sideways = sideways_share(words, clean.shape[1], clean.shape[0]) > SIDEWAYS_ABOVE
            # Neither the letters' shapes nor tesseract could tell: the half turn is read too.
            unclear = not layout.sure and layout.text_height is not None and osd_confidence < OSD_SURE
            candidates = [turn] if turn else ([90, 270] if sideways else ([180] if unclear else []))
            for turn in candidates:
                turned, turned_angle = self.straighten(preprocess.rotate(gray, turn))
                turned_clean, turned_words = self.read_clean(turned)
                turned_score = reading_score(turned_words, turned_clean)
                if turned_score > score:
                    clean, words, score = turned_clean, turned_words, turned_score
                    turns = [((layout.turn + turn) % 360, 0.0), (0, turned_angle)]
        upright = None
        if keep_image:
            rgb = np.asarray(page.image.convert("RGB"))
            for quarter, skew in turns:
                rgb = preprocess.rotate(rgb, quarter, fill=(255, 255, 255))
                rgb = preprocess.rotate(rgb, skew, fill=(255, 255, 255)) if skew else rgb
            upright = Image.fromarray(rgb)
        height, width = clean.shape[:2]
        if upright is not None:
            width, height = upright.size
        return PageResult(number=page.number, width=width, height=height, words=words,
                          rotation=turns[0][0], image=upright,
                          reader=RegionReader(clean, self.stopwatch, self.deadline.remaining))


# Parsing passes: each may ask the page readers for regions read again.
MAX_PASSES = 3


def parse(kind: str, pages: list[PageResult]) -> dict:
    """The kind's fields; regions the parser asks to be read again are read in one
    batch per page and view, then the pages are parsed again with those readings."""
    if kind == UNKNOWN:
        return {}
    for _ in range(MAX_PASSES):
        fields = PARSERS[kind].parse(pages)
        waiting = [page.reader for page in pages if page.reader is not None and page.reader.pending]
        if not waiting:
            break
        flush(waiting)
    return PARSERS[kind].parse(pages) if waiting else fields


def page_confidence(page: PageResult) -> float:
    """The mean confidence of a page's words: low on a blurred, grainy or dark photo."""
    return sum(w.confidence for w in page.words) / len(page.words) if page.words else 0.0


# On generated photos, about one value in twenty read from a page whose words average
# 0.80 to 0.85 was wrong, against one in three hundred above that: a value is capped a
# little below its page's mean, so such a page's values all go to a reviewer.
PAGE_MARGIN = 0.05


def cap_by_page(fields: dict, pages: list[PageResult]) -> dict:
    """On a bad photo even confidently read words are often wrong, so no value read
    from a page is surer than the page's words were on average, less PAGE_MARGIN,
    and no blank surer than that for the document's least sure page (its value may
    be there, unread)."""
    caps = {page.number: max(0.0, page_confidence(page) - PAGE_MARGIN) for page in pages}
    for result in fields.values():
        cap = caps.get(result.page, min(caps.values(), default=0.0))
        result.confidence = min(result.confidence, cap)
    return fields


def extract(path: str | Path, kind: str = AUTO, *, limits: Limits | None = None,
            keep_images: bool = False) -> Extraction:
    """Read the document at `path`; raises extraction.errors.DocumentError if it cannot."""
    if kind != AUTO and kind not in KINDS:
        raise ValueError(f"Unknown document kind {kind!r}; expected auto or one of {', '.join(KINDS)}.")
    limits = limits or default_limits()
    started, cpu_started = time.perf_counter(), cpu_now()
    deadline = Deadline(limits.timeout_seconds)
    stopwatch = Stopwatch()
    # Colour only for the page images kept for people; the reading itself is done in grey.
    pictures = separate_pages(load_pages(path, limits, deadline, COLOUR if keep_images else GREY))
    loaded = time.perf_counter()
    reader = PageReader(deadline, stopwatch)
    pages = reader.read(pictures, keep_images)
    read, reading_in_tesseract = time.perf_counter(), stopwatch.tesseract
    if kind == AUTO:
        result = classify(pages)
        kind, kind_confidence = result.kind, result.confidence
    else:
        kind_confidence = 1.0
    fields = cap_by_page(parse(kind, pages), pages)
    for page in pages:
        page.reader = None  # lets the page image go
    finished = time.perf_counter()
    # Seconds: "pages" and "parse" include the tesseract calls made in them, which
    # "pages_outside_tesseract" and "parse_outside_tesseract" leave out. "cpu" is the CPU
    # time of the whole document, this process's threads and its child processes
    # (tesseract, poppler), of which the tesseract calls had "tesseract_cpu".
    timings = {
        "load": loaded - started,
        "pages": read - loaded,
        "tesseract": stopwatch.tesseract,
        "parse": finished - read,
        "pages_outside_tesseract": read - loaded - reading_in_tesseract,
        "parse_outside_tesseract": finished - read - (stopwatch.tesseract - reading_in_tesseract),
        "total": finished - started,
        "cpu": cpu_now() - cpu_started,
        "tesseract_cpu": stopwatch.tesseract_cpu,
    }
    return Extraction(file=Path(path).name, kind=kind, kind_confidence=kind_confidence,
                      pages=pages, fields=fields, timings=timings)


__all__ = ["extract", "default_limits", "DocumentError"]
