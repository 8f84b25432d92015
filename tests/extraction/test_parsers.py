"""Parsers on OCR-like pages: labels found fuzzily, values repaired by their type,
confidence low where the reading is doubtful."""
import pytest

from extraction.parsers import PARSERS
from extraction.parsers.base import find_label
from extraction.types import Word
from tests.extraction.layout import Rereads, page

THRESHOLD = 0.8


def values_of(fields):
    return {name: result.value for name, result in fields.items()}


def prescription_page(name_confidence=0.96, refill_text="_2_", date_text="5/1l/2022",
                      medicines=("Amoxicillin 500 md", "Cetirizine 1O mg"), dash="-", degree="M.D",
                      directions="Amoxicillin, take 1 tablet", refill_label="Refill:"):
    return page(1, [
        (0.06, [(0.38, f"Dr Anna Berg, {degree}")]),
        (0.10, [(0.40, "12 Quay Street,")]),
        (0.135, [(0.33, "Leeds. Phone (000)-555-0101")]),
        (0.21, [(0.03, "Name:"), (0.16, "Tom Hale", name_confidence), (0.645, "Date:"), (0.74, date_text)]),
        (0.29, [(0.03, "Adress:"), (0.17, "4 mill lane, york, NY")]),  # a label misread
        (0.40, [(0.04, "R", 0.3)]),  # the Rx sign
        (0.47, [(0.167, medicines[0])]),
        (0.50, [(0.167, medicines[1])]),
        (0.575, [(0.163, "Directions:")]),
        (0.64, [(0.16, directions)]),
        (0.67, [(0.16, f"twice a day {dash} with food")]),
        (0.92, [(0.66, refill_label, 0.4), (0.745, refill_text), (0.80, "times")]),
    ])


def test_prescription_fields_with_ocr_confusions_repaired():
    fields = PARSERS["prescription"].parse([prescription_page()])
    assert values_of(fields) == {
        "prescriber_name": "Dr Anna Berg, M.D",
        "prescription_date": "5/11/2022",
        "patient_name": "Tom Hale",
        "patient_address": "4 mill lane, york, NY",
        "medicines": ["Amoxicillin 500 mg", "Cetirizine 10 mg"],
        "directions": "Amoxicillin, take 1 tablet twice a day - with food",
        "refills": 2,
    }
    assert fields["prescription_date"].normalized == "2022-11-05"
    assert fields["patient_name"].page == 1
    assert fields["patient_name"].bbox == [0.16, 0.21, 0.16 + 0.011 * 8, 0.21 + 0.018]
    assert all(result.confidence >= THRESHOLD for name, result in fields.items()
               if name not in ("medicines", "prescription_date", "refills"))


def test_a_dash_read_as_a_tilde_or_a_long_dash_is_the_dash():
    for reading in ("~", "\u2014", "\u2013"):
        fields = PARSERS["prescription"].parse([prescription_page(dash=reading)])
        assert fields["directions"].value == "Amoxicillin, take 1 tablet twice a day - with food"
        assert fields["directions"].confidence >= THRESHOLD


def test_a_medicine_spelt_differently_in_the_directions_sends_both_to_review():
    medicines = ("Amoxicillin 500 mg", "Cetirizine 10 mg")
    agreeing = PARSERS["prescription"].parse([prescription_page(medicines=medicines)])
    differing = PARSERS["prescription"].parse([prescription_page(
        medicines=medicines, directions="Amoxicilin, take 1 tablet")])
    assert agreeing["medicines"].confidence >= THRESHOLD and agreeing["directions"].confidence >= THRESHOLD
    assert differing["medicines"].value == ["Amoxicillin 500 mg", "Cetirizine 10 mg"]
    assert differing["directions"].value == "Amoxicilin, take 1 tablet twice a day - with food"
    assert differing["medicines"].confidence < THRESHOLD and differing["directions"].confidence < THRESHOLD


def test_a_sloping_line_that_tesseract_read_in_two_pieces_is_one_row_in_its_order():
    # A photo's line rising to the right, its end read as a line of its own: the end sits
    # higher on the page than the line's middle, but level with the word it follows.
    page = prescription_page(directions="Ciprofloxacin, reduce by 2 g every 3 days, stop")
    rise = 0.04  # over the width of the page
    for word in page.words:
        if abs(word.bbox[1] - 0.64) < 0.001:
            lift = rise * (word.bbox[0] - 0.16)
            word.bbox = (word.bbox[0], word.bbox[1] - lift, word.bbox[2], word.bbox[3] - lift)
    x = 0.16 + 0.011 * len("Ciprofloxacin, reduce by 2 g every 3 days, stop ")
    for text in ("after", "4", "weeks"):
        top = 0.64 - rise * (x - 0.16)
        page.words.append(Word(text, 0.96, (x, top, x + 0.011 * len(text), top + 0.018), 90))
        x += 0.011 * (len(text) + 1)
    fields = PARSERS["prescription"].parse([page])
    assert fields["directions"].value == ("Ciprofloxacin, reduce by 2 g every 3 days, stop after 4 weeks "
                                          "twice a day - with food")


