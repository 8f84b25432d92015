"""reviews.zipfiles: reading uploaded archives with bounded expansion."""
import io
import zipfile

import pytest

from reviews import zipfiles
from reviews.zipfiles import ArchiveRejected, Member, Problem
from tests.support import documents

MB = 1024 * 1024


def expand(data: bytes, *, members=100, member_bytes=5 * MB, total_bytes=20 * MB):
    items = list(zipfiles.expand(io.BytesIO(data), max_members=members, max_member_bytes=member_bytes,
                                 max_total_bytes=total_bytes))
    result = []
    for item in items:
        if isinstance(item, Member):
            result.append(("member", item.name, item.file.read()))
            item.file.close()
        else:
            result.append(("problem", item.name, item.message))
    return result


def test_nested_folders_are_read_in_archive_order_and_tool_debris_is_skipped():
    data = documents.zip_of({
        "march/prescriptions/a.pdf": b"%PDF-a",
        "march/records/deep/b.png": b"png-b",
        "__MACOSX/march/._a.pdf": b"resource fork",
        "march/.DS_Store": b"finder",
        "c.txt": b"notes",
    })

    assert expand(data) == [
        ("member", "march/prescriptions/a.pdf", b"%PDF-a"),
        ("member", "march/records/deep/b.png", b"png-b"),
        ("member", "c.txt", b"notes"),
    ]


def test_member_expanding_past_the_per_file_limit_is_reported_not_read():
    data = documents.zip_of({"bomb.pdf": documents.zeros_member(12 * MB), "ok.pdf": b"%PDF-ok"})

    assert len(data) < 50_000  # a ratio of more than 250 to 1
    assert expand(data) == [
        ("problem", "bomb.pdf", "Not opened: it expands to 12.0 MB; the limit is 5.0 MB per file."),
        ("member", "ok.pdf", b"%PDF-ok"),
    ]


def test_total_expansion_is_bounded_across_members():
    data = documents.zip_of({f"part{n}.pdf": documents.zeros_member(4 * MB) for n in range(4)})

    result = expand(data, member_bytes=5 * MB, total_bytes=10 * MB)

    assert [(kind, name) for kind, name, _ in result] == [
        ("member", "part0.pdf"), ("member", "part1.pdf"), ("problem", "part2.pdf"), ("problem", "part3.pdf"),
    ]
    assert result[2][2] == "Not opened: the archive's files add up to more than 10.0 MB."


def test_member_that_inflates_past_its_declared_size_is_cut_off_and_reported():
    data = documents.lying_zip(real_size=8 * MB, declared_size=1000)

    assert expand(data) == [
        ("problem", "claims.pdf", "The file is damaged inside the archive and could not be read."),
    ]


def test_byte_count_stops_a_member_even_when_the_declared_size_passed_the_check(monkeypatch):
    monkeypatch.setattr(zipfiles, "CHUNK", 64 * 1024)
    data = documents.zip_of({"a.pdf": documents.zeros_member(3 * MB)})
    bundle = zipfile.ZipFile(io.BytesIO(data))

    result = zipfiles.read_member(bundle, bundle.getinfo("a.pdf"), limit=1 * MB)

    assert result == Problem("a.pdf", "Not opened: it expands to more than its declared size or the limit.")


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "/abs/x.pdf", "ok/../../x.pdf", "C:\\evil\\x.pdf", "a\\..\\..\\x.pdf"])
def test_path_traversal_names_are_refused(name):
    data = documents.zip_of({name: b"%PDF-x", "fine.pdf": b"%PDF-y"})

    assert expand(data) == [
        ("problem", name, "Not opened: its name points outside the archive's folders."),
        ("member", "fine.pdf", b"%PDF-y"),
    ]


def test_unusual_compression_is_refused_before_decompressing():
    data = documents.zip_of({"a.pdf": b"%PDF-a" * 100}, compression=zipfile.ZIP_BZIP2)

    assert expand(data) == [("problem", "a.pdf", (
        "Not opened: it uses an unusual compression method; re-create the archive with standard (deflate) compression."
    ))]


def test_too_many_members_rejects_the_archive():
    data = documents.zip_of({f"{n}.pdf": b"%PDF" for n in range(6)})

    with pytest.raises(ArchiveRejected) as raised:
        expand(data, members=5)

    assert raised.value.message == "The zip archive holds 6 files; the limit is 5 per archive. Split it into smaller archives."


def test_damaged_archive_is_rejected():
    data = documents.zip_of({"a.pdf": b"%PDF-a"})

    with pytest.raises(ArchiveRejected) as raised:
        expand(data[: len(data) - 30])

    assert raised.value.message == "The zip archive is damaged and could not be opened."


def test_password_protected_member_is_reported():
    data = bytearray(documents.zip_of({"secret.pdf": b"%PDF-secret"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1  # the "encrypted" flag bit

    assert expand(bytes(data)) == [("problem", "secret.pdf", "Not opened: the file is password-protected.")]
