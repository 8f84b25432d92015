"""The prescription parser on OCR-like pages: labels found fuzzily, values repaired by
their type, confidence low where the reading is doubtful."""
from extraction.parsers import PARSERS
from extraction.types import Word
from tests.extraction.layout import THRESHOLD, page, prescription_page, values_of


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


def test_prescriber_title_read_with_a_comma_for_its_full_stop_is_repaired():
    from extraction.parsers.prescription import _doctor

    assert _doctor("Dr, Rafael Murphy, MD") == ("Dr. Rafael Murphy, MD", True)
    assert _doctor("Dr: Anna Berg") == ("Dr. Anna Berg", True)
    assert _doctor("Dr. Anna Berg, MD") == ("Dr. Anna Berg, MD", False)
    assert _doctor("Dr Anna Berg, M.O") == ("Dr Anna Berg, M.D", True)
    assert _doctor("Dr. Anna Berg, M.0.") == ("Dr. Anna Berg, M.D.", True)
    assert _doctor("Dr. Anna Mo") == ("Dr. Anna Mo", False)
