"""Fields of the two-page "Patient Medical Record" form.

Every value is printed under its label, in one of two columns, so each field
is read from the rectangle between its label and the next label below it,
bounded by the column. Labels are found by fuzzy matching, on any page.
"""
from __future__ import annotations

import re

from extraction.fields import PATIENT_DETAILS, field_names
from extraction.parsers import addresses, values
from extraction.parsers.base import (
    Span, blank_field, column_split, find_label, make_field, row_text, strip_edges,
)
from extraction.parsers.rereads import read_field
from extraction.ocr import text_quality
from extraction.types import FieldResult, PageResult, Word

# `left=MARGIN`: the value starts under the beginning of its label's line.
MARGIN = -1.0
# How sure the engine is that an optional field really is blank when its area has no text.
BLANK_CONFIDENCE = 0.9
# Bounds of a weight (kg or lb) and a height (cm).
WEIGHT, HEIGHT = (1, 400), (30, 250)
# A value found by its place alone, its label unread, is sent to a reviewer.
UNLABELLED_FIT = 0.75
_LONE_NUMBER = re.compile(r"^[\dOoIlSB]{1,3}$")
# A row that is a phone number, even misread: digits (or look-alikes) and ()-. only.
_PHONEISH = re.compile(r"^[\dOoIlSB()\-.+]{7,}$")

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
    """Reads the value rows inside rectangles of the pages, bounded by the labels."""

    def __init__(self, pages: list[PageResult], labels: dict[str, Span | None]):
        self.pages = {p.number: p for p in pages}
        self.labels = labels

    @staticmethod
    def limited(rows: list[list[Word]], limit: int) -> list[list[Word]]:
        """The first `limit` rows, stopping at a wide vertical gap (the end of a value)."""
        kept: list[list[Word]] = []
        for row in rows:
            if kept:
                height = max(w.bbox[3] - w.bbox[1] for w in kept[-1])
                if min(w.bbox[1] for w in row) - max(w.bbox[3] for w in kept[-1]) > 2.5 * height:
                    break
            kept.append(row)
        return kept[:limit]

    def next_label_top(self, label: Span, left: float, right: float) -> float:
        """The top of the nearest other label below `label` that reaches into [left, right]."""
        tops = [other.top for other in self.labels.values()
                if other is not None and other is not label and other.page == label.page
                and other.top > label.bottom and other.left < right and other.right > left]
        return min(tops, default=1.0)

    def rect_under(self, label: Span, left: float | None, right: float) -> tuple[float, float, float, float]:
        if left == MARGIN:  # the answer sits under the start of the question's line
            left = max(0.0, (label.line_start if label.line_start is not None else label.left) - 0.04)
        start = max(0.0, label.left - 0.03) if left is None else left
        bottom = self.next_label_top(label, start, right) - 0.1 * label.height
        return start, label.bottom + 0.1 * label.height, right, bottom

    def field(self, name: str, build, left: float | None = None, right: float = 1.0,
              limit: int = 4, near: float | None = None) -> FieldResult:
        """`build(page, rows)` from the rows under label `name`, read again if unsure.
        With `near`, a value must start within that many label heights under the label
        (a short answer further down belongs to the next label, whose own was not read)."""
        label = self.labels.get(name)
        if label is None:
            return blank_field()
        rect = self.rect_under(label, left, right)
        if rect[1] >= rect[3] or rect[0] >= rect[2]:
            return blank_field()
        page = self.pages[label.page]

        def rows_for(rows):
            rows = self.limited(rows, limit)
            if near is not None and rows and min(w.bbox[1] for w in rows[0]) - label.bottom > near * label.height:
                return []
            return rows
        result = read_field(page, rect, lambda rows: build(label.page, rows_for(rows)))
        if result.value is None and result.confidence > 0:
            # An empty answer is only as certain as the page was readable.
            result.confidence *= min(1.0, text_quality(page.words) / 0.6)
        return result

    def split(self, right_label: str, top_label: str, bottom_label: str | None, fallback: float = 0.49) -> float:
        """Where the left column ends, beside `right_label`, between two labels' heights."""
        right, top = self.labels.get(right_label), self.labels.get(top_label)
        if right is None or top is None or right.page != top.page:
            return fallback
        bottom = self.labels.get(bottom_label) if bottom_label else None
        end = bottom.top if bottom is not None and bottom.page == top.page and bottom.top > top.bottom else 1.0
        return column_split(self.pages[top.page], top.top, end, right.left)


def _text(rows: list[list[Word]], joiner: str = ", ") -> tuple[str, list[Word]]:
    parts = []
    for row in rows:
        line = strip_edges(row_text(row)) if joiner == ", " else row_text(row)
        if parts and joiner == ", " and parts[-1].endswith(","):
            parts[-1] = parts[-1][:-1]
        parts.append(line)
    return strip_edges(joiner.join(p for p in parts if p)), [w for row in rows for w in row]



def _phone_at(rows: list[list[Word]]) -> int | None:
    return next((i for i, row in enumerate(rows[1:], start=1)
                 if _PHONEISH.match(row_text(row).replace(" ", ""))
                 and sum(c.isdigit() for c in row_text(row)) >= 6), None)


