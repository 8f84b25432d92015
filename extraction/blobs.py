"""Blobs of ink (8-connected groups of non-zero pixels): their boxes and pixel counts.

The same numbers as cv2.connectedComponentsWithStats (without its background row),
taken from the blobs' outlines instead of from every pixel: a page is mostly
background, which the outline tracer skips and the labeller's statistics do not, so
this is several times faster on a page of print. Blobs come in the raster order of
their first pixels. A picture of grain (more than MAX_TRACED blobs, where tracing
would cost seconds; counted on a quarter of its rows) gets the labeller's own
statistics, in its order.

A blob's box is its outer outline's box. Its pixel count follows from Pick's theorem:
an outline traced through pixel centres, with area A and B steps, encloses A + B/2 + 1
pixels (a one-pixel-wide stroke is traced there and back, so it counts once), less what
lies strictly inside each of its holes (A - B/2 + 1 for the hole's outline).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Columns of Blobs.stats, as OpenCV numbers them.
LEFT, TOP, WIDTH, HEIGHT, AREA = (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
                                  cv2.CC_STAT_HEIGHT, cv2.CC_STAT_AREA)


@dataclass(frozen=True)
class Blobs:
    stats: np.ndarray  # one row (left, top, width, height, pixels) per blob, in raster order
    outlines: tuple  # the traced outlines, outer and holes
    outer: np.ndarray  # for each stats row, the index of its outer outline
    parent: np.ndarray  # for each outline, its blob's outer outline (-1 for an outer one)
    labels: np.ndarray | None = None  # the labeller's image, when there were too many blobs to trace

    def __len__(self) -> int:
        return len(self.stats)

    def mask(self, rows, shape: tuple) -> np.ndarray:
        """255 on the pixels of the blobs at these stats rows, 0 elsewhere (what lies
        inside their holes, other blobs included, stays 0)."""
        rows = np.sort(np.atleast_1d(rows))
        if self.labels is not None:
            return self._labelled_mask(rows)
        mask = np.zeros(shape[:2], np.uint8)
        outers = self.outer[rows]
        holes_of = {int(outer): [] for outer in outers}
        for hole in np.flatnonzero(np.isin(self.parent, outers)):
            holes_of[int(self.parent[hole])].append(self.outlines[hole])
        # In raster order, so a blob lying in another's hole is drawn after that hole is cleared.
        for outer in outers:
            cv2.drawContours(mask, [self.outlines[outer]], 0, 255, thickness=cv2.FILLED)
            holes = holes_of[int(outer)]
            if holes:
                cv2.drawContours(mask, holes, -1, 0, thickness=cv2.FILLED)
                # A hole's outline runs through the blob's own pixels: they stay.
                cv2.drawContours(mask, holes, -1, 255, thickness=1)
        return mask

    def _labelled_mask(self, rows: np.ndarray) -> np.ndarray:
        """The mask from the labeller's image: each blob's label compared within its box,
        or, when the boxes together cover more than the image twice over, every pixel's
        label looked up once."""
        boxes = self.stats[rows]
        if int((boxes[:, WIDTH].astype(np.int64) * boxes[:, HEIGHT]).sum()) > 2 * self.labels.size:
            lookup = np.zeros(len(self.stats) + 1, np.uint8)
            lookup[rows + 1] = 255
            return np.take(lookup, self.labels)
        mask = np.zeros(self.labels.shape, np.uint8)
        for row, (left, top, width, height, _) in zip(rows, boxes):
            box = (slice(top, top + height), slice(left, left + width))
            mask[box] = cv2.bitwise_or(mask[box], cv2.compare(self.labels[box], int(row) + 1, cv2.CMP_EQ))
        return mask


# More blobs than this is grain, not print (a page of the forms has a few thousand), and
# tracing each costs more than labelling every pixel: the labeller's statistics are used.
MAX_TRACED = 30_000
# The count is estimated on every fourth band of this many rows, stacked.
SAMPLE_BAND = 16


def estimated_count(ink: np.ndarray) -> int:
    """About how many blobs `ink` holds, from the blobs on a quarter of its rows (every
    fourth band of SAMPLE_BAND rows), scaled up: grain is spread over a picture, and
    labelling a quarter of it costs a quarter of labelling the whole."""
    height = ink.shape[0]
    rows = np.flatnonzero((np.arange(height) // SAMPLE_BAND) % 4 == 0)
    if len(rows) == height:
        return cv2.connectedComponents(ink, connectivity=8)[0] - 1
    return (cv2.connectedComponents(ink[rows], connectivity=8)[0] - 1) * height // len(rows)


def find_blobs(ink: np.ndarray) -> Blobs:
    """Every blob of non-zero pixels in the 8-bit image `ink`."""
    if estimated_count(ink) > MAX_TRACED:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        empty = np.zeros(0, np.int64)
        return Blobs(stats[1:count].astype(np.int32), (), empty, empty, labels)
    outlines, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if not outlines:
        empty = np.zeros(0, np.int64)
        return Blobs(np.zeros((0, 5), np.int32), (), empty, empty)
    parent = hierarchy[0, :, 3].astype(np.int64)
    steps = np.fromiter((len(outline) for outline in outlines), np.int64, len(outlines))
    points = np.concatenate(outlines)[:, 0, :].astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(steps)[:-1]))
    x, y = points[:, 0], points[:, 1]
    following = np.arange(len(points)) + 1
    following[starts + steps - 1] = starts  # each outline closes on its first point
    twice_area = np.abs(np.add.reduceat(x * y[following] - x[following] * y, starts))
    pixels = (twice_area + steps) // 2 + 1
    holes = np.flatnonzero(parent >= 0)
    np.subtract.at(pixels, parent[holes], np.maximum((twice_area[holes] - steps[holes]) // 2 + 1, 0))
    outer = np.flatnonzero(parent < 0)
    # An outline starts at its blob's first pixel in raster order.
    outer = outer[np.lexsort((x[starts[outer]], y[starts[outer]]))]
    left, right = np.minimum.reduceat(x, starts)[outer], np.maximum.reduceat(x, starts)[outer]
    top, bottom = np.minimum.reduceat(y, starts)[outer], np.maximum.reduceat(y, starts)[outer]
    stats = np.stack([left, top, right - left + 1, bottom - top + 1, pixels[outer]], axis=1).astype(np.int32)
    return Blobs(stats, outlines, outer, parent)
