"""Page steps on drawn pages: which way the text lines run."""
import cv2
import numpy as np

from extraction import preprocess


def text_page() -> np.ndarray:
    page = np.full((1400, 1000), 255, np.uint8)
    for row in range(15):  # a form: labels and values in two columns, lines well apart
        cv2.putText(page, "Patient name:", (60, 80 + row * 85), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
        cv2.putText(page, "12 Mill Lane", (560, 80 + row * 85), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return page


def test_lines_across_the_page_are_not_sideways():
    assert not preprocess.lines_run_up(text_page())


def test_lines_up_or_down_the_page_are_sideways():
    assert preprocess.lines_run_up(preprocess.rotate(text_page(), 90))
    assert preprocess.lines_run_up(preprocess.rotate(text_page(), 270))


def test_a_blank_page_is_not_sideways():
    assert not preprocess.lines_run_up(np.full((1400, 1000), 255, np.uint8))


def test_two_sideways_pages_stacked_are_cut_between_them():
    sideways = preprocess.rotate(text_page(), 90)  # 1000 tall, 1400 wide
    stack = np.vstack([sideways, np.full((60, 1400), 255, np.uint8), sideways])
    cut = preprocess.stacked_sideways_split(stack)
    assert cut is not None and 1000 <= cut <= 1060


def test_one_page_or_an_upright_stack_is_not_cut():
    assert preprocess.stacked_sideways_split(preprocess.rotate(text_page(), 90)) is None
    assert preprocess.stacked_sideways_split(np.vstack([text_page(), text_page()])) is None