def test_a_flat_mark_halfway_up_the_letters_is_a_dash_however_unsure_tesseract_was():
    flat, tall = prescription_page(), prescription_page()
    for sheet, (top, bottom) in ((flat, (0.678, 0.681)), (tall, (0.67, 0.688))):
        mark = next(w for w in sheet.words if w.text == "-")
        mark.text, mark.confidence, mark.bbox = "~", 0.22, (mark.bbox[0], top, mark.bbox[2], bottom)
    assert PARSERS["prescription"].parse([flat])["directions"].value == (
        "Amoxicillin, take 1 tablet twice a day - with food")
    # A mark as tall as the letters, read that unsurely, is a speck.
    assert PARSERS["prescription"].parse([tall])["directions"].value == (
        "Amoxicillin, take 1 tablet twice a day with food")


def test_the_degree_md_read_as_mo_is_repaired_a_little_less_sure():
    read = PARSERS["prescription"].parse([prescription_page()])["prescriber_name"]
    repaired = PARSERS["prescription"].parse([prescription_page(degree="M.O")])["prescriber_name"]
    assert (read.value, repaired.value) == ("Dr Anna Berg, M.D", "Dr Anna Berg, M.D")
    assert (read.confidence, repaired.confidence) == (0.96, 0.864)


def test_doubtful_prescription_values_score_below_the_threshold():
    fields = PARSERS["prescription"].parse([prescription_page(name_confidence=0.41, refill_text="7x",
                                                              date_text="45/19/2022")])
    assert fields["patient_name"].value == "Tom Hale"
    assert fields["patient_name"].confidence < THRESHOLD
    assert fields["prescription_date"].value == "45/19/2022"
    assert fields["prescription_date"].confidence < THRESHOLD


def test_a_strength_read_against_its_number_goes_to_review():
    spaced = PARSERS["prescription"].parse([prescription_page(medicines=("Ciprofloxacin 1 g", "Cetirizine 10 mg"))])
    glued = PARSERS["prescription"].parse([prescription_page(medicines=("Ciprofloxacin 1g", "Cetirizine 10 mg"))])
    assert spaced["medicines"].value == ["Ciprofloxacin 1 g", "Cetirizine 10 mg"]
    assert spaced["medicines"].confidence >= THRESHOLD
    assert glued["medicines"].value == ["Ciprofloxacin 1g", "Cetirizine 10 mg"]  # as read: one strength each way
    assert glued["medicines"].confidence < THRESHOLD


def test_a_strength_read_against_its_number_is_spaced_as_the_prescription_writes_the_others():
    spaced_elsewhere = PARSERS["prescription"].parse([prescription_page(
        medicines=("Ciprofloxacin 1g", "Cetirizine 10 mg"), directions="Cetirizine, take 5 mg")])
    assert spaced_elsewhere["medicines"].value == ["Ciprofloxacin 1 g", "Cetirizine 10 mg"]
    assert spaced_elsewhere["medicines"].confidence < THRESHOLD  # the space is inferred, not read
    assert spaced_elsewhere["directions"].value == "Cetirizine, take 5 mg twice a day - with food"
    glued_everywhere = PARSERS["prescription"].parse([prescription_page(
        medicines=("Ciprofloxacin 1g", "Cetirizine 10mg"), directions="Cetirizine, take 5 mg")])
    assert glued_everywhere["medicines"].value == ["Ciprofloxacin 1g", "Cetirizine 10mg"]
    assert glued_everywhere["medicines"].confidence < THRESHOLD


def test_a_refill_count_whose_label_was_misread_is_found_before_times_and_sent_to_review():
    fields = PARSERS["prescription"].parse([prescription_page(refill_label='"i', refill_text="8")])
    assert fields["refills"].value == 8
    assert fields["refills"].confidence < THRESHOLD
    assert fields["refills"].bbox == [0.745, 0.92, 0.745 + 0.011, 0.92 + 0.018]
    assert fields["directions"].value == "Amoxicillin, take 1 tablet twice a day - with food"


