"""Page clean-up with OpenCV, one small measurable step per function.

Images are 8-bit numpy arrays (grayscale unless said otherwise). The steps:
`to_gray`, `remove_shadow` (flatten uneven light of phone photos), `rescale`
(bring letters to the size tesseract reads best; extraction.orientation measures
them), `skew_angle` and `rotate` (straighten a page photographed at an angle),
`osd_rotation` (tesseract's orientation detection, for pages whose text read
badly), `remove_rules` and `black_and_white` (adaptive threshold, specks removed).
"""
from __future__ import annotations

import re
import tempfile

import cv2
import numpy as np
import pytesseract
from PIL import Image

from extraction.bands import median_blur
from extraction.blobs import HEIGHT, WIDTH, find_blobs
from extraction.pgm import write_pgm

# Letters this tall (median connected component, in pixels) read best and fast.
TARGET_TEXT_HEIGHT = 20
# Only rescale when the text is this far from the target (saves time and blur).
RESCALE_BELOW = 18
RESCALE_ABOVE = 22
# Small letters are enlarged at most this much: more costs tesseract time on coarse
# photos without reading them better.
MAX_ENLARGEMENT = 1.5
# Smallest skew worth straightening, and the largest one believed.
MIN_SKEW_DEGREES = 0.4
MAX_SKEW_DEGREES = 20.0
OSD_WIDTH = 1400


def to_gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image if image.mode == "L" else image.convert("L"))


def working_copy(gray: np.ndarray, width: int = 1000) -> tuple[np.ndarray, float]:
    """A downscaled copy for cheap estimates, and the factor it was scaled by."""
    factor = min(1.0, width / gray.shape[1])
    if factor == 1.0:
        return gray, 1.0
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return small, factor


def remove_shadow(gray: np.ndarray) -> np.ndarray:
    """Divide the page by its background light so shadows and gradients vanish.

    The background is estimated on a small copy (dilation removes the text,
    a median blur smooths what is left), then scaled back up.
    """
    small, factor = working_copy(gray, 600)
    kernel = np.ones((7, 7), np.uint8)
    background = median_blur(cv2.dilate(small, kernel), 21)
    if factor != 1.0:
        background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, cv2.max(background, 1), scale=255)
    return cv2.normalize(flat, None, 0, 255, cv2.NORM_MINMAX)


