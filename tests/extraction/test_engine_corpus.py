"""The engine on the real scans of ../shared/corpus: every field exactly right."""
import copy
import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from extraction.engine import extract
from extraction.parsers import PARSERS
from extraction.types import Limits

CORPUS = Path(os.environ.get("CORPUS_DIR", Path(settings.BASE_DIR).parent / "shared" / "corpus"))
pytestmark = pytest.mark.skipif(not (CORPUS / "ground_truth.json").is_file(),
                                reason=f"no corpus at {CORPUS} (set CORPUS_DIR)")


@pytest.fixture(scope="module")
def truth():
    return json.loads((CORPUS / "ground_truth.json").read_text())


@pytest.fixture(scope="module")
def results():
    return {name: extract(CORPUS / name, limits=Limits(), keep_images=True)
            for name in ("prescription_1.pdf", "patient_details_1.pdf")}


@pytest.mark.parametrize("name", ["prescription_1.pdf", "patient_details_1.pdf"])
def test_every_field_is_exactly_right(name, truth, results):
    data = results[name].to_dict()
    assert data["kind"] == truth[name]["kind"]
    assert data["kind_confidence"] >= 0.9
    assert {field: result["value"] for field, result in data["fields"].items()} == truth[name]["fields"]


def test_boxes_point_at_the_values_on_the_upright_page(results):
    result = results["patient_details_1.pdf"]
    assert [page.number for page in result.pages] == [1, 2]
    for page in result.pages:
        assert page.image.size == (page.width, page.height)
        assert page.image.mode == "RGB"
    name = result.fields["patient_name"]
    assert name.page == 1
    left, top, right, bottom = name.bbox
    assert 0.05 < left < right < 0.5 and 0.1 < top < bottom < 0.3
    assert result.fields["policy_number"].page == 2


def test_wrong_readings_of_a_real_page_score_below_the_threshold(results):
    """Misread a few words of the real OCR output and parse again: the values come out
    wrong, and their confidence says so."""
    pages = copy.deepcopy(results["patient_details_1.pdf"].pages)
    changes = {"988-0851": "988-085", "190": "1900", "May": "Mby"}
    for page in pages:
        for word in page.words:
            word.text = changes.get(word.text, word.text)
    fields = PARSERS["patient_details"].parse(pages)
    assert fields["phone_number"].value == "(737) 988-085"
    assert fields["height"].value == 1900
    for name in ("phone_number", "height"):
        assert fields[name].confidence < settings.REVIEW_THRESHOLD
    assert fields["patient_name"].confidence >= settings.REVIEW_THRESHOLD
