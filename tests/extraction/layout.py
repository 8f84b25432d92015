"""OCR-like pages built by hand: words with boxes (fractions of the page) and confidences.

`page(number, rows)` takes rows of (top, [(left, text), ...]) or (left, text, confidence)
and gives each row its own OCR line, with boxes sized from the text's length.
"""
from extraction.types import PageResult, Word

CHAR_WIDTH = 0.011
ROW_HEIGHT = 0.018


def page(number: int, rows, width: int = 2400, height: int = 3000) -> PageResult:
    words = []
    for line, (top, items) in enumerate(rows):
        for item in items:
            left, text, confidence = item if len(item) == 3 else (*item, 0.96)
            x = left
            for part in text.split(" "):
                words.append(Word(text=part, confidence=confidence,
                                  bbox=(x, top, x + CHAR_WIDTH * len(part), top + ROW_HEIGHT), line=line))
                x += CHAR_WIDTH * (len(part) + 1)
    return PageResult(number=number, width=width, height=height, words=words)


class Rereads:
    """What reading regions of a page again gave, as the engine's RegionReader answers:
    the same words (boxes as fractions of the page) for whatever region is asked."""

    def __init__(self, words: list[Word]):
        self.words = words
        self.pending: set = set()

    def read(self, left, top, right, bottom, view="smooth", single_line=False) -> list[Word]:
        return [Word(w.text, w.confidence, w.bbox, w.line) for w in self.words]