def name_field(page, rows) -> FieldResult:
    text, words = _text(rows[:1])
    text, repaired = values.repair_title_case(text, capital_i_only=True)
    return make_field(text, words, page, values.name_fit(text) * (values.REPAIRED_CASE_FIT if repaired else 1.0))


def company_field(page, rows) -> FieldResult:
    text, words = _text(rows)
    text, repaired = values.repair_title_case(text)
    return make_field(text, words, page, values.text_fit(text) * (values.REPAIRED_CASE_FIT if repaired else 1.0))


def date_field(page, rows) -> FieldResult:
    text, words = _text(rows[:1], " ")
    value, fit, iso = values.read_date(text)
    return make_field(value, words, page, fit, iso)


def phone_field(page, rows) -> FieldResult:
    text, words = _text(rows[:1])
    value, fit, digits = values.read_phone(text)
    return make_field(value, words, page, fit, digits)


def text_field(page, rows) -> FieldResult:
    text, words = _text(rows)
    return make_field(text, words, page, values.text_fit(text))


def _junk(row: list[Word]) -> bool:
    """A row of nothing but one- and two-letter scraps: a smudge read as letters."""
    return all(len(re.sub(r"[^A-Za-z0-9]", "", w.text)) <= 2 and not re.search(r"\d", w.text) for w in row)


def address_field(page, rows) -> FieldResult:
    while rows and _junk(rows[0]):  # an address starts with a number or a word
        rows = rows[1:]
    text, words = _text(rows)
    text, repaired = addresses.repair_address(text)
    return make_field(text, words, page, values.text_fit(text) * (0.95 if repaired else 1.0))


def optional_text_field(page, rows) -> FieldResult:
    """Free text that may be left blank: an empty area is a confident blank."""
    return text_field(page, rows) if rows else blank_field(BLANK_CONFIDENCE)


def integer_field(low: int, high: int):
    def build(page, rows) -> FieldResult:
        text, words = _text(rows[:1])
        value, fit, _ = values.read_integer(text, low, high)
        return make_field(value, words, page, fit) if value is not None else blank_field()
    return build


def choice_field(choices: tuple[str, ...]):
    """The answer among `choices`: the best matching one or two words."""
    def build(page, rows) -> FieldResult:
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
    return build


def policy_field(page, rows) -> FieldResult:
    text, words = _text(rows[:1], " ")
    compact = text.replace(" ", "")
    digits = sum(c.isdigit() for c in compact)
    if compact and digits >= 0.6 * len(compact):
        repaired = values.as_digits(compact)
        fit = 1.0 if repaired == compact else 0.85
        return make_field(repaired, words, page, fit if repaired.isalnum() else 0.4)
    return make_field(strip_edges(text), words, page, 0.8 * values.text_fit(text))


def patient_block_field(part: str):
    """Name, phone and address printed one under the other below "Patient Information"."""
    def build(page, rows) -> FieldResult:
        at = _phone_at(rows)
        if part == "name":
            return name_field(page, rows[:1])
        if at is None:
            return blank_field()
        return phone_field(page, [rows[at]]) if part == "phone" else address_field(page, rows[at + 1:])
    return build


def distinct(labels: dict[str, Span | None]) -> dict[str, Span | None]:
    """Each printed word is one label's at most: when two labels were matched on the same
    words ("Weight:" is close enough to "Height" when the real "Height:" reads badly),
    the closer match keeps them and the other label is not found."""
    owner: dict[int, str] = {}
    for key, span in sorted(((k, s) for k, s in labels.items() if s is not None), key=lambda ks: -ks[1].score):
        if any(id(word) in owner for word in span.words):
            labels[key] = None
            continue
        owner.update((id(word), key) for word in span.words)
    return labels


