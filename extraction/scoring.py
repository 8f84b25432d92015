"""Scoring extracted values against the truth, exactly as FIELDS.md says.

A value is right when it equals the true one after both are normalized:
Unicode NFKC, case-folded, white space runs made one space, the characters
` .,;:|_-'"` stripped from both ends; a list is joined with a space first;
numbers compare as integers; null matches null or "". Multi-line values may be
joined with ", " or a space, so a comma before a space is not a difference.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

EDGE_CHARACTERS = " .,;:|_-'\""


def normalize(value) -> str | None:
    """The comparable form of a value (None for a blank one)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    text = re.sub(r"\s+", " ", text).strip(EDGE_CHARACTERS)
    return text or None


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return None


def values_match(extracted, truth) -> bool:
    """Whether an extracted value counts as right."""
    left, right = _as_int(extracted), _as_int(truth)
    if left is not None and right is not None:
        return left == right
    a, b = normalize(extracted), normalize(truth)
    if a is None or b is None:
        return a is b
    return a == b or a.replace(", ", " ") == b.replace(", ", " ")


@dataclass
class Tally:
    """Counts over many documents: accuracy, flagging and error recall."""

    threshold: float
    fields: int = 0
    right: int = 0
    wrong_flagged: int = 0
    right_flagged: int = 0
    documents: int = 0
    documents_right: int = 0
    kinds_right: int = 0
    per_field: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, total]

    def add(self, truth: dict, result: dict) -> list[str]:
        """Score one document (`truth`: {"kind", "fields"}; `result`: Extraction.to_dict()).

        Returns the names of the wrong fields.
        """
        self.documents += 1
        self.kinds_right += result.get("kind") == truth["kind"]
        wrong = []
        extracted = result.get("fields", {})
        for name, true_value in truth["fields"].items():
            got = extracted.get(name, {})
            ok = values_match(got.get("value"), true_value)
            flagged = float(got.get("confidence", 0.0)) < self.threshold
            counts = self.per_field.setdefault(name, [0, 0])
            counts[0] += ok
            counts[1] += 1
            self.fields += 1
            if ok:
                self.right += 1
                self.right_flagged += flagged
            else:
                wrong.append(name)
                self.wrong_flagged += flagged
        self.documents_right += not wrong
        return wrong

    @property
    def field_accuracy(self) -> float:
        return self.right / self.fields if self.fields else 0.0

    @property
    def document_accuracy(self) -> float:
        return self.documents_right / self.documents if self.documents else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.documents if self.documents else 0.0

    @property
    def error_recall(self) -> float:
        """Share of wrong fields that were flagged for review (1.0 when nothing was wrong)."""
        wrong = self.fields - self.right
        return self.wrong_flagged / wrong if wrong else 1.0

    @property
    def flagged_right_share(self) -> float:
        """Share of right fields sent to review anyway (the reviewers' extra work)."""
        return self.right_flagged / self.right if self.right else 0.0
