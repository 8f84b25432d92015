"""The patient record parser on OCR-like pages: labels found fuzzily on both pages and
columns, values bounded by the labels around them, marks and scraps left out."""
import pytest

from extraction.parsers import PARSERS
from extraction.parsers.base import find_label
from extraction.types import Word
from tests.extraction.layout import THRESHOLD, Rereads, page, record_pages, values_of


def test_patient_record_fields_from_both_columns_and_pages():
    fields = PARSERS["patient_details"].parse(record_pages())
    assert values_of(fields) == {
        "record_date": "17/12/2020",
        "patient_name": "Jane Doe",
        "birth_date": "Jun 3 1980",
        "phone_number": "(212) 555-0147",
        "patient_address": "12 Elm St, Dover, 19901, United States",
        "weight": 61,
        "height": 170,
        "emergency_contact_name": "John Doe",
        "emergency_contact_phone": "(990) 375-4621",
        "emergency_contact_address": "14 Oak Rd, Dover, Delaware, 19901, United States",
        "chicken_pox": "IMMUNE",
        "measles": "NOT IMMUNE",
        "hepatitis_b_vaccination": "Yes",
        "medical_problems": "Asthma",
        "insurance_company": "Harbor Insurance Company",
        "policy_number": "12045578",
        "insurance_address": "9 Bay Rd, Salem, Oregon, 97301",
        "insurance_expiry_date": "1 March 2027",
        "has_insurance": "Yes",
        "allergies": "Latex",
        "regular_medications": "Insulin",
    }
    assert fields["phone_number"].normalized == "2125550147"
    assert fields["insurance_expiry_date"].normalized == "2027-03-01"
    assert fields["policy_number"].page == 2
    assert fields["emergency_contact_name"].confidence >= THRESHOLD
    # Repaired readings are right but sent to a reviewer.
    assert fields["insurance_company"].confidence < THRESHOLD


def test_a_label_read_too_badly_to_find_does_not_take_a_look_alike_labels_words():
    # "Weight:" is as close to "Height" as the tesseract output "Hc1qht:" is not: the
    # weight keeps its label, and the height is found by its place, for a reviewer to check.
    fields = PARSERS["patient_details"].parse(record_pages(height_label="Hc1qht:"))
    assert fields["weight"].value == 61
    assert fields["weight"].confidence >= THRESHOLD
    assert fields["height"].value == 170
    assert fields["height"].bbox == [0.505, 0.305, 0.505 + 0.011 * 3, 0.305 + 0.018]
    assert fields["height"].confidence == 0.72
    assert fields["height"].confidence < THRESHOLD


def test_a_weight_whose_label_was_not_read_is_the_lone_number_above_the_height():
    fields = PARSERS["patient_details"].parse(record_pages(weight_label=None))
    assert (fields["birth_date"].value, fields["weight"].value, fields["height"].value) == ("Jun 3 1980", 61, 170)
    assert fields["weight"].confidence < THRESHOLD <= fields["height"].confidence


def test_a_label_tesseract_broke_in_two_still_ends_the_value_above_and_starts_its_own():
    pages = record_pages(medications_label=("List any medication tak", "en regularly:"))
    # The last word's box swallowed a speck below it, reaching over the value's middle.
    word = next(w for w in pages[1].words if w.text == "regularly:")
    word.bbox = (word.bbox[0], word.bbox[1] - 0.01, word.bbox[2], 0.775)
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["allergies"].value == "Latex"
    assert fields["regular_medications"].value == "Insulin"
    assert fields["regular_medications"].bbox == [0.092, 0.76, 0.092 + 0.011 * 7, 0.76 + 0.018]


def test_a_label_tesseract_broke_in_two_on_a_sloping_line_is_still_found():
    pages = record_pages(medications_label=("List any medication", "taken regularly:"))
    # A photo's line rising to the right: the second piece sits higher than the first,
    # level with it only where the two meet.
    for word in pages[1].words:
        if abs(word.bbox[1] - 0.708) < 0.001:
            lift = 0.07 * (word.bbox[0] - 0.092)
            word.bbox = (word.bbox[0], word.bbox[1] - lift, word.bbox[2], word.bbox[3] - lift)
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["allergies"].value == "Latex"
    assert fields["regular_medications"].value == "Insulin"


def test_a_long_label_that_lost_a_word_is_still_found():
    pages = record_pages()
    pages[1].words = [w for w in pages[1].words if not (w.text == "Do" and abs(w.bbox[1] - 0.38) < 0.001)]
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["has_insurance"].value == "Yes"
    assert fields["has_insurance"].bbox == [0.10, 0.435, 0.10 + 0.011 * 3, 0.435 + 0.018]


def test_a_value_one_word_short_of_a_label_is_not_taken_for_it():
    pages = [page(1, [(0.19, [(0.10, "Harmon Insurance Company")]), (0.25, [(0.10, "you have medical insurance?")])])]
    assert find_label(pages, "Name of Insurance Company") is None
    found = find_label(pages, "Do you have medical insurance?")
    assert [w.text for w in found.words] == ["you", "have", "medical", "insurance?"]


