"""Field-aware repair and fit of OCR'd values.

Each `read_*` function takes the raw OCR text of one value and returns
`(value, fit, normalized)`: the value as written on the document with the
OCR confusions repaired where the field's type makes the answer certain, how
well it fits its field (0..1; it scales the OCR confidence), and a normalized
form (ISO date, digits of a phone) or None.
"""
from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz, process

from extraction.parsers import lexicon
from extraction.parsers.base import strip_edges

# Letters tesseract confuses with digits; applied only where a digit is certain.
_AS_DIGIT = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "C": "0",
    "l": "1", "I": "1", "i": "1", "|": "1", "!": "1", "L": "1", "J": "1", "]": "1", "[": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "$": "5", "B": "8", "G": "6", "b": "6",
    "g": "9", "q": "9", "A": "4", "T": "7", "?": "7",
})
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTH_WORDS = MONTHS + [m[:3] for m in MONTHS] + ["Sept"]


def as_digits(text: str) -> str:
    return text.translate(_AS_DIGIT)


def _digit_like(text: str) -> bool:
    """A token that is mostly digits, so its letters are misread digits."""
    core = re.sub(r"[^0-9A-Za-z|!$?\[\]]", "", text)
    digits = sum(c.isdigit() for c in core)
    return bool(core) and digits >= max(1, len(core) / 2)


def _all_digit_like(text: str) -> bool:
    """Every character is a digit or a letter tesseract confuses with one (where a
    field's shape, such as d/m/yyyy, already says these are digits)."""
    return bool(text) and as_digits(text).isdigit()


def read_integer(text: str, low: int, high: int) -> tuple[int | None, float, None]:
    """A whole number (a weight, a height, a refill count); units are ignored."""
    text = re.sub(r"(?i)\b(kg|kgs|cm|lbs?|times?|x)\b", " ", text)
    candidates = [t for t in re.split(r"\s+", text.strip()) if t and _digit_like(t)]
    if not candidates:
        return None, 0.0, None
    raw = re.sub(r"[^0-9]", "", as_digits(candidates[0]))
    if not raw:
        return None, 0.0, None
    value = int(raw)
    fit = 1.0 if candidates[0].isdigit() else 0.85
    if len(candidates) > 1:
        fit *= 0.6
    if not low <= value <= high:
        fit *= 0.3
    return value, fit, None


_PHONE_STYLE = re.compile(r"^\(?(\w{3})\)?[\s.\-]*(\w{3})[\s.\-]*(\w{4})$")


def read_phone(text: str) -> tuple[str | None, float, str | None]:
    """A 10-digit phone, reprinted in the style it was written in."""
    text = strip_edges(text.strip()) if not text.strip().startswith("(") else text.strip().rstrip(" .,;:")
    if not text:
        return None, 0.0, None
    compact = re.sub(r"\s+", " ", text)
    match = _PHONE_STYLE.match(compact)
    if match and all(_digit_like(g) for g in match.groups()):
        area, exchange, line = (as_digits(g) for g in match.groups())
        if (area + exchange + line).isdigit():
            repaired = (area + exchange + line) != "".join(match.groups())
            if "(" in compact or ")" in compact:
                value = f"({area}) {exchange}-{line}"
            else:
                separator = "." if "." in compact else "-" if "-" in compact else " "
                value = separator.join((area, exchange, line))
            return value, 0.9 if repaired else 1.0, area + exchange + line
    digits = re.sub(r"\D", "", as_digits(compact))
    return compact, 0.25, digits or None


# Day, month and year of digits or what tesseract reads them as (a 5 is read "$" too).
_NUMERIC_DATE = re.compile(r"^([\w$]{1,2})\s*([/\-.])\s*([\w$]{1,2})\s*[/\-.]\s*([\w$]{2,4})$")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


# Digits tesseract mistakes for one another in print.
_DIGIT_CONFUSIONS = {"1": "47", "4": "1", "7": "1", "0": "86", "8": "036", "3": "8", "5": "6", "6": "58", "9": "81"}


def _iso_if_valid(day: str, month: str, year: int) -> str | None:
    if _valid(year, int(month), int(day)):
        return date(year, int(month), int(day)).isoformat()
    return None


