"""Turning reviewed field values, written as on the paper, into FHIR data types."""
from __future__ import annotations

import re
from datetime import date, datetime

# The forms write dates day first ("17/12/2020") or with the month's name
# ("May 6 1972", "30 December 2020"). A date that fits none of these is left
# out of the FHIR resource; the CSV and JSON Lines exports keep it as written.
DATE_FORMATS = (
    "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y",
    "%B %d %Y", "%B %d, %Y", "%b %d %Y", "%b %d, %Y",
    "%d %B %Y", "%d %b %Y", "%d %B, %Y",
)
# Answers that mean "nothing to report" on a list field such as allergies.
NOTHING = {"", "none", "no", "nil", "n/a", "na", "nka", "nkda", "-", "not applicable", "no known allergies"}


def fhir_date(value) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip().rstrip(".")
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if date(1900, 1, 1) <= parsed <= date(2200, 12, 31):
            return parsed.isoformat()
    return None


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
