"""Words tesseract misread into rarer ones: "moming" for "morning", "Seattie" for
"Seattle", "Dubols" for "Dubois". Tesseract may be as sure of such a word as of a
right one; what gives it away is English itself: change one letter shape tesseract
confuses for another and a word a hundred times more common appears. A value holding
such a word fits its field less well, so it goes to a reviewer; it is never changed
(a rare name may be right as written).

Word frequencies are wordfreq's (zipf scale: 3 is once in a million words).
"""
from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

# Letter shapes tesseract reads one for the other, both ways.
_CONFUSED = [("rn", "m"), ("cl", "d"), ("li", "h"), ("ri", "n"), ("vv", "w"), ("ii", "u"),
             ("l", "i"), ("l", "t"), ("i", "t"), ("f", "t"), ("e", "a"), ("e", "o"), ("e", "c"),
             ("a", "o"), ("n", "u"), ("h", "b"), ("o", "d"), ("c", "o"), ("s", "e")]
CONFUSIONS = _CONFUSED + [(b, a) for a, b in _CONFUSED]
# A variant this much more common (zipf: 2 is a hundred times) and at least this common.
MORE_COMMON_BY = 2.0
COMMON = 2.5
# Words shorter than this are left alone (initials, units, "Dr").
SHORTEST = 4
_WORD = re.compile(r"[A-Za-z]+")


def load() -> None:
    """Reads the English word list now (about 0.4 s and 40 MB, once a process) instead of
    at the first document: a worker process does it when it starts."""
    zipf_frequency("the", "en")


def variants(word: str) -> set[str]:
    """Every spelling one confusion away from `word` (lower case)."""
    word = word.lower()
    found = set()
    for seen, meant in CONFUSIONS:
        start = word.find(seen)
        while start >= 0:
            found.add(word[:start] + meant + word[start + len(seen):])
            start = word.find(seen, start + 1)
    found.discard(word)
    return found


@lru_cache(maxsize=4096)
def misread(word: str) -> bool:
    """Whether `word` is far rarer than a word one confusion away from it."""
    if len(word) < SHORTEST:
        return False
    frequency = zipf_frequency(word, "en")
    best = max((zipf_frequency(v, "en") for v in variants(word)), default=0.0)
    return best >= COMMON and best - frequency >= MORE_COMMON_BY


def misread_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text or "") if misread(word)]