def _valid_variant(a: str, b: str, y: str) -> tuple[str, str, str] | None:
    """The single one-digit change to day or month that makes an impossible date valid
    (None when there is no such change, or more than one)."""
    year = _full_year(int(y))
    found = set()
    for which in (0, 1):
        part = (a, b)[which]
        for i, digit in enumerate(part):
            for other in _DIGIT_CONFUSIONS.get(digit, ""):
                changed = part[:i] + other + part[i + 1:]
                pair = (changed, b) if which == 0 else (a, changed)
                iso = _iso_if_valid(pair[0], pair[1], year) or _iso_if_valid(pair[1], pair[0], year)
                if iso:
                    found.add((pair[0], pair[1], iso))
    return found.pop() if len(found) == 1 else None


def _full_year(year: int) -> int:
    return year + (2000 if year < 50 else 1900) if year < 100 else year


# What tesseract reads a thin slash as: "4/27/2025" comes out "4127/2025".
_SLASH_LOOKALIKES = "1lI|7"
# How well a date fits when a separator had to be put back.
SEPARATOR_REPAIR_FIT = 0.5


def _lost_separator(text: str) -> tuple[str, str] | None:
    """(the date as written, its ISO form) when one of its two separators was misread
    as a look-alike and exactly one way of putting it back gives a valid date."""
    separators = [c for c in text if c in "/-."]
    if len(separators) != 1:
        return None
    found = set()
    for i, character in enumerate(text[1:-1], start=1):
        if character not in _SLASH_LOOKALIKES:
            continue
        candidate = text[:i] + separators[0] + text[i + 1:]
        match = _NUMERIC_DATE.match(candidate)
        if not match or not (match.group(1) + match.group(3) + match.group(4)).isdigit():
            continue
        day, month, year = match.group(1), match.group(3), _full_year(int(match.group(4)))
        iso = _iso_if_valid(day, month, year) or _iso_if_valid(month, day, year)
        if iso:
            found.add((candidate, iso))
    return found.pop() if len(found) == 1 else None


def read_date(text: str) -> tuple[str | None, float, str | None]:
    """A date as written ("5/11/2022", "May 6 1972", "30 December 2020", ...)."""
    text = re.sub(r"\s+", " ", strip_edges(text.strip()))
    if not text:
        return None, 0.0, None
    # Not where a separator may have been read as a space ("5/17 1972"): a 1 or 7 there is a digit.
    restored = _lost_separator(text) if " " not in text else None
    if restored:
        return restored[0], SEPARATOR_REPAIR_FIT, restored[1]
    numeric = _NUMERIC_DATE.match(text.replace(" ", ""))
    if numeric and all(_all_digit_like(g) for g in (numeric.group(1), numeric.group(3), numeric.group(4))):
        a, sep, b, y = as_digits(numeric.group(1)), numeric.group(2), as_digits(numeric.group(3)), as_digits(numeric.group(4))
        if (a + b + y).isdigit():
            year = _full_year(int(y))
            iso = None
            if _valid(year, int(b), int(a)):
                iso = date(year, int(b), int(a)).isoformat()  # day first
            elif _valid(year, int(a), int(b)):
                iso = date(year, int(a), int(b)).isoformat()  # month first
            repaired = (a + b + y) != numeric.group(1) + numeric.group(3) + numeric.group(4)
            fit = (0.9 if repaired else 1.0) if iso else 0.3
            if not iso:
                fixed = _valid_variant(a, b, y)
                if fixed:
                    (a, b), iso, fit, repaired = fixed[:2], fixed[2], 0.6, True
            written = text.replace(" ", "") if not repaired else f"{a}{sep}{b}{sep}{y}"
            return written, fit, iso
    return _read_month_date(text)


def _month(word: str) -> tuple[str | None, float]:
    clean = re.sub(r"[^A-Za-z]", "", word)
    if len(clean) < 3:
        return None, 0.0
    match = process.extractOne(clean.capitalize(), _MONTH_WORDS, scorer=fuzz.ratio)
    if not match or match[1] < 70:
        return None, 0.0
    return match[0], match[1] / 100