def test_a_page_edge_read_again_as_a_letter_is_not_part_of_the_value():
    pages = record_pages()
    company = [w for w in pages[1].words if 0.18 < w.bbox[1] < 0.2]
    for word in company:
        word.confidence = 0.5  # unsure: the region is read again
    # The page-wide pass saw the edge of the sheet beside the value as one tall unreadable mark.
    pages[1].words.append(Word("f", 0.0, (0.05, 0.12, 0.09, 0.26), 99))
    pages[1].reader = Rereads([Word("F", 0.93, (0.07, 0.19, 0.08, 0.208), 0)]
                              + [Word(w.text.replace("tnsurance", "Insurance"), 0.95, w.bbox, 0) for w in company])
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["insurance_company"].value == "Harbor Insurance Company"
    assert fields["insurance_company"].bbox == [0.10, 0.19, 0.10 + 0.011 * 24, 0.19 + 0.018]


def test_the_edge_of_the_sheet_read_surely_as_a_tall_letter_is_not_part_of_the_value():
    pages = record_pages()
    # Beside the value, the edge of a photographed sheet, read with some confidence as an "f"
    # twice as tall as the value's words.
    pages[1].words.append(Word("f", 0.79, (0.075, 0.183, 0.095, 0.221), 97))
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["insurance_company"].value == "Harbor Insurance Company"
    assert fields["insurance_company"].bbox == [0.10, 0.19, 0.10 + 0.011 * 24, 0.19 + 0.018]


@pytest.mark.parametrize("text, height", [
    ("J", 1.5),  # a capital with a descender: half as tall again as the row's words
    ("Co", 1.9),  # two letters with a speck above them in their box
])
def test_a_short_word_taller_than_its_row_stays_in_the_value(text, height):
    pages = record_pages()
    company = [w for w in pages[1].words if 0.18 < w.bbox[1] < 0.2]
    pages[1].words.append(Word(text, 0.9, (0.375, 0.19 + 0.018 * (1 - height), 0.375 + 0.011 * len(text), 0.19 + 0.018),
                               company[0].line))
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["insurance_company"].value == f"Harbor Insurance Company {text}"


def test_scraps_of_a_smudge_above_an_address_are_not_part_of_it():
    pages = record_pages()
    pages[1].words += [Word("es", 0.6, (0.525, 0.185, 0.547, 0.2), 98), Word("ee", 0.5, (0.55, 0.185, 0.572, 0.2), 98)]
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["insurance_address"].value == "9 Bay Rd, Salem, Oregon, 97301"
    assert fields["insurance_address"].bbox[1] == 0.205


def test_blank_optional_fields_are_null_and_confidently_blank():
    fields = PARSERS["patient_details"].parse(record_pages(contact_phone=None, allergies=None))
    assert fields["emergency_contact_phone"].value is None
    assert fields["emergency_contact_phone"].confidence == 0.9
    assert fields["allergies"].value is None
    assert fields["regular_medications"].value == "Insulin"


def test_a_word_read_again_at_the_side_of_its_crop_is_a_piece_of_something_cut():
    from extraction.parsers.rereads import region_rows

    sheet = page(2, [(0.19, [(0.10, "Harbor Insurance Company")])], width=2000)
    sheet.reader = Rereads([
        Word("F", 0.89, (0.0801, 0.19, 0.087, 0.208), 0),  # starts on the crop's left side
        Word("Harbor", 0.95, (0.10, 0.19, 0.166, 0.208), 0),
        Word("Company", 0.95, (0.25, 0.19, 0.3, 0.208), 0),
        Word("|", 0.7, (0.318, 0.19, 0.3199, 0.208), 0),  # ends on its right side
    ])
    rows = region_rows(sheet, 0.08, 0.17, 0.32, 0.23, view="smooth")
    assert [[w.text for w in row] for row in rows] == [["Harbor", "Company"]]


def test_a_word_read_again_at_the_side_of_its_crop_stays_where_the_page_pass_read_a_word():
    from extraction.parsers.rereads import region_rows

    sheet = page(2, [(0.19, [(0.081, "Harbor Insurance Company")])], width=2000)
    # Tesseract took a speck at the crop's side into the word: it is still the word.
    sheet.reader = Rereads([Word("Harbor", 0.6, (0.0801, 0.19, 0.15, 0.208), 0),
                            Word("Insurance", 0.95, (0.158, 0.19, 0.257, 0.208), 0)])
    rows = region_rows(sheet, 0.08, 0.17, 0.32, 0.23, view="smooth")
    assert [[w.text for w in row] for row in rows] == [["Harbor", "Insurance"]]


def test_a_region_read_again_as_empty_is_a_failed_reading_where_words_were_read():
    def medications(text, confidence):
        pages = record_pages()
        word = next(w for w in pages[1].words if w.text == "Insulin")
        word.text, word.confidence = text, confidence  # unsure: the region is read again
        pages[1].reader = Rereads([])  # and the second reading finds nothing there
        return PARSERS["patient_details"].parse(pages)["regular_medications"]

    read = medications("Aspirin", 0.65)
    assert (read.value, read.confidence) == ("Aspirin", 0.65)
    # Scraps of a smudge are not words: the empty second reading says the field is blank.
    smudge = medications("ae", 0.5)
    assert smudge.value is None
    assert smudge.confidence < THRESHOLD
