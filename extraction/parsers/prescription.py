"""Fields of a doctor's prescription sheet.

The sheet: a centred letterhead (prescriber, street, city and phone), a row
"Name: ... Date: ...", a row "Address: ...", the Rx sign, one medicine per
line, "Directions:" with free text below it, and "Refill: _ times".
"""
from __future__ import annotations

import re

from extraction.fields import PRESCRIPTION
from extraction.parsers import values
from extraction.parsers.base import (
    Span, blank_field, clean_rows, find_label, make_field, row_text, rows_of, strip_edges, words_in,
)
from extraction.types import FieldResult, PageResult, Word

_PRESCRIBER = re.compile(r"^(dr\b|doctor\b)|\bm\.?\s?d\b|\bd\.?o\b|\bmbbs\b", re.IGNORECASE)


def _same_row(page: PageResult, label: Span, right_limit: float = 1.0) -> list[Word]:
    """Words right of a label on its row (the value written on the label's line)."""
    margin = label.height * 0.8
    words = words_in(page, label.right, label.top - margin, right_limit, label.bottom + margin)
    return [w for w in words if w not in label.words]


def _value(page: PageResult, words: list[Word]) -> tuple[str, list[Word]]:
    rows = clean_rows(rows_of(words))
    kept = [w for row in rows for w in row]
    return strip_edges(" ".join(row_text(r) for r in rows)), kept


class PrescriptionParser:
    kind = PRESCRIPTION

    def parse(self, pages: list[PageResult]) -> dict[str, FieldResult]:
        fields = {name: blank_field() for name in
                  ("prescriber_name", "prescription_date", "patient_name", "patient_address",
                   "medicines", "directions", "refills")}
        name = find_label(pages, "Name:")
        if name is None:
            return fields
        page = next(p for p in pages if p.number == name.page)
        date = find_label(pages, "Date:", page=page.number)
        address = find_label(pages, "Address:", page=page.number, below=name.bottom)
        directions = find_label(pages, "Directions:", page=page.number, below=name.bottom)
        refill = find_label(pages, "Refill:", page=page.number, below=name.bottom)

        fields["prescriber_name"] = self._prescriber(page, name)
        same_row_date = date if date and abs(date.top - name.top) < 2 * name.height else None
        patient_words = _same_row(page, name, same_row_date.left if same_row_date else 1.0)
        text, words = _value(page, patient_words)
        fields["patient_name"] = make_field(text, words, page.number, values.name_fit(text))
        if same_row_date:
            text, words = _value(page, _same_row(page, same_row_date))
            value, fit, iso = values.read_date(text)
            fields["prescription_date"] = make_field(value, words, page.number, fit, iso)
        if address:
            text, words = _value(page, _same_row(page, address))
            fields["patient_address"] = make_field(text, words, page.number, values.text_fit(text))
        top = address.bottom + address.height if address else name.bottom + 3 * name.height
        if directions:
            fields["medicines"] = self._medicines(page, directions, top)
            bottom = refill.top - 0.5 * refill.height if refill else 1.0
            fields["directions"] = self._directions(page, directions, bottom)
        if refill:
            fields["refills"] = self._refills(page, refill)
        return fields

    def _prescriber(self, page: PageResult, name: Span) -> FieldResult:
        rows = clean_rows(rows_of(words_in(page, 0.0, 0.0, 1.0, name.top - 0.5 * name.height)))
        if not rows:
            return blank_field()
        row = next((r for r in rows if _PRESCRIBER.search(row_text(r))), rows[0])
        text = strip_edges(row_text(row))
        fit = 1.0 if _PRESCRIBER.search(text) else 0.6
        return make_field(text, row, page.number, fit * values.text_fit(text))

    def _medicines(self, page: PageResult, directions: Span, top: float) -> FieldResult:
        left = directions.left - 2 * directions.height
        rows = clean_rows(rows_of(words_in(page, left, top, 1.0, directions.top - 0.3 * directions.height)))
        lines, words, fit = [], [], 1.0
        for row in rows:
            text = strip_edges(row_text(row))
            if not re.search(r"[A-Za-z]{3,}", text):
                continue  # the Rx sign and specks
            text, repaired = values.repair_doses(text)
            fit *= 0.95 if repaired else 1.0
            if not re.search(r"\d", text):
                fit *= 0.8  # a medicine line normally carries its dose
            lines.append(text)
            words.extend(row)
        if not lines:
            return blank_field()
        return make_field(lines, words, page.number, fit * values.text_fit(" ".join(lines)))

    def _directions(self, page: PageResult, directions: Span, bottom: float) -> FieldResult:
        left = directions.left - 2 * directions.height
        region = words_in(page, left, directions.bottom + 0.2 * directions.height, 1.0, bottom)
        rows = clean_rows(rows_of(region))
        if not rows:
            return blank_field()
        text = strip_edges(" ".join(values.repair_doses(row_text(r))[0] for r in rows))
        words = [w for row in rows for w in row]
        return make_field(text, words, page.number, values.text_fit(text))

    def _refills(self, page: PageResult, refill: Span) -> FieldResult:
        times = find_label([page], "times", below=refill.top - refill.height)
        right = times.left if times and abs(times.top - refill.top) < 2 * refill.height else 1.0
        words = _same_row(page, refill, right)
        text = " ".join(w.text for w in words).strip("_ ")
        value, fit, _ = values.read_integer(text, 0, 99)
        if value is None:
            return blank_field()
        kept = [w for w in words if re.search(r"\w", w.text)] or words
        return make_field(value, kept, page.number, fit)
