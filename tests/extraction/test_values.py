"""Field-aware repair of OCR'd values, and how well they fit their field."""
import pytest

from extraction.parsers.addresses import repair_address
from extraction.parsers.values import (
    glued_unit, read_choice, read_date, read_integer, read_phone, repair_doses, repair_title_case,
    space_strengths, strength_spacing,
)


def test_dates_as_written_with_digit_confusions_repaired():
    assert read_date("5/11/2022") == ("5/11/2022", 1.0, "2022-11-05")
    assert read_date("S/1 1/2022") == ("5/11/2022", 0.9, "2022-11-05")
    assert read_date("$/11/2022") == ("5/11/2022", 0.9, "2022-11-05")
    assert read_date("17/12/2O2O") == ("17/12/2020", 0.9, "2020-12-17")
    assert read_date("12/25/1999") == ("12/25/1999", 1.0, "1999-12-25")
    assert read_date("May 6 1972") == ("May 6 1972", 1.0, "1972-05-06")
    assert read_date("30 Decernber 2020")[0::2] == ("30 December 2020", "2020-12-30")
    assert read_date("Dec 30, 2020")[0::2] == ("Dec 30, 2020", "2020-12-30")


def test_impossible_date_is_repaired_only_with_low_fit():
    value, fit, iso = read_date("47/12/2020")  # a bold 1 read as 4
    assert (value, iso) == ("17/12/2020", "2020-12-17")
    assert fit == 0.6
    assert read_date("97/12/2020") == ("17/12/2020", 0.6, "2020-12-17")  # and as 9
    assert read_date("31/31/2020")[1] == 0.3  # no single change makes it a date


def test_a_date_whose_slash_was_read_as_a_one_gets_it_back_with_a_low_fit():
    assert read_date("4127/2025") == ("4/27/2025", 0.5, "2025-04-27")
    assert read_date("17/1212020") == ("17/12/2020", 0.5, "2020-12-17")
    assert read_date("5-11l2022") == ("5-11-2022", 0.5, "2022-11-05")
    # Two ways to put it back ("1/12/2020" and "11/2/2020"): left as read, unsure.
    assert read_date("1112/2020") == ("1112/2020", 0.2, None)
    # Where a separator may have been read as a space, a 1 or 7 is left a digit.
    assert read_date("5/17 1972") == ("5/17 1972", 0.2, None)
    assert read_date("4/27 2025") == ("4/27 2025", 0.2, None)
    assert read_date("5/11 2017") == ("5/11 2017", 0.2, None)
    # A whole date with both separators is never touched.
    assert read_date("12/11/2021") == ("12/11/2021", 1.0, "2021-11-12")


def test_phone_has_ten_digits_in_its_written_style():
    assert read_phone("(737) 988-0851") == ("(737) 988-0851", 1.0, "7379880851")
    assert read_phone("737) 988-O85l") == ("(737) 988-0851", 0.9, "7379880851")
    assert read_phone("580-683-6402") == ("580-683-6402", 1.0, "5806836402")
    assert read_phone("718.823.0885") == ("718.823.0885", 1.0, "7188230885")
    value, fit, digits = read_phone("988-0851")
    assert (value, digits) == ("988-0851", "9880851")
    assert fit < 0.5


def test_integers_are_numbers_and_plausible():
    assert read_integer("95", 1, 400) == (95, 1.0, None)
    assert read_integer("9S kg", 1, 400) == (95, 0.85, None)
    assert read_integer("2", 0, 99) == (2, 1.0, None)
    assert read_integer("_2_", 0, 99) == (2, 0.85, None)
    assert read_integer("l90", 30, 250) == (190, 0.85, None)
    value, fit, _ = read_integer("1902", 30, 250)
    assert value == 1902 and fit < 0.5
    assert read_integer("times", 0, 99) == (None, 0.0, None)


def test_choices_snap_to_the_printed_answer():
    assert read_choice("IMMUNE", ("IMMUNE", "NOT IMMUNE"))[0] == "IMMUNE"
    assert read_choice("NOT IMMUNF", ("IMMUNE", "NOT IMMUNE"))[0] == "NOT IMMUNE"
    assert read_choice("Yes", ("Yes", "No")) == ("Yes", 1.0, None)
    assert read_choice("N0", ("Yes", "No"))[0] == "No"


def test_dose_units_and_numbers():
    assert repair_doses("Prednisone 20 md") == ("Prednisone 20 mg", True)
    assert repair_doses("Prednisone 2O mg") == ("Prednisone 20 mg", True)
    assert repair_doses("Lialda 2.4 gram") == ("Lialda 2.4 gram", False)
    assert repair_doses("take 5 rng daily") == ("take 5 mg daily", True)


def test_a_gram_read_as_nine_or_q_at_the_end_of_a_medicine():
    assert repair_doses("Ciprofloxacin 2 9", strength_last=True) == ("Ciprofloxacin 2 g", True)
    assert repair_doses("Ciprofloxacin 1 q", strength_last=True) == ("Ciprofloxacin 1 g", True)
    assert repair_doses("Ciprofloxacin 2 g", strength_last=True) == ("Ciprofloxacin 2 g", False)
    # Only a medicine line ends with its strength: directions keep their numbers.
    assert repair_doses("take 2 every 9", strength_last=True) == ("take 2 every 9", False)
    assert repair_doses("at most 2 9", strength_last=False) == ("at most 2 9", False)
    # Not when the line holds another number or unit: the 9 may be a digit.
    assert repair_doses("Amoxicillin 500 mg 2 9", strength_last=True) == ("Amoxicillin 500 mg 2 9", False)
    assert repair_doses("Vitamin D3 1000 IU 1 9", strength_last=True) == ("Vitamin D3 1000 IU 1 9", False)


