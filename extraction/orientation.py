"""Which way up a page lies, how skewed and how large its text is: measured on one
small copy before any OCR, so tesseract reads each page once, the right way up.

Two cheap signs of printed Latin text, both from the letters' boxes:
- sideways: a letter's nearest neighbour sits beside it in a line running across
  the page, or above/below it in a line running up or down the page;
- upside down: in an upright line more letters rise above the others (capitals,
  b d f h k l t and digits) than hang below them (g j p q y); turned by 180 degrees
  it is the other way round.
The engine still checks how the page read, and asks tesseract's orientation
detection when the text read badly, so an unclear vote costs time, not accuracy.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extraction.blobs import AREA, HEIGHT, WIDTH, find_blobs
from extraction.preprocess import MIN_SKEW_DEGREES, remove_shadow, rotate, skew_angle, working_copy

WORKING_WIDTH = 1200
# Fewer letter-like blobs than this and nothing is measured (a blank or nearly blank page).
MIN_LETTERS = 20
# Below this share of letters with their nearest neighbour beside them, the lines run up the page.
SIDEWAYS_BELOW = 0.4
# A letter rises (or hangs) when it passes its line's median top (or bottom) by this share of its height.
RISE = 0.15
# One direction has to outvote the other by this factor, with this many votes, to be sure.
SURE_RATIO = 1.5
SURE_VOTES = 12


@dataclass(frozen=True)
class Layout:
    turn: int  # degrees counter-clockwise that make the lines run upright across the page
    skew: float  # then degrees counter-clockwise that level them
    text_height: float | None  # median letter height, in pixels of the page as given
    sure: bool  # whether the up/down vote was clear


def _ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels by Otsu's threshold. Not smoothed: on the small copy a median
    filter would wear away the thin strokes of l, t and 1 that the vote counts."""
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]


def _blobs(ink: np.ndarray) -> np.ndarray:
    """Stats (x, y, w, h, area) of the blobs the size of a letter, in either direction."""
    stats = find_blobs(ink).stats
    w, h, area = stats[:, WIDTH], stats[:, HEIGHT], stats[:, AREA]
    longest = np.maximum(w, h)
    keep = (longest >= 4) & (longest <= max(ink.shape) / 20) & (w <= 5 * h) & (h <= 8 * w) & (area >= 6)
    return stats[keep]


def beside_share(stats: np.ndarray, sample: int = 800) -> float | None:
    """Share of letters whose nearest neighbour lies beside them rather than above or below
    (None when there are too few letters, or too few near each other, to tell)."""
    if len(stats) < MIN_LETTERS:
        return None
    centres = np.stack([stats[:, 0] + stats[:, 2] / 2, stats[:, 1] + stats[:, 3] / 2], axis=1)
    queries = centres if len(centres) <= sample else centres[np.linspace(0, len(centres) - 1, sample).astype(int)]
    # Squared distances as |q|^2 + |c|^2 - 2 q.c, one matrix product: exact in float64
    # for centres on a half-pixel grid, and several times faster than the differences.
    distances = (queries ** 2).sum(axis=1)[:, None] + (centres ** 2).sum(axis=1)[None, :] - 2 * queries @ centres.T
    distances[distances == 0] = np.inf
    nearest = distances.argmin(axis=1)
    offsets = np.abs(centres[nearest] - queries)
    size = float(np.median(np.maximum(stats[:, 2], stats[:, 3])))
    close = np.sqrt(distances[np.arange(len(queries)), nearest]) < 2.5 * size
    offsets = offsets[close]
    if len(offsets) < MIN_LETTERS:
        return None
    return float((offsets[:, 0] > offsets[:, 1]).mean())


def _turned_quarter(stats: np.ndarray, width: int) -> np.ndarray:
    """The same boxes after the image (`width` wide) is turned 90 degrees counter-clockwise."""
    turned = stats.copy()
    turned[:, 0] = stats[:, 1]
    turned[:, 1] = width - stats[:, 0] - stats[:, 2]
    turned[:, 2], turned[:, 3] = stats[:, 3], stats[:, 2]
    return turned


