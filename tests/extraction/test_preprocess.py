"""Page steps on drawn pages: which way up the text is, how skewed, how large."""
import cv2
import numpy as np
import pytest

from extraction import orientation, preprocess
from extraction.pgm import write_pgm


LABELS = ["Patient name:", "Date of birth:", "Address:", "Phone number:", "Policy number:", "Weight (kg):",
          "Height (cm):", "Allergies:", "Medications:", "Emergency contact:", "Insurance company:",
          "Record date:", "Blood type:", "Past problems:", "Signature:"]
VALUES = ["Jane Quigley", "14/02/1987", "42 High Bridge Lane", "(716) 555-0182", "884201937", "68",
          "172", "Penicillin, pollen", "Ventolin daily", "Mark Quigley", "Northstar Mutual",
          "05/09/2024", "O positive", "Asthma in youth", "J. Quigley"]


def text_page() -> np.ndarray:
    page = np.full((1400, 1000), 255, np.uint8)
    for row, (label, value) in enumerate(zip(LABELS, VALUES)):  # a form: two columns, lines well apart
        cv2.putText(page, label, (60, 80 + row * 85), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
        cv2.putText(page, value, (520, 80 + row * 85), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return page


def test_lines_across_the_page_are_not_sideways():
    assert not orientation.small_copy(text_page()).runs_up


def test_lines_up_or_down_the_page_are_sideways():
    assert orientation.small_copy(preprocess.rotate(text_page(), 90)).runs_up
    assert orientation.small_copy(preprocess.rotate(text_page(), 270)).runs_up


def test_a_blank_page_is_not_sideways():
    assert not orientation.small_copy(np.full((1400, 1000), 255, np.uint8)).runs_up


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
def test_the_turn_that_makes_a_page_upright_is_measured(turned):
    layout = orientation.measure(preprocess.rotate(text_page(), turned))
    assert (layout.turn, layout.sure) == ((360 - turned) % 360, True)


def test_the_letter_height_is_measured_in_the_pages_own_pixels():
    upright = orientation.measure(text_page()).text_height
    assert 13 <= upright <= 19  # Hershey capitals at scale 0.8, thickness 2
    doubled = cv2.resize(text_page(), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    # The median falls between the small letters and the capitals, whichever are more.
    assert orientation.measure(doubled).text_height == pytest.approx(2 * upright, rel=0.2)


def test_the_skew_is_measured_counter_clockwise():
    layout = orientation.measure(preprocess.rotate(text_page(), -3.0))
    assert layout.turn == 0 and layout.skew == pytest.approx(3.0, abs=1.0)


def test_a_blank_page_has_no_measure():
    assert orientation.measure(np.full((1400, 1000), 255, np.uint8)) == orientation.Layout(0, 0.0, None, False)


def test_two_sideways_pages_stacked_are_cut_between_them():
    sideways = preprocess.rotate(text_page(), 90)  # 1000 tall, 1400 wide
    stack = np.vstack([sideways, np.full((60, 1400), 255, np.uint8), sideways])
    cut = orientation.stacked_sideways_split(stack)
    assert cut is not None and 1000 <= cut <= 1060


def test_one_page_or_an_upright_stack_is_not_cut():
    assert orientation.stacked_sideways_split(preprocess.rotate(text_page(), 90)) is None
    assert orientation.stacked_sideways_split(np.vstack([text_page(), text_page()])) is None


def test_dust_and_dark_masses_are_painted_out_and_print_is_kept():
    page = text_page()
    rng = np.random.default_rng(3)
    ys, xs = rng.integers(0, 1300, 400), rng.integers(0, 880, 400)
    far = np.array([page[max(0, y - 6):y + 7, max(0, x - 6):x + 7].min() == 255 for y, x in zip(ys, xs)])
    ys, xs = ys[far], xs[far]
    dusty = page.copy()
    dusty[ys, xs] = 0  # single dark pixels, nothing else near them
    dusty[20:23, 980] = 0  # three pixels in a row, alone: dust too
    dusty[40:42, 980:982] = 0  # four pixels: the size of a full stop, kept
    dusty[1330:1400, :] = 0  # a dark band along the bottom: the table under a photographed sheet
    dusty[:1300, 900:960] = 0  # a dark strip down the right edge, taller than five letters
    cleaned = preprocess.black_and_white(dusty)
    assert len(ys) > 300 and (cleaned[ys, xs] == 255).all()
    assert (cleaned[20:23, 980] == 255).all() and (cleaned[40:42, 980:982] == 0).all()
    assert (cleaned[1330:1400, :] == 255).all() and (cleaned[:1300, 900:960] == 255).all()
    # Every pixel of print comes through as the adaptive threshold gives it.
    print_ink = preprocess.binarize(page)[:1300, :880] == 0
    assert print_ink.sum() > 20_000
    np.testing.assert_array_equal(cleaned[:1300, :880] == 0, print_ink)


def test_pages_go_to_tesseract_as_the_pgm_files_opencv_writes(tmp_path):
    page = preprocess.black_and_white(text_page())[:999, 1:]  # odd sizes, a view into a larger array
    write_pgm(str(tmp_path / "ours.pgm"), page)
    cv2.imwrite(str(tmp_path / "opencv.pgm"), page)
    assert (tmp_path / "ours.pgm").read_bytes() == (tmp_path / "opencv.pgm").read_bytes()


def shadowed_page() -> np.ndarray:
    """The form photographed under a shadow: paper from 53 (top left) to 255 (bottom right)."""
    page = text_page()
    shade = np.linspace(0.35, 1.0, page.shape[1])[None, :] * np.linspace(0.6, 1.0, page.shape[0])[:, None]
    return (page.astype(float) * shade).astype(np.uint8)


def test_a_shadow_is_flattened():
    page = text_page()
    flat = preprocess.remove_shadow(shadowed_page())
    paper, ink = flat[page == 255], flat[page < 100]
    assert paper.min() >= 240 and np.median(paper) >= 250
    assert np.median(ink) == 0


def ruled_page() -> np.ndarray:
    page = text_page()
    for y in (300, 301, 302, 640, 980):
        page[y, 100:1100] = 0  # form lines, one three pixels thick
    page[1200, 100:130] = 0  # a dash, far shorter than a rule
    return page


def test_rules_are_painted_out_and_print_and_dashes_are_kept():
    page = ruled_page()
    clean = preprocess.remove_rules(page)
    assert (clean[[300, 301, 302, 640, 980], 100:1100] == 255).all()
    assert (clean[1200, 100:130] == 0).all()
    away_from_rules = np.ones(page.shape[0], bool)
    for y in (300, 640, 980):
        away_from_rules[y - 4:y + 7] = False
    np.testing.assert_array_equal(clean[away_from_rules], page[away_from_rules])


def test_rules_are_found_as_an_opening_of_the_whole_page_finds_them():
    page = ruled_page()
    ink = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    length = max(40, page.shape[1] // 30)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    expected = cv2.max(page, cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))))
    np.testing.assert_array_equal(preprocess.remove_rules(page), expected)
