"""Turning reviewed field values, written as on the paper, into FHIR data types."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

# The forms write dates day first ("17/12/2020") or with the month's name
# ("May 6 1972", "30 December 2020"). A date that fits none of these is left
# out of the FHIR resource; the CSV and JSON Lines exports keep it as written.
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
MONTH_FIRST = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")
DAY_FIRST = re.compile(r"(\d{1,2}) ([a-z]+)\.?,? (\d{4})")
MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
), start=1) for name in names}
# Answers that mean "nothing to report" on a list field such as allergies.
NOTHING = {"", "none", "no", "nil", "n/a", "na", "nka", "nkda", "-", "not applicable", "no known allergies"}


def fhir_date(value) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date as written, or None."""
    return _parse_date(str(value)) if value else None


@lru_cache(maxsize=4096)  # the same dates recur across a batch and within a record
def _parse_date(written: str) -> str | None:
    text = re.sub(r"\s+", " ", written).strip().rstrip(".").lower()
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    if match := NUMERIC_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 1900 if year >= 69 else 2000
    elif match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := MONTH_FIRST.fullmatch(text):
        month, day, year = MONTHS.get(match.group(1), 0), int(match.group(2)), int(match.group(3))
    elif match := DAY_FIRST.fullmatch(text):
        day, month, year = int(match.group(1)), MONTHS.get(match.group(2), 0), int(match.group(3))
    else:
        return None
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None
    return parsed.isoformat() if date(1900, 1, 1) <= parsed <= date(2200, 12, 31) else None


def items(value) -> list[str]:
    """The entries of a free-text list ("Peanuts, Penicillin; Latex"), without "none"-like answers."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts = [str(item) for item in value]
    else:
        parts = re.split(r"[,;\n]", str(value))
    cleaned = [part.strip() for part in parts]
    return [part for part in cleaned if part.lower() not in NOTHING]


def text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    value = str(value).strip()
    return value or None


def integer(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    digits = str(value).strip()
    return int(digits) if digits.isdigit() else None


def yes(value) -> bool | None:
    answer = str(value or "").strip().lower()
    if answer in {"yes", "y", "true"}:
        return True
    if answer in {"no", "n", "false"}:
        return False
    return None
