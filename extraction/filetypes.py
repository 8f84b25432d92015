"""File type from the bytes, never from the name."""
from __future__ import annotations

import magic

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
ZIP = "application/zip"
DOCUMENT_TYPES = (PDF, PNG, JPEG, TIFF)


def sniff(data: bytes) -> str:
    """The MIME type libmagic reads from the first bytes of a file."""
    return magic.from_buffer(data[:8192], mime=True)


def sniff_file(path) -> str:
    with open(path, "rb") as handle:
        return sniff(handle.read(8192))
