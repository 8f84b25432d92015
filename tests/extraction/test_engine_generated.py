"""The engine on generated documents that are harder than the corpus: turned pages,
JPEG photos, multi-page TIFF scans."""
import pytest

from extraction.engine import extract
from extraction.synth import write_document
from extraction.types import Limits

CASES = [
    ("prescription", 11, {"turn": 90, "skew": 1.5, "noise": 5, "blur": 0.5, "dpi": 170}, "pdf"),
    ("prescription", 12, {"turn": 180, "shadow": 0.4, "noise": 4, "dpi": 170}, "png"),
    ("prescription", 15, "photo", "jpeg"),
    ("patient_details", 14, {"skew": -2.5, "noise": 5, "blur": 0.6, "dpi": 170}, "tiff"),
]


@pytest.mark.parametrize("kind, seed, degradation, fmt", CASES)
def test_generated_document_is_read_exactly(tmp_path, kind, seed, degradation, fmt):
    path = tmp_path / f"doc.{fmt}"
    truth = write_document(path, kind, seed, degradation, fmt)
    result = extract(path, limits=Limits())
    assert result.kind == kind
    assert {name: field.value for name, field in result.fields.items()} == truth["fields"]
    if isinstance(degradation, dict) and degradation.get("turn"):
        # The engine reports the counter-clockwise turn that undid the page's turn.
        assert result.pages[0].rotation == (360 - degradation["turn"]) % 360
    if fmt == "tiff":
        assert len(result.pages) == 2


def test_the_time_spent_in_tesseract_and_outside_it_is_reported(tmp_path):
    path = tmp_path / "doc.pdf"
    write_document(path, "prescription", 21, "scan", "pdf")
    timings = extract(path, limits=Limits()).timings
    # On the clock: the steps and tesseract's share add up to the whole.
    assert 0 < timings["tesseract"] < timings["total"]
    outside = timings["load"] + timings["pages_outside_tesseract"] + timings["parse_outside_tesseract"]
    assert outside + timings["tesseract"] == pytest.approx(timings["total"], rel=0.01)
    # In CPU time: tesseract runs in child processes, whose CPU time is part of the document's.
    assert 0 < timings["tesseract_cpu"] < timings["cpu"]
