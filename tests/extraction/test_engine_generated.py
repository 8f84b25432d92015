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