def _read_month_date(text: str) -> tuple[str | None, float, str | None]:
    parts = text.replace(",", " , ").split()
    month_at, month, month_fit = None, None, 0.0
    for i, part in enumerate(parts):
        if re.search(r"[A-Za-z]{3,}", part) and not _digit_like(part):
            month, month_fit = _month(part)
            if month:
                month_at = i
                break
    if month is None:
        return text, 0.2, None
    out, numbers = [], []
    for i, part in enumerate(parts):
        if i == month_at:
            out.append(month)
        elif part == ",":
            if out:
                out[-1] += ","
        elif _digit_like(part):
            digits = re.sub(r"\D", "", as_digits(part))
            suffix = re.search(r"(st|nd|rd|th)$", part)
            out.append(digits + (suffix.group(1) if suffix and len(digits) <= 2 else ""))
            numbers.append(int(digits) if digits else 0)
        else:
            return text, 0.2, None
    month_number = (_MONTH_WORDS.index(month) % 12) + 1 if month != "Sept" else 9
    day = next((n for n in numbers if 1 <= n <= 31), None)
    year = next((n for n in numbers if n >= 1000), None)
    iso = date(year, month_number, day).isoformat() if day and year and _valid(year, month_number, day) else None
    repaired = " ".join(out) != text
    fit = (0.9 if repaired else 1.0) * (1.0 if iso else 0.3) * (1.0 if month_fit >= 0.99 else 0.85)
    return " ".join(out), fit, iso


