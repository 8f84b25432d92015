"""Fields of a doctor's prescription sheet.

The sheet: a centred letterhead (prescriber, street, city and phone), a row
"Name: ... Date: ...", a row "Address: ...", the Rx sign, one medicine per
line, "Directions:" with free text below it, and "Refill: _ times".
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extraction.fields import PRESCRIPTION
from extraction.parsers import addresses, values
from extraction.parsers.base import Span, blank_field, find_label, make_field, row_text, rows_of, strip_edges, token
from extraction.parsers.rereads import DISAGREEMENT_FACTOR, read_field
from extraction.types import FieldResult, PageResult, Word

_PRESCRIBER = re.compile(r"^(dr\b|doctor\b)|\bm\.?\s?d\b|\bd\.?o\b|\bmbbs\b", re.IGNORECASE)
_EDGE_MARKS = " .,;:-()'\""
FIELDS = ("prescriber_name", "prescription_date", "patient_name", "patient_address",
          "medicines", "directions", "refills")


_MISREAD_DOCTOR = re.compile(r"^(?:Or|0r|Br|D r|Dt|Dn)(?=\.?\s+[A-Z])")
# A comma or colon right after the opening title is its full stop misread.
_MISREAD_TITLE_STOP = re.compile(r"^(Dr)[,:;](?=\s+[A-Z])")
# "M.O" (or "M.0") closing the name is the degree "M.D" with its D read round: no
# prescriber's degree is written M.O.
_MISREAD_DEGREE = re.compile(r"(,\s*M\.\s?)[O0](\.?)$")
# The fit of medicines with a strength touching its number (values.glued_unit): below
# the review threshold however sure the words, as the spacing cannot be told from OCR.
GLUED_UNIT_FIT = 0.75


def _doctor(text: str) -> tuple[str, bool]:
    """The title that opens a prescriber's name and the degree that closes it: "Or John"
    or "0r John" is "Dr John", "Dr, John" is "Dr. John" and "..., M.O" is "..., M.D"."""
    fixed = _MISREAD_TITLE_STOP.sub(r"\1.", _MISREAD_DOCTOR.sub("Dr", text))
    fixed = _MISREAD_DEGREE.sub(r"\1D\2", fixed)
    return fixed, fixed != text


def beside(label: Span, right: float = 1.0) -> tuple[float, float, float, float]:
    """The rectangle right of a label, on its line."""
    margin = label.height * 0.8
    return label.right + 0.003, label.top - margin, right, label.bottom + margin


def _joined(rows: list[list[Word]]) -> tuple[str, list[Word]]:
    rows = [row for row in rows if row]
    return strip_edges(" ".join(row_text(r) for r in rows)), [w for row in rows for w in row]


def _on_label_row(rows: list[list[Word]], label: Span) -> list[list[Word]]:
    """The row nearest the label's own line (underlines and specks make others)."""
    if not rows:
        return []
    centre = (label.top + label.bottom) / 2
    return [min(rows, key=lambda row: abs((row[0].bbox[1] + row[0].bbox[3]) / 2 - centre))]


# How far left of "times" the refill count is looked for when its "Refill:" was not read
# (a fraction of the page's width: the blank for the count is a few letters wide).
COUNT_REACH = 0.1
# A count found by the word after it only: below the review threshold however clear.
LABEL_UNREAD_FIT = 0.75


def _refill_closing(page: PageResult, below: float) -> Span | None:
    """The "times" closing the refill line ("Refill: _2_ times"), for when its label was
    misread: the lowest "times" below `below` that ends a row lying in the right half of
    the page (a "times" in the directions runs on, "3 times a day", or ends a row
    that begins at the left margin)."""
    found = None
    for row in rows_of([w for w in page.words if w.bbox[1] >= below]):
        words = [w for w in row if re.search(r"[A-Za-z0-9]{2}", w.text)]
        if words and row[0].bbox[0] >= 0.5 and fuzz.ratio(token(words[-1].text), "times") >= 80:
            found = Span(page.number, [words[-1]])
    return found


