"""Scoring as FIELDS.md says ("How values are scored")."""
from extraction.scoring import Tally, normalize, values_match


def test_normalize_folds_case_space_and_edge_punctuation():
    assert normalize("  Dr John  Smith, M.D. ") == "dr john smith, m.d"
    assert normalize("\uff21BC") == "abc"  # NFKC: full-width A
    assert normalize(["Prednisone 20 mg", "Lialda 2.4 gram"]) == "prednisone 20 mg lialda 2.4 gram"
    assert normalize("") is None
    assert normalize(" _-. ") is None
    assert normalize(None) is None


def test_values_match_rules():
    assert values_match("maria sharapova.", "Maria Sharapova")
    assert values_match(2, "2")
    assert values_match("02", 2)
    assert not values_match(3, 2)
    assert values_match(None, "")
    assert values_match("", None)
    assert not values_match(None, "Peanuts")
    assert not values_match("5/11/2022", "5/11/2O22")
    assert values_match(["a b", "c"], "a b c")
    # Lines joined with ", " or with a space are the same value.
    assert values_match("9264 Ash Dr, New York City", "9264 Ash Dr New York City")
    assert not values_match("9264 Ash Dr", "9246 Ash Dr")


def test_tally_counts_accuracy_and_error_recall():
    tally = Tally(threshold=0.8)
    truth = {"kind": "prescription", "fields": {"a": "x", "b": 2, "c": None, "d": "y"}}
    result = {"kind": "prescription", "fields": {
        "a": {"value": "x", "confidence": 0.95},
        "b": {"value": 3, "confidence": 0.5},   # wrong, flagged
        "c": {"value": None, "confidence": 0.0},  # right (blank), flagged
        "d": {"value": "z", "confidence": 0.9},   # wrong, not flagged
    }}
    assert tally.add(truth, result) == ["b", "d"]
    tally.add({"kind": "patient_details", "fields": {"a": "x"}},
              {"kind": "unknown", "fields": {"a": {"value": "x", "confidence": 0.99}}})
    assert (tally.fields, tally.right) == (5, 3)
    assert tally.field_accuracy == 0.6
    assert tally.document_accuracy == 0.5
    assert tally.kind_accuracy == 0.5
    assert tally.error_recall == 0.5
    assert tally.flagged_right_share == 1 / 3
    assert tally.per_field == {"a": [2, 2], "b": [0, 1], "c": [1, 1], "d": [0, 1]}