def read_choice(text: str, choices: tuple[str, ...]) -> tuple[str | None, float, None]:
    """One of a fixed set of answers, printed as the set spells it."""
    text = strip_edges(text.strip())
    if not text:
        return None, 0.0, None
    words = [re.sub(r"[^a-z]", "", w.casefold()) for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return None, 0.0, None
    phrase = " ".join(words)
    scored = [(choice, fuzz.ratio(phrase, choice.casefold())) for choice in choices]
    choice, score = max(scored, key=lambda pair: pair[1])
    others = sorted((s for c, s in scored if c != choice), reverse=True)
    margin = score - (others[0] if others else 0)
    fit = (score / 100) * (1.0 if margin >= 15 else 0.6)
    return (choice if score >= 60 else text), (fit if score >= 60 else 0.1), None


_DOSE_UNIT = re.compile(r"(?<=\d)\s*(md|rng|mq|rnq|ng|m9|mgs)\b", re.IGNORECASE)
_MICROGRAM = re.compile(r"(?<=\d)\s*(meg|mcq|rncg|mcgs|rneg)\b", re.IGNORECASE)
# The units a strength is written in.
_DOSE_UNITS = r"(?:mg|mcg|g|gram|grams|ml|units?|iu)\b"
_NUMBER_IN_DOSE = re.compile(r"\b[\dOoIl|]+(?:[.,][\dOoIl|]+)?(?=\s*" + _DOSE_UNITS + ")", re.IGNORECASE)


# A strength with its unit against its number ("1g", "500mg").
_GLUED_UNIT = re.compile(r"\d" + _DOSE_UNITS, re.IGNORECASE)


def glued_unit(text: str) -> bool:
    """Whether a strength's unit touches its number. OCR drops narrow spaces, and printed
    forms write "1 g", so the spacing on the document is unsure: the value goes to review."""
    return bool(_GLUED_UNIT.search(text))


# A strength: a number standing on its own (not "B12", "x2"), the room before its unit
# (nothing when they touch), its unit.
_STRENGTH = re.compile(r"(?<![A-Za-z\d.,])(\d+(?:[.,]\d+)?)([ \t]*)(?=" + _DOSE_UNITS + ")", re.IGNORECASE)


def strength_spacing(texts) -> tuple[int, int]:
    """(strengths written with a space between number and unit, strengths glued) in `texts`."""
    gaps = [match.group(2) for text in texts for match in _STRENGTH.finditer(text)]
    return sum(1 for gap in gaps if gap), sum(1 for gap in gaps if not gap)


def space_strengths(text: str) -> str:
    """Every strength in `text` written with one space between number and unit ("1 g")."""
    return _STRENGTH.sub(r"\1 ", text)


# A medicine line is its name and strength; a lone 9 or q after the strength's number,
# with no other number or unit on the line, is the unit g.
_GRAM_AT_END = re.compile(r"^([A-Za-z][A-Za-z \-]* \d+(?:[.,]\d+)?) [9q]$")


def repair_doses(text: str, strength_last: bool = False) -> tuple[str, bool]:
    """Fix the unit and number of a dose ("20 md" is "20 mg", "2O mg" is "20 mg"); in a
    line that ends with its strength (`strength_last`: a medicine), "2 9" is "2 g"."""
    original = text
    if strength_last:
        text = _GRAM_AT_END.sub(r"\1 g", text)
    fixed = _NUMBER_IN_DOSE.sub(lambda m: as_digits(m.group(0)) if _digit_like(m.group(0)) else m.group(0), text)
    fixed = _DOSE_UNIT.sub(lambda m: " mg" if fixed[m.start() - 1:m.start()] != " " else "mg", fixed)
    fixed = _MICROGRAM.sub(lambda m: " mcg" if fixed[m.start() - 1:m.start()] != " " else "mcg", fixed)
    fixed = re.sub(r"(?<=\d) {2,}mg", " mg", fixed)
    return fixed, fixed != original


# A capital I read as t, l, | or 1: the next letter is one that cannot follow t or l
# at the start of a word ("tnsurance", "lngrid", "1van").
_LOWER_CAPITAL_I = re.compile(r"^(?:[|1!][a-z]|[tl][nmgsdvcfbkpzq])[a-z]{2,}$")


# How well a name fits when a capital had to be put back: below the review threshold.
REPAIRED_CASE_FIT = 0.75


def repair_title_case(text: str, capital_i_only: bool = False) -> tuple[str, bool]:
    """In a name written in capitals ("Harbor Insurance Company"), one long word that
    came out in lower case was misread: its first letter is a capital, and a t, l, |
    or 1 there is a capital I. `capital_i_only`: only that last repair, for people's
    names, which may hold a word in lower case ("Mario della Rosa")."""
    words = text.split()

    def core(word: str) -> str:  # without the punctuation around it ("Mensah," is a word too)
        return word.strip(".,;:")
    long_words = [w for w in words if len(core(w)) >= 4 and core(w).isalpha() or _LOWER_CAPITAL_I.match(core(w))]
    suspects = [w for w in long_words if not w[0].isupper()
                and (not capital_i_only or _LOWER_CAPITAL_I.match(core(w)))]
    if len(suspects) != 1 or len(long_words) < 2:
        return text, False

    def capital(word: str) -> str:
        return "I" + word[1:] if _LOWER_CAPITAL_I.match(core(word)) else word[0].upper() + word[1:]
    return " ".join(capital(w) if w in suspects else w for w in words), True


_NAME = re.compile(r"^[A-Z][A-Za-z'\-]*\.?(?: [A-Z][A-Za-z'\-]*\.?)+$")


def name_fit(text: str) -> float:
    """How much `text` looks like a person's name (capitalised words, no digits)."""
    if not text:
        return 0.0
    if re.search(r"\d", text):
        return 0.3
    return (1.0 if _NAME.match(text) else 0.7) * lexicon_fit(text)


_GLUED = re.compile(r"\b\d+[A-Za-z]+\b|\b[A-Za-z]+\d+[A-Za-z]*\b")
_UNIT_SUFFIX = re.compile(r"^\d+(?:(?i:mg|mcg|g|ml|kg|cm|x|st|nd|rd|th|am|pm|h|hrs?|mins?)|[A-Z])$")


def text_fit(text: str) -> float:
    """Free text: stray symbols OCR leaves behind, and digits glued to letters
    ("3a day", "Ma1n"), lower the fit."""
    if not text:
        return 0.0
    odd = len(re.findall(r"[^A-Za-z0-9\s,.'\-/():&#]", text))
    glued = sum(1 for word in _GLUED.findall(text) if not _UNIT_SUFFIX.match(word))
    return max(0.2, 1.0 - 0.25 * odd) * (0.8 ** glued) * lexicon_fit(text)


# Each word far rarer than a word one misread letter away (lexicon.misread) scales the fit by this.
MISREAD_WORD_FIT = 0.7


def lexicon_fit(text: str) -> float:
    """Lower for each word that reads like a misprint of a common one ("moming")."""
    return MISREAD_WORD_FIT ** len(lexicon.misread_words(text))
