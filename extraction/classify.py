"""Which kind of document the OCR text is, and how sure that is.

Each kind has printed phrases that only it carries. The share of a kind's
phrases found (fuzzily, on consecutive words of one OCR line) is its score;
the kind with the clearly higher score wins, and nothing wins when no kind
shows enough of its phrases.
"""
from __future__ import annotations

from dataclasses import dataclass

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, UNKNOWN
from extraction.parsers.base import find_label
from extraction.types import PageResult

# Phrase -> weight. Only phrases that the other kind does not print.
CUES: dict[str, dict[str, float]] = {
    PRESCRIPTION: {
        "Directions:": 3.0,
        "Refill:": 3.0,
        "times": 1.0,
    },
    PATIENT_DETAILS: {
        "Patient Medical Record": 3.0,
        "In Case of Emergency": 2.0,
        "General Medical History": 2.0,
        "Chicken Pox": 1.0,
        "Measles": 1.0,
        "Hepatitis B vaccination": 1.0,
        "Name of Insurance Company": 2.0,
        "Policy Number": 1.0,
        "Expiry Date": 1.0,
        "medical insurance": 1.0,
        "allergies": 1.0,
        "Birth Date": 1.0,
        "Home phone": 1.0,
    },
}
# A kind needs this share of its cues' weight to be recognised at all.
MIN_SCORE = 0.35


@dataclass(frozen=True)
class Classification:
    kind: str
    confidence: float
    scores: dict[str, float]


def cue_score(pages: list[PageResult], kind: str) -> float:
    cues = CUES[kind]
    found = sum(weight for phrase, weight in cues.items() if find_label(pages, phrase, min_score=80))
    return found / sum(cues.values())


def classify(pages: list[PageResult]) -> Classification:
    scores = {kind: cue_score(pages, kind) for kind in CUES}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, runner_up) = ranked[0], ranked[1]
    if best_score < MIN_SCORE or best_score - runner_up < 0.2:
        return Classification(UNKNOWN, max(0.0, 1.0 - best_score), scores)
    confidence = min(1.0, best_score / 0.7) * (1.0 - runner_up)
    return Classification(best, round(confidence, 3), scores)
