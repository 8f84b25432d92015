"""Neighbourhood filters that OpenCV runs on one thread, run on horizontal bands on the
threads OpenCV was given (cv2.setNumThreads; the Celery pool processes give it one, and
then it is one call on the whole image).

A band is handed its own rows and `reach` rows either side of them, so every output
pixel sees the same neighbours as in one call on the whole image: the result is the
same, pixel for pixel.
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

# Fewer rows a band than this and one call on the whole image is cheaper.
MIN_BAND_ROWS = 64

_pools: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def _forget_pools() -> None:
    """A forked child (a Celery pool process) has none of its parent's threads: it
    starts pools of its own."""
    global _lock
    _pools.clear()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pools)


def _pool(helpers: int) -> ThreadPoolExecutor:
    with _lock:
        if helpers not in _pools:
            _pools[helpers] = ThreadPoolExecutor(helpers, thread_name_prefix="medocr-band")
        return _pools[helpers]


def in_bands(filter_, image: np.ndarray, reach: int) -> np.ndarray:
    """`filter_(image)` for a filter whose output pixel depends on input pixels at
    most `reach` rows away, and whose output has its input's shape and type, computed
    band by band, one band per OpenCV thread."""
    threads = cv2.getNumThreads()
    height = image.shape[0]
    bands = min(threads, height // max(MIN_BAND_ROWS, 2 * reach))
    if bands < 2:
        return filter_(image)
    bounds = np.linspace(0, height, bands + 1).astype(int)
    out = np.empty_like(image)

    def band(top: int, bottom: int) -> None:
        low, high = max(0, top - reach), min(height, bottom + reach)
        out[top:bottom] = filter_(image[low:high])[top - low:bottom - low]

    # This thread takes the first band; helpers the others.
    helpers = [_pool(bands - 1).submit(band, bounds[i], bounds[i + 1]) for i in range(1, bands)]
    band(bounds[0], bounds[1])
    for helper in helpers:
        helper.result()
    return out


def median_blur(image: np.ndarray, size: int) -> np.ndarray:
    """cv2.medianBlur(image, size), in bands: with a large kernel it runs on one thread."""
    return in_bands(lambda rows: cv2.medianBlur(rows, size), image, size // 2)
