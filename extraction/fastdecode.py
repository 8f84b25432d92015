"""PNG and TIFF pages decoded by imagecodecs (libspng; libtiff with libdeflate).

Pillow inflates PNG and deflate-compressed TIFF data with zlib, and converts to grey
on top: decoding the generated scans and photos took it 30 to 110 ms a page, two to
three times what imagecodecs takes for the same pixels. Only the plain cases go
this way, which Pillow would give the same (grey within a level: OpenCV's rounding):
one 8-bit grey, RGB or RGBA PNG picture (no animation) or 8-bit grey or RGB TIFF
frame (no extra samples), with no palette, no transparency key and no turn asked for
(EXIF, or an XMP or text chunk Pillow reads EXIF from). Anything else, and anything
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

EXIF_ORIENTATION, TIFF_PHOTOMETRIC, TIFF_BITS, TIFF_EXTRA_SAMPLES = 0x0112, 262, 258, 338
MIN_IS_BLACK, RGB = 1, 2
# PNG chunks that may turn the picture: EXIF, and the text chunks Pillow reads EXIF from.
TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
TURNING_TEXT = (b"XML:com.adobe.xmp", b"Raw profile type")


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
    return (frame.mode in ("L", "RGB", "RGBA") and getattr(frame, "n_frames", 1) == 1
            and "transparency" not in frame.info and not _may_turn_png(data))


def _plain_tiff(frame: Image.Image) -> bool:
    tags = frame.tag_v2
    return (frame.mode in ("L", "RGB") and TIFF_EXTRA_SAMPLES not in tags
            and tags.get(TIFF_PHOTOMETRIC) in (MIN_IS_BLACK, RGB)
            and all(bits == 8 for bits in np.atleast_1d(tags.get(TIFF_BITS, 8)))
            and frame.getexif().get(EXIF_ORIENTATION, 1) in (0, 1))


def _may_turn_png(data: bytes) -> bool:
    """Whether the PNG holds a chunk that may turn the picture: EXIF, or XMP or an
    ImageMagick EXIF profile in a text chunk. Pillow finds those after the picture only
    by decoding it, so the chunks are walked here: 8 bytes of signature, then per chunk
    its length, type, data and checksum."""
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"eXIf":
            return True
        if kind in TEXT_CHUNKS and data[offset + 8:offset + 8 + min(length, 80)].startswith(TURNING_TEXT):
            return True
        if kind == b"IEND":
            return False
        offset += 12 + length
    return False
