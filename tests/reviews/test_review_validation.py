"""Field values typed by reviewers are checked by field type; messages are for people."""
import pytest
from django.core.exceptions import ValidationError

from extraction.fields import FIELD_SPECS, PATIENT_DETAILS, PRESCRIPTION
from reviews.forms.review import ReviewForm, display_value, parse_value, problem_with

SPECS = {spec.name: spec for kind in (PRESCRIPTION, PATIENT_DETAILS) for spec in FIELD_SPECS[kind]}


def message_for(name, text):
    with pytest.raises(ValidationError) as error:
        parse_value(SPECS[name], text)
    return error.value.messages[0]


@pytest.mark.parametrize("text", ["5/11/2022", "17/12/2020", "May 6 1972", "30 December 2020",
                                  "May 6, 1972", "6th May 1972", "2022-11-05"])
def test_dates_in_the_formats_documents_use_are_kept_as_written(text):
    assert parse_value(SPECS["birth_date"], f"  {text} ") == text


@pytest.mark.parametrize("text", ["31/31/2022", "yesterday", "May 32 1972", "12 Decembr 2020"])
def test_dates_that_do_not_parse_are_refused(text):
    assert message_for("birth_date", text) == "Enter a date as written, e.g. 5/11/2022, May 6 1972 or 30 December 2020."


def test_phone_needs_ten_digits():
    assert parse_value(SPECS["phone_number"], "(737) 988-0851") == "(737) 988-0851"
    assert parse_value(SPECS["phone_number"], "7379880851") == "7379880851"
    assert message_for("phone_number", "(737) 988-085") == "Enter a 10-digit phone number, e.g. (737) 988-0851."
    assert message_for("phone_number", "737 988 0851 ext") == "Enter a 10-digit phone number, e.g. (737) 988-0851."


def test_integer_fields_store_numbers():
    assert parse_value(SPECS["refills"], " 2 ") == 2
    assert parse_value(SPECS["weight"], "95") == 95
    assert message_for("refills", "two") == "Enter a whole number."
    assert message_for("height", "190 cm") == "Enter a whole number."


def test_yes_no_and_immune_are_normalised_to_the_form_words():
    assert parse_value(SPECS["has_insurance"], "yes") == "Yes"
    assert parse_value(SPECS["hepatitis_b_vaccination"], "N") == "No"
    assert parse_value(SPECS["chicken_pox"], "not  immune") == "NOT IMMUNE"
    assert parse_value(SPECS["measles"], "Immune") == "IMMUNE"
    assert message_for("has_insurance", "maybe") == "Enter Yes or No."
    assert message_for("measles", "IMUNE") == "Enter IMMUNE or NOT IMMUNE."


def test_medicines_are_one_per_line():
    assert parse_value(SPECS["medicines"], "Prednisone 20 mg\r\n\r\n  Lialda 2.4 gram \n") == [
        "Prednisone 20 mg", "Lialda 2.4 gram"]
    assert display_value(["Prednisone 20 mg", "Lialda 2.4 gram"]) == "Prednisone 20 mg\nLialda 2.4 gram"


def test_text_lines_are_joined_and_empty_is_none():
    assert parse_value(SPECS["patient_address"], "9264 Ash Dr\nNew York City") == "9264 Ash Dr, New York City"
    assert parse_value(SPECS["patient_name"], "   ") is None


def test_problem_with_stored_values():
    assert problem_with(SPECS["refills"], None) == "Required before approval."
    assert problem_with(SPECS["emergency_contact_phone"], None) is None
    assert problem_with(SPECS["refills"], "2x") == "Enter a whole number."
    assert problem_with(SPECS["refills"], 2) is None


def form(data, approving=False):
    specs = FIELD_SPECS[PRESCRIPTION]
    values = {"patient_name": "Maria Sharapva", "refills": 2, "prescription_date": "5/11/2022", "medicines": ["A"]}
    return ReviewForm(data, specs=specs, values=values, version=3, approving=approving)


def test_saving_checks_only_changed_fields_and_reports_corrections():
    f = form({"version": "3", "f_patient_name": "Maria Sharapova", "f_refills": "2",
              "f_prescription_date": "5/11/2022", "f_medicines": "A"})

    assert f.is_valid(), f.errors
    assert f.corrections == {"patient_name": "Maria Sharapova"}


def test_approving_needs_every_required_field():
    f = form({"version": "3", "f_patient_name": "Maria Sharapova", "f_refills": "two",
              "f_prescription_date": "5/11/2022", "f_medicines": "A"}, approving=True)

    assert not f.is_valid()
    assert f.errors["f_refills"] == ["Enter a whole number."]
    assert f.errors["f_prescriber_name"] == ["Required before approval."]
    assert f.errors["f_directions"] == ["Required before approval."]
    assert "f_patient_name" not in f.errors
