"""Filters run band by band on OpenCV's threads give the whole image's result, pixel for pixel."""
import cv2
import numpy as np
import pytest

from extraction.bands import in_bands, median_blur


@pytest.fixture
def threads():
    before = cv2.getNumThreads()
    yield cv2.setNumThreads
    cv2.setNumThreads(before)


@pytest.mark.parametrize("count", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", [(781, 600), (130, 50), (40, 900)])
def test_the_median_in_bands_is_the_median(threads, count, shape):
    threads(count)
    image = (np.random.default_rng(sum(shape)).random(shape) * 255).astype(np.uint8)
    for size in (5, 21):
        np.testing.assert_array_equal(median_blur(image, size), cv2.medianBlur(image, size))


def test_each_band_sees_its_neighbours_rows(threads):
    threads(2)
    image = np.zeros((400, 30), np.uint8)
    image[199:201] = 255  # a line on the border between the two bands
    seen = []

    def spread(rows):
        seen.append(rows.shape[0])
        return cv2.dilate(rows, np.ones((7, 1), np.uint8))

    np.testing.assert_array_equal(in_bands(spread, image, 3), cv2.dilate(image, np.ones((7, 1), np.uint8)))
    assert sorted(seen) == [203, 203]  # two bands of 200 rows, with 3 rows of the other's each


def test_one_thread_is_one_call(threads):
    threads(1)
    calls = []
    image = np.zeros((400, 30), np.uint8)
    in_bands(lambda rows: calls.append(rows.shape) or rows, image, 3)
    assert calls == [(400, 30)]


def test_a_forked_child_starts_its_own_pool(threads):
    import os
    import signal

    threads(2)
    image = (np.random.default_rng(3).random((300, 80)) * 255).astype(np.uint8)
    median_blur(image, 21)  # the parent's pool exists now
    child = os.fork()
    if child == 0:  # the child: its inherited pool has no threads; it must not hang
        signal.alarm(20)  # and if it does, it is killed and the test fails
        same = (median_blur(image, 21) == cv2.medianBlur(image, 21)).all()
        os._exit(0 if same else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
