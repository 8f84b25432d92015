"""Pages handed to tesseract as uncompressed PGM files: pytesseract would otherwise
spend longer compressing a PNG than tesseract spends reading a clean page."""
from __future__ import annotations

import numpy as np


def write_pgm(path: str, image: np.ndarray) -> None:
    """An 8-bit grey image as a binary PGM file: the bytes cv2.imwrite writes, in one
    write instead of a row at a time."""
    if image.ndim != 2:
        raise ValueError("A PGM file holds one grey channel.")
    image = np.ascontiguousarray(image, dtype=np.uint8)
    with open(path, "wb") as out:
        out.write(b"P5\n%d %d\n255\n" % (image.shape[1], image.shape[0]))
        out.write(image.data)
