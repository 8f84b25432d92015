"""A value is never surer than the page it was read from."""
import pytest

from extraction.engine import PAGE_MARGIN, cap_by_page
from extraction.types import FieldResult, PageResult, Word


def page(number, *confidences):
    return PageResult(number=number, width=100, height=100,
                      words=[Word("word", c, (0.1, 0.1, 0.2, 0.2), 0) for c in confidences])


def test_values_are_capped_below_their_pages_mean_and_blanks_below_the_least_sure_page():
    pages = [page(1, 0.98, 0.96, 0.94), page(2, 0.9, 0.8, 0.7)]
    fields = {
        "sure_on_a_clean_page": FieldResult("Leila Duarte", 0.99, page=1),
        "sure_on_a_poor_page": FieldResult("Lella Duarte", 0.97, page=2),
        "unsure_already": FieldResult("5/1l/2022", 0.4, page=2),
        "blank": FieldResult(None, 0.95),
    }
    capped = cap_by_page(fields, pages)
    assert PAGE_MARGIN == 0.05
    assert capped["sure_on_a_clean_page"].confidence == pytest.approx(0.96 - 0.05)
    assert capped["sure_on_a_poor_page"].confidence == pytest.approx(0.80 - 0.05)
    assert capped["unsure_already"].confidence == 0.4
    assert capped["blank"].confidence == pytest.approx(0.75)


def test_a_page_without_words_caps_at_zero():
    capped = cap_by_page({"name": FieldResult("x", 0.9, page=1)}, [page(1)])
    assert capped["name"].confidence == 0.0
