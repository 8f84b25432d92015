"""PNG and TIFF pages decoded by imagecodecs (libspng; libtiff with libdeflate).

Pillow inflates PNG and deflate-compressed TIFF data with zlib, and converts to grey
on top: decoding the generated scans and photos took it 30 to 110 ms a page, two to
three times what imagecodecs takes for the same pixels. Only the plain cases go
this way: 8-bit grey, RGB or RGBA pictures with no palette, no transparency key and
no EXIF turn, which Pillow would give unchanged. Anything else, and anything
imagecodecs refuses, is left to Pillow (`decoded` says None), so what Pillow can
read is read as before, and its errors are reported as before.
"""
from __future__ import annotations

import struct

import cv2
import imagecodecs
import numpy as np
from PIL import Image

from extraction.scans import GREY

TIFF_ORIENTATION, TIFF_PHOTOMETRIC, TIFF_BITS = 274, 262, 258
MIN_IS_BLACK, RGB = 1, 2


def decoded(frame: Image.Image, data: bytes, index: int, mode: str) -> Image.Image | None:
    """Frame `index` of the file whose bytes are `data` (opened by Pillow as `frame`,
    its size already checked), as a Pillow image of `mode`; None when it is left to Pillow."""
    try:
        if frame.format == "PNG" and _plain_png(frame, data):
            pixels = imagecodecs.spng_decode(data)
        elif frame.format == "TIFF" and _plain_tiff(frame):
            pixels = imagecodecs.tiff_decode(data, index=index)
        else:
            return None
    except (RuntimeError, ValueError, MemoryError):
        return None
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[frame.mode]
    expected = (frame.height, frame.width) + ((channels,) if channels > 1 else ())
    if pixels.dtype != np.uint8 or pixels.shape != expected:
        return None
    if mode == GREY and channels > 1:
        code = cv2.COLOR_RGB2GRAY if channels == 3 else cv2.COLOR_RGBA2GRAY
        return Image.fromarray(cv2.cvtColor(pixels, code), GREY)
    if channels == 1:
        return Image.fromarray(pixels, "L").convert(mode)
    picture = Image.fromarray(pixels, frame.mode)
    return picture if picture.mode == mode else picture.convert(mode)


def _plain_png(frame: Image.Image, data: bytes) -> bool:
    return frame.mode in ("L", "RGB", "RGBA") and "transparency" not in frame.info and not _has_png_exif(data)


def _plain_tiff(frame: Image.Image) -> bool:
    tags = frame.tag_v2
    return (frame.mode in ("L", "RGB", "RGBA") and tags.get(TIFF_ORIENTATION, 1) in (0, 1)
            and tags.get(TIFF_PHOTOMETRIC) in (MIN_IS_BLACK, RGB)
            and all(bits == 8 for bits in np.atleast_1d(tags.get(TIFF_BITS, 8))))


def _has_png_exif(data: bytes) -> bool:
    """Whether the PNG holds an eXIf chunk (which may turn the picture). Pillow finds one
    only by decoding the picture, so the chunks are walked here: 8 bytes of signature,
    then per chunk its length, type, data and checksum."""
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"eXIf":
            return True
        if kind == b"IEND":
            return False
        offset += 12 + length
    return False
