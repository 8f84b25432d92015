"""Addresses as tesseract reads them, put right where the misreading is plain: a street
type, a state or the country at the end misread by a letter, spaces lost or added."""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from extraction.parsers.values import as_digits

STREET_TYPES = ("Dr", "St", "Rd", "Ave", "Blvd", "Ln", "Lane", "Way", "Ct", "Court", "Road", "Street",
                "Drive", "Avenue", "Pl", "Place", "Hwy", "Terrace", "Parkway")
_GLUED_STREET_TYPE = re.compile(
    r"(?<=[a-z])(Dr|St|Rd|Ave|Blvd|Ln|Lane|Way|Ct|Court|Road|Street|Drive|Avenue|Pl|Place|Hwy)(?=[\s,.]|$)")
_SPLIT_ZIP = re.compile(r"(?<=, )(\d{1,4}) (\d{1,4})(?=,|$)")
# A part of five characters, most of them digits: a postcode with a digit read as a letter ("1000S").
_MISREAD_ZIP = re.compile(r"^(?=(?:\D*\d){3})[0-9OoDQIl|SsBZz]{5}$")


US_STATES = ("Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
             "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
             "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri",
             "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
             "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
             "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
             "West Virginia", "Wisconsin", "Wyoming")
_STATE_WORDS = sorted({word for state in US_STATES for word in state.split()})


def _state_word(word: str) -> str:
    """A misread word of a state's name ("Ohlo") as the state spells it, else the word."""
    core = word.rstrip(",")
    if len(core) < 4 or not core[:1].isupper() or core in _STATE_WORDS or not core.isalpha():
        return word
    match = process.extractOne(core, _STATE_WORDS, scorer=fuzz.ratio, score_cutoff=75)
    return match[0] + word[len(core):] if match else word


# Countries an address ends with on the forms' side of the Atlantic, as they are spelt.
COUNTRIES = ("United States", "United States of America", "USA", "Canada", "Mexico", "United Kingdom")


def _country(part: str) -> str:
    """The last part of an address as the country it is misread from ("Unted States"),
    when it is that close to one (one or two letters off), else as it is."""
    core = part.strip(" .")
    if len(core) < 5 or core in COUNTRIES or not core.replace(" ", "").isalpha():
        return part
    match = process.extractOne(core, COUNTRIES, scorer=fuzz.ratio, score_cutoff=88)
    return part.replace(core, match[0]) if match and match[0].count(" ") == core.count(" ") else part


# Characters tesseract takes for one another in print (lower case).
_LOOKALIKES = ({"o", "0", "d", "q", "a"}, {"5", "s"}, {"8", "b"}, {"1", "l", "i"}, {"2", "z"}, {"v", "w"},
               {"r", "f"})


def _lookalike(word: str, choices: set[str]) -> str | None:
    """The one choice `word` would be if its misread characters were look-alikes
    ("or" is "dr", "5t" is "st"), or None when there is not exactly one."""
    def alike(a: str, b: str) -> bool:
        return a == b or any(a in group and b in group for group in _LOOKALIKES)
    found = [c for c in choices if len(c) == len(word) and all(alike(a, b) for a, b in zip(word, c))]
    return found[0] if len(found) == 1 else None


def repair_address(text: str) -> tuple[str, bool]:
    """Spaces tesseract lost or added in an address: "AshDr" is "Ash Dr"; a five-digit
    postcode read as "1 0005" or "1000S" is "10005"; a street type ("Bivd", "Or"), a state
    ("Ohlo") or the country at its end ("Unted States") misread by a letter."""
    fixed = _GLUED_STREET_TYPE.sub(r" \1", text)
    parts = fixed.split(", ")
    street = parts[0].split(" ")
    if len(street) >= 3 and street[0][:1].isdigit():
        last = street[-1]
        known = {t.casefold() for t in STREET_TYPES}
        match = process.extractOne(last.casefold(), sorted(known), scorer=fuzz.ratio, score_cutoff=74)
        word = match[0] if match and len(match[0]) == len(last) else _lookalike(last.casefold(), known)
        if word and last.casefold() not in known:
            word = word if last[:1].islower() else word.capitalize()
            parts[0] = " ".join(street[:-1] + [word])
    parts[-1] = _country(parts[-1]) if len(parts) > 1 else parts[-1]
    parts = [as_digits(part) if i and _MISREAD_ZIP.match(part) else part for i, part in enumerate(parts)]
    fixed = ", ".join(_state_word(part) if " " not in part else part for part in parts)
    fixed = _SPLIT_ZIP.sub(lambda m: m.group(1) + m.group(2) if len(m.group(1) + m.group(2)) == 5 else m.group(0),
                           fixed)
    return fixed, fixed != text