def test_times_in_the_directions_is_not_taken_for_the_refill_line():
    for directions, expected in [
        ("Amoxicillin, take one tablet by mouth 3 times a day", "3 times a day twice a day - with food"),
        ("Amoxicillin, take one tablet by mouth up to 3 times", "up to 3 times twice a day - with food"),
    ]:
        page = prescription_page(directions=directions)
        page.words = [w for w in page.words if w.bbox[1] < 0.9]  # no refill line at all
        fields = PARSERS["prescription"].parse([page])
        assert fields["refills"].value is None
        assert fields["directions"].value == "Amoxicillin, take one tablet by mouth " + expected


def test_prescription_without_its_labels_gives_blank_fields():
    fields = PARSERS["prescription"].parse([page(1, [(0.2, [(0.1, "Quarterly report")])])])
    assert values_of(fields) == dict.fromkeys(values_of(fields))
    assert len(fields) == 7


def record_pages(contact_phone="(990) 375-4621", allergies="Latex", height_label="Height:", weight_label="Weight:",
                 medications_label=("List any medication taken regularly:",)):
    first = page(1, [
        (0.07, [(0.80, "17/12/2O20")]),
        (0.115, [(0.10, "Patient Medical Record")]),
        (0.17, [(0.107, "Patient Information"), (0.505, "Birth Date")]),
        (0.195, [(0.107, "Jane Doe"), (0.505, "Jun 3 1980")]),
        *([(0.222, [(0.505, weight_label)])] if weight_label else []),
        (0.228, [(0.107, "(212) 555-O147")]),
        (0.245, [(0.505, "6l")]),
        (0.258, [(0.107, "12 Elm St")]),
        (0.278, [(0.107, "Dover, 19901"), (0.505, height_label)]),
        (0.298, [(0.107, "United States")]),
        (0.305, [(0.505, "170")]),
        (0.372, [(0.093, "In Case of Emergency")]),
        (0.42, [(0.518, "14 Oak Rd")]),
        (0.433, [(0.093, "John Doe")]),
        (0.44, [(0.518, "Dover, Delaware, 19901")]),
        (0.46, [(0.518, "United States")]),
        (0.468, [(0.093, "Home phone")]),
        (0.492, [(0.521, "Work phone")] + ([(0.093, contact_phone)] if contact_phone else [])),
        (0.557, [(0.089, "General Medical History")]),
        (0.598, [(0.528, "Measles:")]),
        (0.612, [(0.08, "Chicken Pox (Varicella):")]),
        (0.628, [(0.545, "NOT IMMUNF")]),
        (0.648, [(0.093, "IMMUNE")]),
        (0.695, [(0.077, "Have you had the Hepatitis B vaccination?")]),
        (0.738, [(0.086, "Yes")]),
        (0.765, [(0.075, "List any Medical Problems (asthma, seizures, headaches):")]),
        (0.815, [(0.075, "Asthma")]),
    ])
    second = page(2, [
        (0.15, [(0.10, "Name of Insurance Company:")]),
        (0.19, [(0.10, "Harbor tnsurance Company")]),
        (0.205, [(0.525, "9 Bay Rd")]),
        (0.235, [(0.525, "Salem, Oregon, 97301")]),
        (0.245, [(0.095, "Policy Number:")]),
        (0.29, [(0.095, "12O45S78")]),
        (0.293, [(0.555, "Expiry Date:")]),
        (0.33, [(0.555, "1 March 2027")]),
        (0.38, [(0.092, "Do you have medical insurance?")]),
        (0.435, [(0.10, "Yes")]),
        (0.53, [(0.092, "Medical Insurance Details")]),
        (0.60, [(0.092, "List any allergies:")]),
        *([(0.645, [(0.092, allergies)])] if allergies else []),
        # Each piece its own OCR line, side by side on the row (tesseract sometimes breaks a line).
        *((0.708, [(0.092 + 0.011 * len(" ".join(medications_label[:i])) + 0.011 * (i > 0), piece)])
          for i, piece in enumerate(medications_label)),
        (0.76, [(0.092, "Insulin")]),
    ])
    return [first, second]


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


def test_prescriber_title_read_with_a_comma_for_its_full_stop_is_repaired():
    from extraction.parsers.prescription import _doctor

    assert _doctor("Dr, Rafael Murphy, MD") == ("Dr. Rafael Murphy, MD", True)
    assert _doctor("Dr: Anna Berg") == ("Dr. Anna Berg", True)
    assert _doctor("Dr. Anna Berg, MD") == ("Dr. Anna Berg, MD", False)
    assert _doctor("Dr Anna Berg, M.O") == ("Dr Anna Berg, M.D", True)
    assert _doctor("Dr. Anna Berg, M.0.") == ("Dr. Anna Berg, M.D.", True)
    assert _doctor("Dr. Anna Mo") == ("Dr. Anna Mo", False)


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