def rise_and_hang(ink: np.ndarray, stats: np.ndarray) -> tuple[int, int]:
    """(letters rising above their line, letters hanging below it) on a level page.

    Letters are grouped into lines by smearing the ink along the rows; dots,
    commas and dashes (much shorter than the line's letters) do not vote.
    """
    heights = stats[:, HEIGHT]
    reach = max(3, int(round(1.2 * float(np.median(heights)))))
    smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, 1)))
    _, line_of = cv2.connectedComponents(smeared, connectivity=8)
    x = np.clip(stats[:, 0] + stats[:, 2] // 2, 0, ink.shape[1] - 1)
    y = np.clip(stats[:, 1] + stats[:, 3] // 2, 0, ink.shape[0] - 1)
    lines = line_of[y, x]
    tops, bottoms = stats[:, 1], stats[:, 1] + heights
    rise = hang = 0
    order = np.argsort(lines, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(lines[order])) + 1):
        if lines[group[0]] == 0 or len(group) < 4:
            continue
        usual = float(np.median(heights[group]))
        group = group[heights[group] >= 0.6 * usual]
        if len(group) < 4:
            continue
        margin = max(1.0, RISE * usual)
        rise += int((tops[group] < np.median(tops[group]) - margin).sum())
        hang += int((bottoms[group] > np.median(bottoms[group]) + margin).sum())
    return rise, hang


def _letter_height(gray: np.ndarray) -> float | None:
    """Median height of the blobs shaped like upright letters, noise grains smoothed away first."""
    smooth = cv2.threshold(cv2.medianBlur(gray, 3), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    stats = find_blobs(smooth).stats
    page_height = gray.shape[0]
    w, h, area = stats[:, WIDTH], stats[:, HEIGHT], stats[:, AREA]
    letters = (h >= 5) & (h <= page_height / 20) & (w <= 3 * h) & (area >= 12) & (area >= 0.15 * w * h)
    return float(np.median(h[letters])) if letters.sum() >= MIN_LETTERS else None


@dataclass(frozen=True)
class SmallCopy:
    """A page's working copy, measured once and reused by every question asked of it."""
    image: np.ndarray  # WORKING_WIDTH wide at most, its light flattened
    factor: float  # its scale
    ink: np.ndarray
    letters: np.ndarray  # stats of its letter-sized blobs

    @property
    def runs_up(self) -> bool:
        """Whether the text lines run up or down the page (turned by 90 or 270 degrees)."""
        share = beside_share(self.letters)
        return share is not None and share < SIDEWAYS_BELOW


def small_copy(gray: np.ndarray) -> SmallCopy:
    small, factor = working_copy(gray, WORKING_WIDTH)
    small = remove_shadow(small)
    ink = _ink(small)
    return SmallCopy(small, factor, ink, _blobs(ink))


def measure(gray: np.ndarray, copy: SmallCopy | None = None) -> Layout:
    """The turn, skew and letter size of a page, from a small copy with its light
    flattened (`copy`, when it has been made already)."""
    copy = copy or small_copy(gray)
    small, factor, ink, stats = copy.image, copy.factor, copy.ink, copy.letters
    turn = 0
    if copy.runs_up:
        small, ink, turn = np.ascontiguousarray(np.rot90(small)), np.ascontiguousarray(np.rot90(ink)), 90
        stats = _turned_quarter(stats, ink.shape[0])
    text_height = _letter_height(small)
    if text_height is None:
        return Layout(turn, 0.0, None, False)
    skew = skew_angle(small)
    if abs(skew) >= MIN_SKEW_DEGREES:
        ink = _ink(rotate(small, skew))
        stats = _blobs(ink)
    else:
        skew = 0.0
    rise, hang = rise_and_hang(ink, stats)
    if hang > rise:
        turn = (turn + 180) % 360
    sure = max(rise, hang) >= SURE_RATIO * min(rise, hang) and rise + hang >= SURE_VOTES
    # Turns about the centre commute: the half turn does not change the skew.
    return Layout(turn, skew, text_height / factor, sure)


# Taller than this (height / width) is more than one page turned on its side.
STACKED_SIDEWAYS_RATIO = 1.45


def stacked_sideways_split(gray: np.ndarray, copy: SmallCopy | None = None) -> int | None:
    """The row between two pages stacked one above the other, each turned on its side
    (once turned upright they would stand side by side, and their columns would run
    into each other), or None when the picture is not such a stack. The cut is a
    row with the least ink in the middle fifth of the picture. `copy`: the picture's
    small copy, when it has been made already."""
    height, width = gray.shape[:2]
    if height < STACKED_SIDEWAYS_RATIO * width or not (copy or small_copy(gray)).runs_up:
        return None
    small, factor = working_copy(gray, 500)
    ink = (cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1] > 0).sum(axis=1)
    ink = np.convolve(ink, np.ones(5) / 5, mode="same")
    low, high = int(0.4 * len(ink)), int(0.6 * len(ink))
    band = ink[low:high]
    # Of the emptiest rows (a page's own blank margin may be as empty), the one nearest the middle.
    emptiest = np.flatnonzero(band <= band.min() + 0.5) + low
    return int(emptiest[np.argmin(np.abs(emptiest - len(ink) / 2))] / factor)