def _nearest_before(rows: list[list[Word]], closing: Span) -> list[list[Word]]:
    """The word of these rows nearest the left of `closing`, on its row: the count."""
    before = [w for row in rows for w in row if w.bbox[2] <= closing.left + 0.003
              and closing.top - closing.height < (w.bbox[1] + w.bbox[3]) / 2 < closing.bottom + closing.height]
    return [[max(before, key=lambda w: w.bbox[2])]] if before else []


class PrescriptionParser:
    kind = PRESCRIPTION

    def parse(self, pages: list[PageResult]) -> dict[str, FieldResult]:
        fields = {name: blank_field() for name in FIELDS}
        name = find_label(pages, "Name:")
        if name is None:
            return fields
        page = next(p for p in pages if p.number == name.page)
        date = find_label(pages, "Date:", page=page.number)
        address = find_label(pages, "Address:", page=page.number, below=name.bottom)
        directions = find_label(pages, "Directions:", page=page.number, below=name.bottom)
        refill = find_label(pages, "Refill:", page=page.number, below=name.bottom)
        # The label misread, its line still ends in "times": the count is found before that.
        closing = None if refill else _refill_closing(page, below=(directions or name).bottom)
        same_row_date = date if date and abs(date.top - name.top) < 2 * name.height else None

        fields["prescriber_name"] = read_field(page, (0.0, 0.0, 1.0, name.top - 0.5 * name.height),
                                               lambda rows: self._prescriber(page.number, rows))
        fields["patient_name"] = read_field(
            page, beside(name, same_row_date.left - 0.01 if same_row_date else 1.0),
            lambda rows: self._name(page.number, _on_label_row(rows, name)))
        if same_row_date:
            fields["prescription_date"] = read_field(
                page, beside(same_row_date), lambda rows: self._date(page.number, _on_label_row(rows, same_row_date)))
        if address:
            fields["patient_address"] = read_field(
                page, beside(address), lambda rows: self._address(page.number, _on_label_row(rows, address)))
        top = address.bottom + address.height if address else name.bottom + 3 * name.height
        if directions:
            left = max(0.0, directions.left - 0.04)
            fields["medicines"] = read_field(page, (left, top, 1.0, directions.top - 0.3 * directions.height),
                                             lambda rows: self._medicines(page.number, rows))
            end = refill or closing
            bottom = end.top - 0.5 * end.height if end else 1.0
            fields["directions"] = read_field(page, (left, directions.bottom + 0.2 * directions.height, 1.0, bottom),
                                              lambda rows: self._directions(page.number, rows))
        if refill:
            times = find_label([page], "times", below=refill.top - refill.height)
            right = times.left - 0.003 if times and abs(times.top - refill.top) < 2 * refill.height else 1.0
            fields["refills"] = read_field(page, beside(refill, right),
                                           lambda rows: self._refills(page.number, _on_label_row(rows, refill)),
                                           single_line=True)
        elif closing:
            fields["refills"] = read_field(
                page, (closing.left - COUNT_REACH, closing.top - 0.8 * closing.height, closing.left - 0.003,
                       closing.bottom + 0.8 * closing.height),
                lambda rows: self._refills(page.number, _nearest_before(rows, closing), LABEL_UNREAD_FIT),
                single_line=True)
        return self._cross_checked(self._spaced_as_written(fields))

    @staticmethod
    def _spaced_as_written(fields: dict[str, FieldResult]) -> dict[str, FieldResult]:
        """OCR drops the narrow space in "1 g": a medicine's strength read against its number
        is written with the space when the prescription writes more of its strengths (in
        the medicines and the directions) with one than without. Its confidence stays
        below the review threshold (GLUED_UNIT_FIT): the spacing is inferred, not read."""
        medicines = fields["medicines"].value
        if not medicines:
            return fields
        spaced, glued = values.strength_spacing([*medicines, fields["directions"].value or ""])
        if glued and spaced > glued:
            fields["medicines"].value = [values.space_strengths(line) for line in medicines]
        return fields

    @staticmethod
    def _cross_checked(fields: dict[str, FieldResult]) -> dict[str, FieldResult]:
        """The directions name the medicines prescribed above them: a name spelt one letter
        differently in the two ("Lialda" and "Liatda") is misread in one of them, and
        tesseract is as sure of both, so both go to a reviewer."""
        medicines, directions = fields["medicines"].value, fields["directions"].value
        if not medicines or not directions:
            return fields
        names = {line.split()[0].casefold() for line in medicines if len(line.split()[0]) >= 4}
        used = {word.strip(_EDGE_MARKS).casefold() for word in directions.split()}
        if any(Levenshtein.distance(name, word) == 1 for name in names for word in used if len(word) >= 4):
            for key in ("medicines", "directions"):
                fields[key].confidence *= DISAGREEMENT_FACTOR
        return fields

    @staticmethod
    def _name(page: int, rows) -> FieldResult:
        text, words = _joined(rows)
        text, repaired = values.repair_title_case(text, capital_i_only=True)
        return make_field(text, words, page, values.name_fit(text) * (values.REPAIRED_CASE_FIT if repaired else 1.0))

    @staticmethod
    def _address(page: int, rows) -> FieldResult:
        text, words = _joined(rows)
        text, repaired = addresses.repair_address(text)
        return make_field(text, words, page, values.text_fit(text) * (0.95 if repaired else 1.0))

    @staticmethod
    def _date(page: int, rows) -> FieldResult:
        text, words = _joined(rows)
        value, fit, iso = values.read_date(text)
        return make_field(value, words, page, fit, iso)

    @staticmethod
    def _prescriber(page: int, rows) -> FieldResult:
        if not rows:
            return blank_field()
        row = next((r for r in rows if _PRESCRIBER.search(_doctor(row_text(r))[0])), rows[0])
        text, repaired = _doctor(strip_edges(row_text(row)))
        text, capitalised = values.repair_title_case(text, capital_i_only=True)
        fit = ((1.0 if _PRESCRIBER.search(text) else 0.6) * (0.9 if repaired else 1.0)
               * (values.REPAIRED_CASE_FIT if capitalised else 1.0))
        return make_field(text, row, page, fit * values.text_fit(text))

    @staticmethod
    def _medicines(page: int, rows) -> FieldResult:
        lines, words, fit = [], [], 1.0
        for row in rows:
            text = strip_edges(row_text(row))
            if not re.search(r"[A-Za-z]{3,}", text):
                continue  # the Rx sign and specks
            text, repaired = values.repair_doses(text, strength_last=True)
            fit *= 0.95 if repaired else 1.0
            fit *= GLUED_UNIT_FIT if values.glued_unit(text) else 1.0
            if not re.search(r"\d", text):
                fit *= 0.8  # a medicine line normally carries its dose
            lines.append(text)
            words.extend(row)
        if not lines:
            return blank_field()
        return make_field(lines, words, page, fit * values.text_fit(" ".join(lines)))

    @staticmethod
    def _directions(page: int, rows) -> FieldResult:
        if not rows:
            return blank_field()
        text = strip_edges(" ".join(values.repair_doses(row_text(r))[0] for r in rows))
        words = [w for row in rows for w in row]
        return make_field(text, words, page, values.text_fit(text))

    @staticmethod
    def _refills(page: int, rows, fit: float = 1.0) -> FieldResult:
        words = [w for row in rows for w in row if re.search(r"\w", w.text)]
        text = " ".join(w.text for w in words).strip("_ ")
        value, read_fit, _ = values.read_integer(text, 0, 99)
        if value is None:
            return blank_field()
        return make_field(value, words, page, fit * read_fit)
