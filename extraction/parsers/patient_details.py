"""Fields of the two-page "Patient Medical Record" form.

Every value is printed under its label, in one of two columns, so each field
is read from the rectangle between its label and the next label below it,
bounded by the column. Labels are found by fuzzy matching, on any page.
"""
from __future__ import annotations

import re

from extraction.fields import PATIENT_DETAILS, field_names
from extraction.parsers import values
from extraction.parsers.base import (
    Span, blank_field, clean_rows, find_label, make_field, row_text, rows_of, strip_edges, words_in,
)
from extraction.types import FieldResult, PageResult, Word

# How sure the engine is that an optional field really is blank when its area has no text.
BLANK_CONFIDENCE = 0.9
_PHONEISH = re.compile(r"^\W*[\dOoIlSB]{3}\W*[\dOoIlSB]{3}\W*[\dOoIlSB]{4}\W*$")

LABELS = {
    "title": "Patient Medical Record",
    "info": "Patient Information",
    "birth": "Birth Date",
    "weight": "Weight",
    "height": "Height",
    "emergency": "In Case of Emergency",
    "home_phone": "Home phone",
    "work_phone": "Work phone",
    "history": "General Medical History",
    "chicken_pox": "Chicken Pox (Varicella)",
    "measles": "Measles",
    "hepatitis": "Hepatitis B vaccination?",
    "problems": "List any Medical Problems",
    "company": "Name of Insurance Company",
    "policy": "Policy Number",
    "expiry": "Expiry Date",
    "has_insurance": "Do you have medical insurance?",
    "details": "Medical Insurance Details",
    "allergies": "List any allergies",
    "medications": "List any medication taken regularly",
}


class Area:
    """Reads the rows of words inside a rectangle of one page."""

    def __init__(self, pages: list[PageResult], labels: dict[str, Span | None]):
        self.pages = {p.number: p for p in pages}
        self.labels = labels

    def rows(self, page: int, left: float, top: float, right: float, bottom: float) -> list[list[Word]]:
        if top >= bottom or left >= right:
            return []
        return clean_rows(rows_of(words_in(self.pages[page], left, top, right, bottom)))

    def under(self, name: str, until: str | float | None, left: float | None = None,
              right: float = 1.0) -> tuple[int | None, list[list[Word]]]:
        """Rows below label `name` and above label `until` (or a page fraction)."""
        label = self.labels.get(name)
        if label is None:
            return None, []
        end = self.labels.get(until) if isinstance(until, str) else None
        if isinstance(until, float):
            bottom = until
        elif end is not None and end.page == label.page and end.top > label.bottom:
            bottom = end.top - 0.2 * end.height
        else:
            bottom = 1.0
        start = label.left - 2 * label.height if left is None else left
        return label.page, self.rows(label.page, start, label.bottom + 0.2 * label.height, right, bottom)


def _text(rows: list[list[Word]], joiner: str = ", ") -> tuple[str, list[Word]]:
    parts = []
    for row in rows:
        line = strip_edges(row_text(row)) if joiner == ", " else row_text(row)
        if parts and joiner == ", " and parts[-1].endswith(","):
            parts[-1] = parts[-1][:-1]
        parts.append(line)
    return strip_edges(joiner.join(p for p in parts if p)), [w for row in rows for w in row]


def _left_of(span: Span | None, fallback: float = 0.5) -> float:
    return span.left - 1.5 * span.height if span else fallback


