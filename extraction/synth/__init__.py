"""Synthetic documents of both kinds, with their ground truth.

    data, truth = generate_document("prescription", seed=7, degradation="photo", fmt="jpeg")
    generate_set("var/bench/generated", n=40, seed=2024)

A document is drawn with the layout and labels of the real forms, filled with
random realistic values, degraded like a phone photo or a scan (see
`degrade.PRESETS`) and saved as a PDF, PNG, JPEG or (multi-page) TIFF. A
two-page record saved as PNG or JPEG has its pages one above the other, as a
tall scan would. `truth` is {"kind": ..., "fields": {...}} in the format of the
corpus ground_truth.json. The same arguments always give the same bytes.
"""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

from PIL import Image

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION
from extraction.synth import values
from extraction.synth.degrade import PRESETS, degrade, spec_for
from extraction.synth.forms import draw_patient_details, draw_prescription

FORMATS = ("pdf", "png", "jpeg", "tiff")
# Bumped whenever the same seed would draw a different document, so stored sets are redrawn.
VERSION = 3
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "tiff": "tif"}
_DRAW = {
    PRESCRIPTION: (values.prescription, draw_prescription),
    PATIENT_DETAILS: (values.patient_details, draw_patient_details),
}


def render_pages(kind: str, seed: int, degradation: str | dict = "clean") -> tuple[list[Image.Image], dict, dict]:
    """(page images, truth, the concrete degradation amounts used).

    `degradation` is a preset name or the amounts themselves, e.g.
    {"turn": 90, "skew": 2.0, "noise": 5, "dpi": 150} (see degrade.spec_for).
    """
    if kind not in _DRAW:
        raise ValueError(f"Unknown kind {kind!r}; expected one of {', '.join(_DRAW)}.")
    rng = random.Random(f"{kind}:{seed}")
    make_values, draw = _DRAW[kind]
    layout, fields = make_values(rng)
    spec = dict(degradation) if isinstance(degradation, dict) else spec_for(degradation, rng)
    pages = draw(layout, fields, spec.get("dpi", 200), rng)
    pages = [degrade(page, spec, rng) for page in pages]
    return pages, {"kind": kind, "fields": fields}, spec


def _stack(pages: list[Image.Image]) -> Image.Image:
    if len(pages) == 1:
        return pages[0]
    width = max(p.width for p in pages)
    tall = Image.new("RGB", (width, sum(p.height for p in pages)), "white")
    y = 0
    for page in pages:
        tall.paste(page, (0, y))
        y += page.height
    return tall


def encode(pages: list[Image.Image], fmt: str, dpi: int = 200, quality: int = 85) -> bytes:
    """The pages as a file of format `fmt`."""
    out = io.BytesIO()
    if fmt == "pdf":
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    elif fmt == "tiff":
        pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate",
                      dpi=(dpi, dpi))
    elif fmt == "png":
        _stack(pages).save(out, "PNG", dpi=(dpi, dpi))
    elif fmt == "jpeg":
        _stack(pages).save(out, "JPEG", quality=quality, dpi=(dpi, dpi))
    else:
        raise ValueError(f"Unknown format {fmt!r}; expected one of {', '.join(FORMATS)}.")
    return out.getvalue()


def generate_document(kind: str, seed: int, degradation: str | dict = "photo",
                      fmt: str = "pdf") -> tuple[bytes, dict]:
    """The bytes of one synthetic document and its ground truth."""
    pages, truth, spec = render_pages(kind, seed, degradation)
    return encode(pages, fmt, spec.get("dpi", 200), spec.get("jpeg", 85)), truth


def write_document(path: str | Path, kind: str, seed: int, degradation: str | dict = "photo",
                   fmt: str = "pdf") -> dict:
    data, truth = generate_document(kind, seed, degradation, fmt)
    Path(path).write_bytes(data)
    return truth


def set_plan(n: int, seed: int) -> list[tuple[str, int, str, str]]:
    """(kind, seed, degradation, format) of each document of a set: kinds alternate,
    every degradation and format appears, the order of combinations is shuffled."""
    rng = random.Random(seed)
    combos = [(d, f) for d in PRESETS for f in FORMATS]
    plan = []
    for i in range(n):
        if i % len(combos) == 0:
            rng.shuffle(combos)
        degradation, fmt = combos[i % len(combos)]
        plan.append(((PRESCRIPTION, PATIENT_DETAILS)[i % 2], seed * 1000 + i, degradation, fmt))
    return plan


def generate_set(out_dir: str | Path, n: int, seed: int) -> dict:
    """Write `n` documents and ground_truth.json into `out_dir`; returns the truth."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth = {}
    for i, (kind, doc_seed, degradation, fmt) in enumerate(set_plan(n, seed)):
        name = f"{kind}_{i + 1:03d}_{degradation}.{EXTENSIONS[fmt]}"
        truth[name] = write_document(out / name, kind, doc_seed, degradation, fmt)
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    return truth


def degrade_set(source_dir: str | Path, out_dir: str | Path, copies: int, seed: int) -> dict:
    """Real documents photographed again: each PDF of `source_dir` (with its
    ground_truth.json) drawn at a preset's resolution, degraded by every preset
    `copies` times with other random amounts, and saved in a format that changes from
    copy to copy. Writes the copies and their ground_truth.json into `out_dir`."""
    from pdf2image import convert_from_path  # the generator itself needs no poppler

    source, out = Path(source_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    originals = json.loads((source / "ground_truth.json").read_text())
    truth = {}
    for name, expected in sorted(originals.items()):
        if not name.lower().endswith(".pdf"):
            continue
        for p, preset in enumerate(PRESETS):
            for copy in range(copies):
                rng = random.Random(f"{seed}:{name}:{preset}:{copy}")
                spec = spec_for(preset, rng)
                pages = [degrade(page, spec, rng)
                         for page in convert_from_path(str(source / name), dpi=spec.get("dpi", 200))]
                fmt = FORMATS[(p + copy) % len(FORMATS)]
                copy_name = f"{Path(name).stem}_{preset}_{copy + 1}.{EXTENSIONS[fmt]}"
                (out / copy_name).write_bytes(encode(pages, fmt, spec.get("dpi", 200), spec.get("jpeg", 85)))
                truth[copy_name] = expected
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    return truth
