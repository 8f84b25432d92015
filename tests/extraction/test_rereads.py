"""Regions of a page read again by tesseract in another view of their pixels, their words
boxed on the whole page."""
import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from extraction.ocr import RegionReader, Stopwatch, flush
from extraction.synth.forms import font

WIDTH, HEIGHT = 1600, 1000


def page_with(text: str, at: tuple[int, int], pixels: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A white page with `text` printed at `at` in letters `pixels` tall, and its ink's box."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    draw.text(at, text, fill=0, font=font("DejaVuSans-Bold.ttf", pixels))
    gray = np.asarray(image)
    rows, columns = np.nonzero(gray < 128)
    return gray, (columns.min(), rows.min(), columns.max() + 1, rows.max() + 1)


@pytest.mark.parametrize("view", ["smooth", "enlarged"])
def test_a_region_read_again_gives_its_words_boxed_on_the_page(view):
    gray, (left, top, right, bottom) = page_with("17/12/2020", (1200, 60), 22)
    reader = RegionReader(gray, Stopwatch(), lambda: 30)
    rect = (1100 / WIDTH, 30 / HEIGHT, 1500 / WIDTH, 120 / HEIGHT)

    assert reader.read(*rect, view=view) is None  # asked for; read with the others in one call
    flush([reader])
    words = reader.read(*rect, view=view)

    assert [w.text for w in words] == ["17/12/2020"]
    box = np.array(words[0].bbox) * [WIDTH, HEIGHT, WIDTH, HEIGHT]
    assert np.abs(box - [left, top, right, bottom]).max() <= 3  # pixels of the page
    assert reader.stopwatch.tesseract > 0


def test_both_views_of_regions_are_read_in_one_flush_each_on_its_own_sheet():
    gray, (left, top, right, bottom) = page_with("17/12/2020", (1200, 60), 22)
    body, _ = page_with("Random Insurance Company", (100, 500), 30)
    gray = np.minimum(gray, body)
    reader = RegionReader(gray, Stopwatch(), lambda: 30)
    date = (1100 / WIDTH, 30 / HEIGHT, 1500 / WIDTH, 120 / HEIGHT)
    name = (60 / WIDTH, 470 / HEIGHT, 900 / WIDTH, 560 / HEIGHT)
    for view in ("smooth", "enlarged"):
        reader.read(*date, view=view)
    reader.read(*name, view="smooth")
    flush([reader])

    assert [w.text for w in reader.read(*name, view="smooth")] == ["Random", "Insurance", "Company"]
    for view in ("smooth", "enlarged"):
        words = reader.read(*date, view=view)
        assert [w.text for w in words] == ["17/12/2020"]
        box = np.array(words[0].bbox) * [WIDTH, HEIGHT, WIDTH, HEIGHT]
        assert np.abs(box - [left, top, right, bottom]).max() <= 3
    assert not reader.pending



def test_a_digit_written_on_a_sloping_line_is_read_alone_without_the_line():
    # "Refill: _3_ times" photographed at an angle: grey print, softened, and the line under
    # the count sloping by 7 pixels, which the page-wide painting of rules (row by row)
    # leaves. Read with the line, the "3" comes out as dashes.
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    draw.text((1250, 52), "3", fill=90, font=font("DejaVuSans.ttf", 20))
    digit = np.nonzero(np.asarray(image) < 180)
    left, top, right, bottom = digit[1].min(), digit[0].min(), digit[1].max() + 1, digit[0].max() + 1
    draw.line([(1212, bottom + 6), (1312, bottom + 13)], fill=90, width=2)
    gray = cv2.GaussianBlur(np.asarray(image), (0, 0), 1.0)
    reader = RegionReader(gray, Stopwatch(), lambda: 30)
    rect = (1200 / WIDTH, 40 / HEIGHT, 1329 / WIDTH, 116 / HEIGHT)

    reader.read(*rect, single_line=True)
    flush([reader])
    words = reader.read(*rect, single_line=True)

    assert [w.text for w in words] == ["3"]
    box = np.array(words[0].bbox) * [WIDTH, HEIGHT, WIDTH, HEIGHT]
    assert np.abs(box - [left, top, right, bottom]).max() <= 3
