"""What phones and scanners do to a page: perspective, shadow, uneven light,
skew, quarter turns, blur, noise and coarse resolution.

`PRESETS` name typical combinations; `spec_for(name, rng)` turns a name into
concrete random amounts, and `degrade(image, spec, rng)` applies them.
"""
from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image

PRESETS = ("clean", "scan", "photo", "rotated", "lowres", "harsh")


def spec_for(name: str, rng: random.Random) -> dict:
    """Concrete amounts for a preset (every value drawn from `rng`)."""
    if name == "clean":
        return {"dpi": 200}
    if name == "scan":
        return {"dpi": 200, "skew": rng.uniform(-3, 3), "blur": rng.uniform(0.3, 0.8),
                "noise": rng.uniform(3, 8), "jpeg": rng.randint(60, 85)}
    if name == "photo":
        return {"dpi": rng.choice([170, 200, 230]), "skew": rng.uniform(-4, 4), "perspective": rng.uniform(0.01, 0.04),
                "shadow": rng.uniform(0.35, 0.6), "light": rng.uniform(0.1, 0.3), "blur": rng.uniform(0.4, 1.0),
                "noise": rng.uniform(3, 9), "jpeg": rng.randint(55, 85)}
    if name == "rotated":
        spec = spec_for("scan", rng)
        spec.update({"turn": rng.choice([90, 180, 270]), "shadow": rng.uniform(0.2, 0.45)})
        return spec
    if name == "lowres":
        return {"dpi": rng.choice([110, 120, 135]), "skew": rng.uniform(-1.5, 1.5), "blur": rng.uniform(0.2, 0.5),
                "noise": rng.uniform(2, 6), "jpeg": rng.randint(70, 90)}
    if name == "harsh":  # a bad phone photo: coarse, soft, noisy, shadowed, squeezed JPEG
        return {"dpi": rng.choice([120, 130]), "skew": rng.uniform(-5, 5), "perspective": rng.uniform(0.02, 0.04),
                "shadow": rng.uniform(0.45, 0.65), "light": rng.uniform(0.2, 0.35), "blur": rng.uniform(0.7, 1.0),
                "noise": rng.uniform(6, 9), "jpeg": rng.randint(50, 65)}
    raise ValueError(f"Unknown degradation {name!r}; expected one of {', '.join(PRESETS)}.")


def _perspective(pixels: np.ndarray, amount: float, rng: random.Random) -> np.ndarray:
    """Put the page on a darker table and look at it slightly from the side."""
    h, w = pixels.shape[:2]
    margin = int(0.04 * max(h, w))
    table = tuple(int(v) for v in rng.choice([(70, 60, 55), (120, 110, 95), (40, 45, 50)]))
    canvas = cv2.copyMakeBorder(pixels, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=table)
    ch, cw = canvas.shape[:2]
    src = np.float32([[margin, margin], [margin + w, margin], [margin + w, margin + h], [margin, margin + h]])
    jitter = np.float32([[rng.uniform(-1, 1) * amount * w, rng.uniform(-1, 1) * amount * h] for _ in range(4)])
    matrix = cv2.getPerspectiveTransform(src, src + jitter)
    return cv2.warpPerspective(canvas, matrix, (cw, ch), borderMode=cv2.BORDER_CONSTANT, borderValue=table)


def _shadow(pixels: np.ndarray, strength: float, rng: random.Random) -> np.ndarray:
    """A soft dark shape, as a hand or a phone casts over part of the page."""
    h, w = pixels.shape[:2]
    mask = np.zeros((h, w), np.float32)
    x0 = rng.uniform(-0.2, 0.5) * w
    y0 = rng.uniform(0.3, 0.8) * h
    points = np.int32([[x0, h * 1.1], [x0 + rng.uniform(0.1, 0.3) * w, y0],
                       [x0 + rng.uniform(0.4, 0.7) * w, y0 + rng.uniform(-0.1, 0.1) * h],
                       [x0 + rng.uniform(0.5, 0.9) * w, h * 1.1]])
    cv2.fillPoly(mask, [points], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), sigmaX=rng.uniform(0.01, 0.04) * w)
    factor = 1.0 - strength * mask
    return (pixels.astype(np.float32) * factor[..., None]).clip(0, 255).astype(np.uint8)


def _light(pixels: np.ndarray, strength: float, rng: random.Random) -> np.ndarray:
    """Light falling off across the page from one side."""
    h, w = pixels.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (xs / w - 0.5) * np.cos(angle) + (ys / h - 0.5) * np.sin(angle)
    factor = 1.0 - strength * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    return (pixels.astype(np.float32) * factor[..., None]).clip(0, 255).astype(np.uint8)


def _rotate(pixels: np.ndarray, degrees: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(pixels, matrix, (nw, nh), borderValue=(245, 245, 240))


def degrade(image: Image.Image, spec: dict, rng: random.Random) -> Image.Image:
    pixels = np.asarray(image.convert("RGB")).copy()
    if spec.get("perspective"):
        pixels = _perspective(pixels, spec["perspective"], rng)
    if spec.get("skew"):
        pixels = _rotate(pixels, spec["skew"])
    if spec.get("shadow"):
        pixels = _shadow(pixels, spec["shadow"], rng)
    if spec.get("light"):
        pixels = _light(pixels, spec["light"], rng)
    if spec.get("blur"):
        pixels = cv2.GaussianBlur(pixels, (0, 0), sigmaX=spec["blur"])
    if spec.get("noise"):
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, spec["noise"], pixels.shape)
        pixels = (pixels.astype(np.float32) + noise).clip(0, 255).astype(np.uint8)
    turn = spec.get("turn", 0)
    if turn:
        pixels = np.ascontiguousarray(np.rot90(pixels, k=turn // 90))
    return Image.fromarray(pixels)
