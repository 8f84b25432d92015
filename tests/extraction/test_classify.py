"""Kind from the text of the pages."""
from extraction.classify import classify
from tests.extraction.layout import page, prescription_page, record_pages


def test_prescription():
    result = classify([prescription_page()])
    assert result.kind == "prescription"
    assert result.confidence == 1.0


def test_patient_record_even_with_misread_labels():
    pages = record_pages()
    for word in pages[0].words:
        word.text = word.text.replace("Emergency", "Emergcncy").replace("Record", "Rec0rd")
    result = classify(pages)
    assert result.kind == "patient_details"
    assert result.confidence == 1.0


def test_neither_kind_is_unknown():
    letter = page(1, [(0.1, [(0.1, "Dear Sir, please find enclosed the invoice")]),
                      (0.2, [(0.1, "for the repair of the roof. Total due: 120 USD")])])
    assert classify([letter]).kind == "unknown"
    assert classify([page(1, [])]).kind == "unknown"