def remove_rules(gray: np.ndarray) -> np.ndarray:
    """Paint out long horizontal rules (form lines, underlines) that OCR reads as letters."""
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    length = max(40, gray.shape[1] // 30)
    # A rule is a run of `length` dark pixels along a row: only a row with that many dark
    # pixels in all can hold one, and the opening, row by row, is worked out on those.
    rows = np.flatnonzero(cv2.reduce(ink, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S)[:, 0] >= 255 * length)
    if not len(rows):
        return gray
    rules = np.zeros_like(ink)
    rules[rows] = cv2.morphologyEx(ink[rows], cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    if not cv2.countNonZero(rules):
        return gray
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    return cv2.max(gray, rules)  # white (255) under the rules, the page elsewhere (0)


# More dark blobs than this on a page is grain, not print: the page is smoothed first.
NOISY_COMPONENTS = 12_000


def black_and_white(gray: np.ndarray) -> np.ndarray:
    """The page for tesseract: binarised, specks removed. A grainy photo (thousands of
    blobs after thresholding, which would keep tesseract busy for minutes) is smoothed
    before thresholding."""
    binary = binarize(gray)
    if grainy(binary):
        binary = binarize(cv2.GaussianBlur(gray, (5, 5), 0))
    return _without_specks(binary)


def grainy(binary: np.ndarray) -> bool:
    """Whether a binarised page holds more than NOISY_COMPONENTS blobs, estimated from
    its middle quarter: grain covers a photo evenly, print is densest in the middle,
    so a page of plain print never comes near the limit."""
    height, width = binary.shape[:2]
    middle = binary[height // 4:height - height // 4, width // 4:width - width // 4]
    count = cv2.connectedComponents(cv2.bitwise_not(middle), connectivity=8)[0]
    return count * (binary.size / max(middle.size, 1)) > NOISY_COMPONENTS


def _without_specks(binary: np.ndarray, text_px: float = TARGET_TEXT_HEIGHT) -> np.ndarray:
    """Paint out what is not print: dust and scanner noise far smaller than a full
    stop, and dark masses far taller or wider than a letter (`text_px`: page edges,
    a curled corner, the table around a photographed sheet), which make tesseract
    skip the text beside them. Dust is measured in pixels, whatever the letter size."""
    ink = cv2.compare(binary, 0, cv2.CMP_EQ)
    # Dust: a dark pixel with fewer than SPECK_PIXELS dark pixels (itself included) in
    # the SPECK_REACH square around it. Its blob then has fewer than SPECK_PIXELS pixels
    # (a larger one would reach out of the square through more), and at most a few
    # others lie near it; a grain that close to print, or in a clump, stays.
    count = cv2.boxFilter(ink // 255, -1, (SPECK_REACH, SPECK_REACH), normalize=False,
                          borderType=cv2.BORDER_CONSTANT)
    dust = cv2.bitwise_and(ink, cv2.compare(count, SPECK_PIXELS, cv2.CMP_LT))
    ink = cv2.subtract(ink, dust)
    found = find_blobs(ink)
    height, width = found.stats[:, HEIGHT], found.stats[:, WIDTH]
    masses = np.flatnonzero((height > 5 * text_px) | (width > 40 * text_px))
    if not cv2.countNonZero(dust) and not len(masses):
        return binary
    cleaned = cv2.bitwise_or(binary, dust)
    if len(masses):
        cleaned = cv2.bitwise_or(cleaned, found.mask(masses, ink.shape))
    return cleaned


# Dust: fewer dark pixels than this in the square this wide around a dark pixel.
SPECK_PIXELS = 4
SPECK_REACH = 7


def binarize(gray: np.ndarray, block: int = 31, offset: int = 14) -> np.ndarray:
    """Adaptive threshold: black text on white, robust to what light is left.

    The block is about one and a half letters tall at TARGET_TEXT_HEIGHT; the offset
    keeps faint grey labels and drops the paper's texture. A pixel is white when it is
    brighter than its neighbourhood's Gaussian-weighted mean less the offset: what
    cv2.adaptiveThreshold computes, but written out with a separable blur, which is
    several times faster on a full page. (The mean worked out on a half-size copy and
    scaled back costs half as much again, but moves the threshold at the edges of print:
    measured twice, it read fewer fields right each time.)
    """
    local = cv2.GaussianBlur(gray, (block, block), 0, borderType=cv2.BORDER_REPLICATE)
    binary = cv2.compare(gray, cv2.subtract(local, offset), cv2.CMP_GT)
    dark = cv2.compare(local, offset, cv2.CMP_LT)  # there the threshold is below zero: every pixel is white
    return cv2.bitwise_or(binary, dark)


def rescale(gray: np.ndarray, factor: float) -> np.ndarray:
    if abs(factor - 1.0) < 0.05:
        return gray
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def scale_factor(height: float | None) -> float:
    """How much to resize so letters come near TARGET_TEXT_HEIGHT."""
    if not height or RESCALE_BELOW <= height <= RESCALE_ABOVE:
        return 1.0
    return min(MAX_ENLARGEMENT, TARGET_TEXT_HEIGHT / height)


def skew_angle(gray: np.ndarray) -> float:
    """The angle in degrees (counter-clockwise positive) of the text lines.

    Letters are smeared sideways into line-shaped blobs; each long thin blob's
    orientation votes, weighted by its length.
    """
    small, _ = working_copy(gray, 1000)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    lines = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 1)))
    lines = cv2.morphologyEx(lines, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles, weights = [], []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < 60 or len(contour) < 5:
            continue
        vx, vy = cv2.fitLine(contour, cv2.DIST_L2, 0, 0.01, 0.01)[:2, 0]
        angle = float(np.degrees(np.arctan2(vy, vx)))
        angle = ((angle + 90) % 180) - 90
        thickness = cv2.contourArea(contour) / max(w, 1)
        if abs(angle) <= MAX_SKEW_DEGREES and w >= 5 * max(thickness, 1):
            # A line sloping down to the right is levelled by turning counter-clockwise.
            angles.append(angle)
            weights.append(w)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    median = np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)]
    return float(median)


def rotate(image: np.ndarray, degrees: float, fill: int | tuple = 255) -> np.ndarray:
    """Turn counter-clockwise by `degrees`, growing the canvas to keep every corner."""
    if degrees % 360 == 0:
        return image
    quarter = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    if degrees % 360 in quarter:
        return cv2.rotate(image, quarter[int(degrees % 360)])
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


_OSD_ROTATE = re.compile(r"Rotate: (\d+)")
_OSD_CONFIDENCE = re.compile(r"Orientation confidence: ([\d.]+)")


def osd_rotation(gray: np.ndarray, timeout: int = 30) -> tuple[int, float]:
    """Degrees to turn counter-clockwise to make the page upright, and OSD's confidence.

    Runs tesseract's orientation detection on a downscaled copy, which is much
    cheaper than on the full page and just as sure for printed forms.
    """
    small, _ = working_copy(gray, OSD_WIDTH)
    # Handed over as an uncompressed PGM file: pytesseract would spend longer
    # compressing a PNG than tesseract spends on the page.
    with tempfile.NamedTemporaryFile(prefix="medocr-osd-", suffix=".pgm") as image_file:
        write_pgm(image_file.name, small)
        try:
            report = pytesseract.image_to_osd(image_file.name, config="--psm 0", timeout=timeout)
        except pytesseract.TesseractError:
            return 0, 0.0  # too little text to tell
    rotate_match, confidence_match = _OSD_ROTATE.search(report), _OSD_CONFIDENCE.search(report)
    if not rotate_match:
        return 0, 0.0
    # Tesseract reports the clockwise turn that makes the page upright.
    clockwise = int(rotate_match.group(1)) % 360
    return (360 - clockwise) % 360, float(confidence_match.group(1)) if confidence_match else 0.0