def test_capital_i_in_title_case_names():
    assert repair_title_case("Harbor tnsurance Company") == ("Harbor Insurance Company", True)
    assert repair_title_case("lngrid Brooks") == ("Ingrid Brooks", True)
    assert repair_title_case("Bank of the West") == ("Bank of the West", False)
    # Punctuation around a word does not hide it.
    assert repair_title_case("Dr. lvan Mensah, M.D.") == ("Dr. Ivan Mensah, M.D.", True)
    assert repair_title_case("Mensah, lvan") == ("Mensah, Ivan", True)
    assert repair_title_case("Dr. Ivan Mensah, M.D.") == ("Dr. Ivan Mensah, M.D.", False)
    # People's names get the capital I only: a lower-case particle is as written.
    assert repair_title_case("Mario della Rosa", capital_i_only=True) == ("Mario della Rosa", False)
    assert repair_title_case("Dr. Anna Rossi, physician", capital_i_only=True) == (
        "Dr. Anna Rossi, physician", False)
    assert repair_title_case("Mario lvan Rosa", capital_i_only=True) == ("Mario Ivan Rosa", True)


def test_a_country_or_street_type_misread_by_a_letter():
    assert repair_address("633 Harbor Way, Atlanta, Georgia, 48990, Unted States") == (
        "633 Harbor Way, Atlanta, Georgia, 48990, United States", True)
    assert repair_address("12 Oak St, Toronto, Canda") == ("12 Oak St, Toronto, Canada", True)
    assert repair_address("8712 Hill Awe, Austin, Texas") == ("8712 Hill Ave, Austin, Texas", True)
    assert repair_address("1388 Hill Biva, Atlanta") == ("1388 Hill Blvd, Atlanta", True)
    # A town is not a country, and a right country stays.
    assert repair_address("4 Elm Rd, Mexicali") == ("4 Elm Rd, Mexicali", False)
    assert repair_address("4 Elm Rd, Austin, TX, United States") == ("4 Elm Rd, Austin, TX, United States", False)


def test_address_spacing():
    assert repair_address("12 MapleSt, Boston, 0 2118") == ("12 Maple St, Boston, 02118", True)
    assert repair_address("9 harbor court, salem, OR") == ("9 harbor court, salem, OR", False)
    assert repair_address("77 Dr Jones Way, Unit 4 12") == ("77 Dr Jones Way, Unit 4 12", False)


def test_a_postcode_with_a_digit_read_as_a_letter():
    assert repair_address("9266 Ash Dr, New York, 1000S, United States") == (
        "9266 Ash Dr, New York, 10005, United States", True)
    assert repair_address("4789 Bollinger Rd, Jersey City, O7030") == ("4789 Bollinger Rd, Jersey City, 07030", True)
    # Five letters are a word, and the street part is left alone.
    assert repair_address("5 Oak Rd, Essex, SOBBS") == ("5 Oak Rd, Essex, SOBBS", False)
    assert repair_address("1000S, Elm St") == ("1000S, Elm St", False)


def test_state_names_misread_by_a_letter():
    assert repair_address("67 Lake Road, Columbus, Ohlo, 45520") == ("67 Lake Road, Columbus, Ohio, 45520", True)
    assert repair_address("5 Mill Rd, Salem, Oregan, 97301") == ("5 Mill Rd, Salem, Oregon, 97301", True)
    assert repair_address("5 Mill Rd, Columbus, Ohio") == ("5 Mill Rd, Columbus, Ohio", False)


def test_street_type_and_microgram_misreads():
    assert repair_address("8695 River Bivd, Columbus, OH") == ("8695 River Blvd, Columbus, OH", True)
    assert repair_address("3655 Spring Or, Madison, Wisconsin") == ("3655 Spring Dr, Madison, Wisconsin", True)
    assert repair_address("9266 Ash Of, New York City") == ("9266 Ash Dr, New York City", True)
    assert repair_address("12 Elm 5t, Salem, OR") == ("12 Elm St, Salem, OR", True)
    assert repair_address("12 Elm Or, Salem, OR") == ("12 Elm Dr, Salem, OR", True)
    assert repair_address("40 Queen Anne Rise, Salem, OR") == ("40 Queen Anne Rise, Salem, OR", False)
    assert repair_address("9 harbor court, salem, OR") == ("9 harbor court, salem, OR", False)
    assert repair_doses("Levothyroxine 100 meg") == ("Levothyroxine 100 mcg", True)


@pytest.mark.parametrize("text, glued", [
    ("Ciprofloxacin 1g", True), ("Lialda 2.4gram", True), ("Levothyroxine 50mcg", True),
    ("Ciprofloxacin 1 g", False), ("Prednisone 20 mg", False), ("Vitamin D3 1000 units", False),
    ("take 1 gummy at night", False),
])
def test_a_strength_touching_its_number_is_noticed(text, glued):
    assert glued_unit(text) is glued


def test_strengths_are_counted_by_their_spacing_and_spaced():
    texts = ["Losartan 50 mg", "Ciprofloxacin 2g", "Lialda 2.4  gram", "take 1 tablet every 3 days, 10mcg"]
    assert strength_spacing(texts) == (2, 2)
    # A number that is part of a word is no strength: "B12", "x2".
    assert strength_spacing(["Vitamin B12mcg x2g"]) == (0, 0)
    assert space_strengths("Vitamin B12 1000mcg x2g") == "Vitamin B12 1000 mcg x2g"
    assert [space_strengths(text) for text in texts] == [
        "Losartan 50 mg", "Ciprofloxacin 2 g", "Lialda 2.4 gram", "take 1 tablet every 3 days, 10 mcg"]