class PatientDetailsParser:
    kind = PATIENT_DETAILS

    def parse(self, pages: list[PageResult]) -> dict[str, FieldResult]:
        labels = distinct({key: find_label(pages, phrase) for key, phrase in LABELS.items()})
        area = Area(pages, labels)
        fields = {name: blank_field() for name in field_names(PATIENT_DETAILS)}
        fields["record_date"] = self._record_date(area, labels)
        fields.update(self._patient(area))
        fields.update(self._emergency(area, labels))
        fields.update(self._history(area))
        fields.update(self._insurance(area, labels))
        return fields

    def _record_date(self, area: Area, labels) -> FieldResult:
        title = labels["title"]
        if title is None:
            return blank_field()

        def build(rows):
            # The date stands alone at the top right; specks of a scan's edge may sit beside it.
            best = blank_field()
            for row in rows:
                words = [w for w in row if w.bbox[0] > title.right - 0.05 and re.search(r"\w", w.text)]
                for start in range(len(words)):
                    for size in (1, 2, 3):
                        candidate = date_field(title.page, [words[start:start + size]])
                        if candidate.value is not None and candidate.confidence > best.confidence:
                            best = candidate
            return best
        top = max(0.0, title.top - 6 * title.height)
        # The form's smallest print: read again at twice its size as well.
        return read_field(area.pages[title.page], (0.0, top, 1.0, title.top + 0.3 * title.height), build,
                          views=("smooth", "enlarged"))

    def _patient(self, area: Area) -> dict[str, FieldResult]:
        split = area.split("birth", "info", "emergency")
        return {
            "patient_name": area.field("info", patient_block_field("name"), right=split, limit=6),
            "phone_number": area.field("info", patient_block_field("phone"), right=split, limit=6),
            "patient_address": area.field("info", patient_block_field("address"), right=split, limit=6),
            "birth_date": area.field("birth", date_field, left=split, limit=1, near=3),
            "weight": area.field("weight", integer_field(*WEIGHT), left=split, limit=1, near=3)
            if area.labels.get("weight") else self._unlabelled_number(area, "birth", "height", split, WEIGHT),
            "height": area.field("height", integer_field(*HEIGHT), left=split, limit=1, near=3)
            if area.labels.get("height") else self._unlabelled_number(area, "weight", "emergency", split, HEIGHT),
        }

    @staticmethod
    def _unlabelled_number(area: Area, above: str, below: str, left: float, bounds: tuple[int, int]) -> FieldResult:
        """A number whose faint label was not read: the last row that is a lone number
        between the value of the label `above` it and the label `below` it, in the column
        from `left`; less sure than a labelled one."""
        top, bottom = area.labels.get(above), area.labels.get(below)
        if top is None or bottom is None or top.page != bottom.page or bottom.top <= top.bottom:
            return blank_field()

        def build(rows):
            for row in reversed(rows[1:]):  # the first row is the value of the label above
                if len(row) == 1 and _LONE_NUMBER.match(row[0].text):
                    value, fit, _ = values.read_integer(row[0].text, *bounds)
                    if value is not None:
                        return make_field(value, row, top.page, fit * UNLABELLED_FIT)
            return blank_field()
        rect = (left, top.bottom + 0.1 * top.height, 1.0, bottom.top - 0.1 * bottom.height)
        return read_field(area.pages[top.page], rect, build)

    def _emergency(self, area: Area, labels) -> dict[str, FieldResult]:
        split = area.split("work_phone", "emergency", "history")
        phone = blank_field()
        if labels["home_phone"] is not None:
            phone = area.field("home_phone", lambda page, rows: phone_field(page, rows) if rows
                               else blank_field(BLANK_CONFIDENCE), right=split, limit=1)
        return {
            "emergency_contact_name": area.field("emergency", name_field, left=MARGIN, right=split, limit=1),
            "emergency_contact_phone": phone,
            "emergency_contact_address": area.field("emergency", address_field, left=split, limit=4),
        }

    def _history(self, area: Area) -> dict[str, FieldResult]:
        immune = ("IMMUNE", "NOT IMMUNE")
        split = area.split("measles", "history", "hepatitis")
        return {
            "chicken_pox": area.field("chicken_pox", choice_field(immune), left=MARGIN, right=split, limit=2),
            "measles": self._measles(area, immune, split),
            "hepatitis_b_vaccination": area.field("hepatitis", choice_field(("Yes", "No")), left=MARGIN, limit=2),
            "medical_problems": area.field("problems", optional_text_field, left=MARGIN, limit=3),
        }

    @staticmethod
    def _measles(area: Area, immune, split: float) -> FieldResult:
        """Beside chicken pox; when its faint label was not read, the answer is still
        the right-hand column between the history header and the hepatitis question."""
        if area.labels.get("measles") is not None:
            return area.field("measles", choice_field(immune), left=split, limit=2)
        chicken, hepatitis = area.labels.get("chicken_pox"), area.labels.get("hepatitis")
        if chicken is None or hepatitis is None or chicken.page != hepatitis.page:
            return blank_field()
        history = area.labels.get("history")
        top = history.bottom if history is not None and history.page == chicken.page else chicken.top - 2 * chicken.height
        rect = (max(split, chicken.right), top, 1.0, hepatitis.top - 0.1 * hepatitis.height)
        return read_field(area.pages[chicken.page], rect, lambda rows: choice_field(immune)(chicken.page, rows[-2:]))

    def _insurance(self, area: Area, labels) -> dict[str, FieldResult]:
        split = area.split("expiry", "company", "has_insurance")
        fields = {
            "insurance_company": area.field("company", company_field, right=split, limit=2),
            "policy_number": area.field("policy", policy_field, right=split, limit=1),
            "insurance_expiry_date": area.field("expiry", date_field, left=split, limit=1),
            "has_insurance": area.field("has_insurance", choice_field(("Yes", "No")), left=MARGIN, limit=2),
            "allergies": area.field("allergies", optional_text_field, left=MARGIN, limit=3),
            "regular_medications": area.field("medications", optional_text_field, left=MARGIN, limit=3),
        }
        company, expiry = labels["company"], labels["expiry"]
        if company is not None and expiry is not None and expiry.page == company.page:
            rect = (split, company.top - company.height, 1.0, expiry.top - 0.1 * expiry.height)
            fields["insurance_address"] = read_field(area.pages[company.page], rect,
                                                     lambda rows: address_field(company.page, rows))
        return fields
