"""Reading uploaded zip archives without trusting them.

An archive is opened from a seekable file object; nothing is ever written to a
disk path taken from a member's name. Each member comes out as a temporary
file, one at a time, with its expansion bounded three ways: the number of
members, the size each member declares, and the bytes actually read (a
hostile archive can declare small sizes and expand to gigabytes).

Only stored and deflated members are read: every ordinary zip tool writes
those, while bzip2 and LZMA members can expand enormously inside a single
decompression call before any byte can be counted.
"""
from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

CHUNK = 1024 * 1024
READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
# Files that archiving tools add beside the real contents.
TOOL_DEBRIS_DIRS = {"__MACOSX"}
TOOL_DEBRIS_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class ArchiveRejected(Exception):
    """The archive as a whole cannot be opened; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Member:
    """A member read in full: `file` is a temporary file positioned at 0."""

    name: str
    file: BinaryIO
    size: int


@dataclass
class Problem:
    """A member that was not read, and why (in words for a person)."""

    name: str
    message: str


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def unsafe_name(name: str) -> bool:
    """True for names that would escape a folder if anyone ever extracted them."""
    normalised = name.replace("\\", "/")
    if "\x00" in name or normalised.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in PurePosixPath(normalised).parts


def is_tool_debris(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return bool(TOOL_DEBRIS_DIRS & set(path.parts)) or path.name in TOOL_DEBRIS_NAMES or path.name.startswith("._")


def expand(
    archive: BinaryIO, *, max_members: int, max_member_bytes: int, max_total_bytes: int
) -> Iterator[Member | Problem]:
    """Yield each file of the archive as a Member, or a Problem saying why it was not read.

    Raises ArchiveRejected when the archive cannot be opened at all or has
    more than `max_members` files. The caller closes each Member's file.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ArchiveRejected("The zip archive is damaged and could not be opened.") from None
    with bundle:
        entries = [info for info in bundle.infolist() if not info.is_dir() and not is_tool_debris(info.filename)]
        if len(entries) > max_members:
            raise ArchiveRejected(
                f"The zip archive holds {len(entries)} files; the limit is {max_members} per archive. "
                "Split it into smaller archives."
            )
        total = 0
        for info in entries:
            problem = check_entry(info, max_member_bytes=max_member_bytes)
            if problem is None and total + info.file_size > max_total_bytes:
                problem = f"Not opened: the archive's files add up to more than {megabytes(max_total_bytes)}."
            if problem:
                yield Problem(info.filename, problem)
                continue
            result = read_member(bundle, info, limit=min(max_member_bytes, max_total_bytes - total))
            if isinstance(result, Member):
                total += result.size
            yield result


def check_entry(info: zipfile.ZipInfo, *, max_member_bytes: int) -> str | None:
    if unsafe_name(info.filename):
        return "Not opened: its name points outside the archive's folders."
    if info.flag_bits & 0x1:
        return "Not opened: the file is password-protected."
    if info.compress_type not in READABLE_METHODS:
        return ("Not opened: it uses an unusual compression method; "
                "re-create the archive with standard (deflate) compression.")
    if info.file_size > max_member_bytes:
        size, limit = megabytes(info.file_size), megabytes(max_member_bytes)
        return f"Not opened: it expands to {size}; the limit is {limit} per file."
    return None


def read_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> Member | Problem:
    """Copy one member to a temporary file, counting bytes as they come."""
    target = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)
    size = 0
    try:
        with bundle.open(info) as source:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > info.file_size or size > limit:
                    target.close()
                    return Problem(info.filename, "Not opened: it expands to more than its declared size or the limit.")
                target.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError):
        target.close()
        return Problem(info.filename, "The file is damaged inside the archive and could not be read.")
    target.seek(0)
    return Member(info.filename, target, size)
