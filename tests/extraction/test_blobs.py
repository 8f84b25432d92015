"""Blob boxes and pixel counts from outlines: the same as OpenCV's labeller, pixel for pixel."""
import cv2
import numpy as np
import pytest

from extraction.blobs import MAX_TRACED, SAMPLE_BAND, estimated_count, find_blobs
from tests.extraction.test_preprocess import text_page


def awkward_ink() -> np.ndarray:
    """Letters, single pixels, one-pixel strokes and spurs, diagonal chains, a ring with
    a blob in its hole, a frame around text with a mass inside it, blobs on every edge."""
    ink = cv2.bitwise_not(text_page())[:700]
    rng = np.random.default_rng(7)
    ink[rng.integers(0, 700, 300), rng.integers(0, 1000, 300)] = 255  # dust
    ink[0:5, 0:40] = 255  # on the top and left edges
    ink[695:700, 960:1000] = 255  # bottom-right corner
    ink[300, 100:160] = 255  # a one-pixel stroke
    ink[300:330, 130] = 255  # ... with a spur
    for step in range(20):  # a diagonal chain, touching only at corners
        ink[400 + step, 40 + step] = 255
    cv2.circle(ink, (850, 500), 60, 255, 3)  # a ring...
    cv2.circle(ink, (850, 500), 10, 255, -1)  # ... with a blob in its hole
    cv2.rectangle(ink, (500, 550), (800, 690), 255, 4)  # a frame...
    cv2.putText(ink, "in a box", (520, 620), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 2)  # ... around text
    ink[640:680, 700:780] = 255  # ... and a solid mass
    ink[650:660, 720:740] = 0  # with a hole of its own
    return ink


def labelled(ink):
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return labels, stats[1:count]


def in_order(stats):
    return stats[np.lexsort(stats.T[::-1])]


def test_boxes_and_pixel_counts_are_the_labellers():
    ink = awkward_ink()
    _, expected = labelled(ink)
    found = find_blobs(ink)
    assert len(found) == len(expected) > 400
    np.testing.assert_array_equal(in_order(found.stats), in_order(expected))


def test_blobs_come_in_the_raster_order_of_their_first_pixels():
    ink = awkward_ink()
    labels, expected = labelled(ink)
    label_ids, first_pixels = np.unique(labels.ravel(), return_index=True)
    order = label_ids[1:][np.argsort(first_pixels[1:])]  # label 0 is the background
    np.testing.assert_array_equal(find_blobs(ink).stats, expected[order - 1])


def test_a_mask_holds_exactly_the_pixels_of_its_blobs():
    ink = awkward_ink()
    labels, expected = labelled(ink)
    found = find_blobs(ink)
    # The frame, the ring and the mass: each with a hole, two with other blobs inside.
    large = (expected[:, cv2.CC_STAT_WIDTH] > 60) & (expected[:, cv2.CC_STAT_HEIGHT] > 30)
    rows = np.flatnonzero((found.stats[:, cv2.CC_STAT_WIDTH] > 60) & (found.stats[:, cv2.CC_STAT_HEIGHT] > 30))
    assert len(rows) == large.sum() == 3
    mask = found.mask(rows, ink.shape)
    np.testing.assert_array_equal(mask > 0, np.isin(labels, np.flatnonzero(large) + 1))


def test_masks_of_every_blob_and_of_a_blob_inside_a_hole():
    ink = awkward_ink()
    labels, _ = labelled(ink)
    found = find_blobs(ink)
    # Strokes, spurs, diagonal chains, single pixels: every blob's pixels exactly.
    np.testing.assert_array_equal(found.mask(np.arange(len(found)), ink.shape) > 0, labels > 0)
    # The disc inside the ring, on its own.
    disc = np.flatnonzero((found.stats[:, cv2.CC_STAT_LEFT] == 840) & (found.stats[:, cv2.CC_STAT_WIDTH] == 21))
    assert len(disc) == 1
    np.testing.assert_array_equal(found.mask(disc, ink.shape) > 0, labels == labels[500, 850])


@pytest.mark.parametrize("ink", [np.zeros((50, 60), np.uint8), np.full((50, 60), 255, np.uint8)])
def test_an_empty_or_full_image(ink):
    found = find_blobs(ink)
    np.testing.assert_array_equal(found.stats, labelled(ink)[1])


def test_grain_gets_the_labellers_own_statistics_and_masks():
    grain = np.where(np.random.default_rng(5).random((700, 700)) < 0.2, 255, 0).astype(np.uint8)
    labels, expected = labelled(grain)
    assert len(expected) > MAX_TRACED
    found = find_blobs(grain)
    np.testing.assert_array_equal(found.stats, expected)
    rows = np.flatnonzero(expected[:, cv2.CC_STAT_AREA] >= 6)
    np.testing.assert_array_equal(found.mask(rows, grain.shape) > 0, np.isin(labels, rows + 1))


def test_the_grain_count_is_estimated_from_a_quarter_of_the_rows():
    grain = np.where(np.random.default_rng(5).random((700, 700)) < 0.2, 255, 0).astype(np.uint8)
    true_count = len(labelled(grain)[1])
    assert true_count * 0.9 < estimated_count(grain) < true_count * 1.1
    # A page of print is nowhere near the limit, wherever its lines fall.
    ink = cv2.bitwise_not(text_page())
    assert estimated_count(ink) < MAX_TRACED / 10
    # A picture no taller than one band is counted whole.
    assert estimated_count(grain[:SAMPLE_BAND]) == len(labelled(grain[:SAMPLE_BAND])[1])


def test_grain_masks_of_blobs_whose_boxes_cover_the_picture_many_times():
    grain = np.where(np.random.default_rng(6).random((800, 800)) < 0.2, 255, 0).astype(np.uint8)
    for inset in (8, 28, 48):  # three frames, each boxing nearly the whole picture, kept apart from the grain
        cv2.rectangle(grain, (inset, inset), (799 - inset, 799 - inset), 0, 10)
        cv2.rectangle(grain, (inset, inset), (799 - inset, 799 - inset), 255, 2)
    labels, expected = labelled(grain)
    found = find_blobs(grain)
    assert found.labels is not None
    frames = np.flatnonzero(expected[:, cv2.CC_STAT_WIDTH] > 650)
    assert len(frames) == 3
    # Their boxes cover the picture more than twice over: every label is looked up once.
    boxes = expected[frames][:, cv2.CC_STAT_WIDTH] * expected[frames][:, cv2.CC_STAT_HEIGHT]
    assert boxes.sum() > 2 * grain.size
    np.testing.assert_array_equal(found.mask(frames, grain.shape) > 0, np.isin(labels, frames + 1))
    small_and_frames = np.concatenate([frames, np.arange(10)])
    np.testing.assert_array_equal(found.mask(small_and_frames, grain.shape) > 0,
                                  np.isin(labels, small_and_frames + 1))
