"""The engine's result types: what `extraction.engine.extract` returns.

`Extraction.to_dict()` is exactly the JSON of FIELDS.md. Boxes are fractions
of the upright page (after any 90/180/270 degree turn the engine applied):
[left, top, right, bottom]; pages are numbered from 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile file from exhausting memory or time."""

    max_pages: int = 20
    max_pixels: int = 60_000_000
    dpi: int = 300
    timeout_seconds: int = 120


@dataclass
class Word:
    text: str
    confidence: float  # 0..1, tesseract's word confidence / 100
    bbox: tuple[float, float, float, float]
    line: int  # index of the OCR line on its page


@dataclass
class PageResult:
    number: int
    width: int  # pixels of the upright page image
    height: int
    words: list[Word] = field(default_factory=list)
    rotation: int = 0  # degrees the page was turned to make it upright
    image: Any = None  # PIL.Image of the upright page when extract(keep_images=True)
    # While the engine parses: re-reads a part of the page (extraction.ocr.RegionReader).
    reader: Any = field(default=None, repr=False, compare=False)


@dataclass
class FieldResult:
    value: Any = None
    confidence: float = 0.0
    page: int | None = None
    bbox: list[float] | None = None
    normalized: Any = None

    def to_dict(self) -> dict:
        data = {
            "value": self.value,
            "confidence": round(float(self.confidence), 3),
            "page": self.page,
            "bbox": [round(float(v), 4) for v in self.bbox] if self.bbox else None,
        }
        if self.normalized is not None:
            data["normalized"] = self.normalized
        return data


@dataclass
class Extraction:
    file: str
    kind: str
    kind_confidence: float
    pages: list[PageResult]
    fields: dict[str, FieldResult]
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "kind": self.kind,
            "kind_confidence": round(float(self.kind_confidence), 3),
            "pages": len(self.pages),
            "fields": {name: result.to_dict() for name, result in self.fields.items()},
        }