class PatientDetailsParser:
    kind = PATIENT_DETAILS

    def parse(self, pages: list[PageResult]) -> dict[str, FieldResult]:
        labels = {key: find_label(pages, phrase) for key, phrase in LABELS.items()}
        area = Area(pages, labels)
        fields = {name: blank_field() for name in field_names(PATIENT_DETAILS)}
        fields["record_date"] = self._record_date(area, labels)
        fields.update(self._patient(area, labels))
        fields.update(self._emergency(area, labels))
        fields.update(self._history(area, labels))
        fields.update(self._insurance(area, labels))
        return fields

    def _record_date(self, area: Area, labels) -> FieldResult:
        title = labels["title"]
        if title is None:
            return blank_field()
        for row in area.rows(title.page, 0.0, 0.0, 1.0, title.top + 0.3 * title.height):
            candidates = [w for w in row if re.search(r"\d", w.text)]
            if candidates:
                value, fit, iso = values.read_date(" ".join(w.text for w in candidates))
                return make_field(value, candidates, title.page, fit, iso)
        return blank_field()

    def _patient(self, area: Area, labels) -> dict[str, FieldResult]:
        fields = {}
        column = _left_of(labels["birth"])
        page, rows = area.under("info", "emergency", right=column)
        phone_at = next((i for i, row in enumerate(rows[1:], start=1)
                         if _PHONEISH.match(row_text(row).replace(" ", ""))), None)
        if rows:
            name_rows = rows[:1]
            text, words = _text(name_rows)
            fields["patient_name"] = make_field(text, words, page, values.name_fit(text))
        if phone_at is not None:
            text, words = _text([rows[phone_at]])
            value, fit, digits = values.read_phone(text)
            fields["phone_number"] = make_field(value, words, page, fit, digits)
            text, words = _text(rows[phone_at + 1:])
            fields["patient_address"] = make_field(text, words, page, values.text_fit(text))
        column_left = column - 0.02 if labels["birth"] else 0.5
        page, rows = area.under("birth", "weight", left=column_left)
        fields["birth_date"] = self._date(page, rows)
        for key, end, low, high in (("weight", "height", 1, 400), ("height", "emergency", 30, 250)):
            page, rows = area.under(key, end, left=column_left)
            text, words = _text(rows[:1])
            value, fit, _ = values.read_integer(text, low, high)
            fields[key] = make_field(value, words, page, fit) if value is not None else blank_field()
        return fields

    def _date(self, page, rows) -> FieldResult:
        text, words = _text(rows[:1], " ")
        value, fit, iso = values.read_date(text)
        return make_field(value, words, page, fit, iso)

    def _emergency(self, area: Area, labels) -> dict[str, FieldResult]:
        fields = {}
        work = labels["work_phone"]
        column = _left_of(work, _left_of(labels["birth"]))
        page, rows = area.under("emergency", "home_phone", right=column)
        text, words = _text(rows[:1])
        fields["emergency_contact_name"] = make_field(text, words, page, values.name_fit(text))
        page, rows = area.under("home_phone", "history", right=column)
        if labels["home_phone"] is not None and not rows:
            fields["emergency_contact_phone"] = blank_field(BLANK_CONFIDENCE)
        elif rows:
            text, words = _text(rows[:1])
            value, fit, digits = values.read_phone(text)
            fields["emergency_contact_phone"] = make_field(value, words, page, fit, digits)
        emergency = labels["emergency"]
        if emergency is not None:
            end = work.top - 0.2 * work.height if work else (labels["history"].top if labels["history"] else 1.0)
            rows = area.rows(emergency.page, column + 0.01, emergency.bottom + 0.2 * emergency.height, 1.0, end)
            text, words = _text(rows)
            fields["emergency_contact_address"] = make_field(text, words, emergency.page, values.text_fit(text))
        return fields

    def _choice(self, area: Area, label: str, until: str, choices, left=None, right=1.0) -> FieldResult:
        """The answer among `choices`: the best matching one or two words under the label."""
        page, rows = area.under(label, until, left=left, right=right)
        best = (None, 0.0, [])
        for row in rows:
            for start in range(len(row)):
                for size in (1, 2):
                    words = row[start:start + size]
                    value, fit, _ = values.read_choice(" ".join(w.text for w in words), choices)
                    if value in choices and fit > best[1]:
                        best = (value, fit, words)
        value, fit, words = best
        if value is None:
            text, words = _text(rows[:1])
            return make_field(text, words, page, 0.1)
        return make_field(value, words, page, fit)

    def _free_text(self, area: Area, label: str, until: str | None) -> FieldResult:
        page, rows = area.under(label, until)
        if area.labels.get(label) is not None and not rows:
            return blank_field(BLANK_CONFIDENCE)
        text, words = _text(rows)
        return make_field(text, words, page, values.text_fit(text))

    def _history(self, area: Area, labels) -> dict[str, FieldResult]:
        immune = ("IMMUNE", "NOT IMMUNE")
        measles = labels["measles"]
        split = _left_of(measles)
        return {
            "chicken_pox": self._choice(area, "chicken_pox", "hepatitis", immune, right=split),
            "measles": self._choice(area, "measles", "hepatitis", immune, left=split),
            "hepatitis_b_vaccination": self._choice(area, "hepatitis", "problems", ("Yes", "No"),
                                                    left=0.0),
            "medical_problems": self._free_text(area, "problems", None),
        }

    def _insurance(self, area: Area, labels) -> dict[str, FieldResult]:
        fields = {}
        expiry = labels["expiry"]
        split = _left_of(expiry)
        page, rows = area.under("company", "policy", right=split)
        text, words = _text(rows)
        fields["insurance_company"] = make_field(text, words, page, values.text_fit(text))
        page, rows = area.under("policy", "has_insurance", right=split)
        text, words = _text(rows[:1], " ")
        fields["policy_number"] = self._policy(text, words, page)
        company = labels["company"]
        if company is not None and expiry is not None and expiry.page == company.page:
            rows = area.rows(company.page, split, company.top - company.height, 1.0,
                             expiry.top - 0.2 * expiry.height)
            text, words = _text(rows)
            fields["insurance_address"] = make_field(text, words, company.page, values.text_fit(text))
        page, rows = area.under("expiry", "has_insurance", left=split)
        fields["insurance_expiry_date"] = self._date(page, rows)
        fields["has_insurance"] = self._choice(area, "has_insurance", "details", ("Yes", "No"))
        fields["allergies"] = self._free_text(area, "allergies", "medications")
        fields["regular_medications"] = self._free_text(area, "medications", None)
        return fields

    def _policy(self, text: str, words: list[Word], page) -> FieldResult:
        compact = text.replace(" ", "")
        digits = sum(c.isdigit() for c in compact)
        if compact and digits >= 0.6 * len(compact):
            repaired = values.as_digits(compact)
            fit = 1.0 if repaired == compact else 0.85
            return make_field(repaired, words, page, fit if repaired.isalnum() else 0.4)
        return make_field(strip_edges(text), words, page, 0.8 * values.text_fit(text))

