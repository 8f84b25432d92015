"""python manage.py import_folder: a folder of mixed files, read by a real worker."""
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reviews.models import Batch, DocumentStatus
from tests.support import documents

S = DocumentStatus


def write(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.mark.worker
def test_a_mixed_folder_is_imported_and_processed(celery_worker, tmp_path):
    documents.organization("Northwind Health")
    write(tmp_path, {
        "prescriptions/rx.pdf": documents.variant(documents.prescription(), 1),
        "prescriptions/again/rx-copy.pdf": documents.variant(documents.prescription(), 1),
        "records.zip": documents.zip_of({"scans/record.pdf": documents.patient_record(), "scans/list.csv": b"a,b\n"}),
        "bad/locked.pdf": documents.encrypted_pdf(),
        "bad/cut.pdf": documents.truncated_pdf(),
        "bad/huge.png": documents.huge_png(),
        "bad/long.pdf": documents.pdf_with_pages(21),
        "bad/empty.pdf": documents.pdf_with_pages(0),
        "bad/letter.png": documents.neither_kind_page(),
        "records/scan.tif": documents.synthetic("patient_details", "tiff")[0],
        "bad/memo.txt": documents.text_file(),
        ".DS_Store": b"finder",
    })
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_folder", str(tmp_path), "--org", "northwind-health", "--batch-name", "Weekly load",
                     stdout=out, stderr=err)

    batch = Batch.objects.get()
    assert str(raised.value) == "2 files not accepted (listed above)."
    assert raised.value.returncode == 1
    copy = batch.documents.get(status=S.DUPLICATE)
    assert out.getvalue().splitlines() == [
        f"Batch #{batch.pk} “Weekly load” for Northwind Health: 9 documents queued, 1 duplicate, 2 files not accepted.",
        f"duplicate: prescriptions/again/rx-copy.pdf (same file as document #{copy.duplicate_of_id})",
    ]
    assert err.getvalue().splitlines() == [
        "records.zip/scans/list.csv: Skipped: this file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text.",
        "bad/memo.txt: This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text.",
    ]

    documents.wait_until(lambda: not batch.documents.filter(status__in=[S.QUEUED, S.PROCESSING]).exists(),
                         timeout=120, worker=celery_worker)

    assert list(batch.documents.order_by("original_filename").values_list("original_filename", "status", "kind", "error")) == [
        ("bad/cut.pdf", S.FAILED, "unknown", "The PDF is damaged or incomplete and cannot be read."),
        ("bad/empty.pdf", S.FAILED, "unknown", "The PDF has no pages."),
        ("bad/huge.png", S.FAILED, "unknown", "A page is larger than the limit of 60,000,000 pixels."),
        ("bad/letter.png", S.NEEDS_REVIEW, "unknown", ""),
        ("bad/locked.pdf", S.FAILED, "unknown", "The PDF is protected by a password and cannot be read."),
        ("bad/long.pdf", S.FAILED, "unknown", "The document has 21 pages; the limit is 20."),
        ("bad/memo.txt", S.FAILED, "unknown",
         "This file is not a PDF or an image (PNG, JPEG, TIFF); its contents look like: ASCII text."),
        ("prescriptions/again/rx-copy.pdf", S.DUPLICATE, "unknown", ""),
        ("prescriptions/rx.pdf", S.NEEDS_REVIEW, "prescription", ""),
        ("records.zip/scans/record.pdf", S.NEEDS_REVIEW, "patient_details", ""),
        ("records/scan.tif", S.NEEDS_REVIEW, "patient_details", ""),
    ]
    tiff = batch.documents.get(original_filename="records/scan.tif")
    truth = documents.synthetic("patient_details", "tiff")[1]["fields"]
    assert (tiff.content_type, tiff.page_count, tiff.patient_name) == ("image/tiff", 2, truth["patient_name"])
    assert batch.documents.get(original_filename="prescriptions/rx.pdf").patient_name == "Maria Sharapova"
    assert batch.documents.get(original_filename="records.zip/scans/record.pdf").fields.get(name="measles").value == "IMMUNE"


@pytest.mark.django_db
def test_a_clean_folder_exits_zero(tmp_path, django_capture_on_commit_callbacks):
    documents.organization("Northwind Health")
    write(tmp_path, {"a.png": documents.neither_kind_page()})
    out = io.StringIO()

    with django_capture_on_commit_callbacks() as enqueued:
        call_command("import_folder", str(tmp_path), "--org", "Northwind Health", stdout=out)

    batch = Batch.objects.get()
    assert batch.name == tmp_path.name
    assert out.getvalue() == f"Batch #{batch.pk} “{tmp_path.name}” for Northwind Health: 1 document queued.\n"
    assert len(enqueued) == 1


@pytest.mark.django_db
def test_unknown_organisation_is_refused_with_the_known_ones(tmp_path):
    documents.organization("Northwind Health")

    with pytest.raises(CommandError) as raised:
        call_command("import_folder", str(tmp_path), "--org", "Contoso")

    assert str(raised.value) == "No organisation named 'Contoso'. Known organisations: Northwind Health."
    assert Batch.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("import_folder", str(tmp_path / "nowhere"), "--org", "x")

    assert str(raised.value) == f"{tmp_path / 'nowhere'} is not a folder."


def test_command_line_usage_names_the_arguments():
    result = subprocess.run([sys.executable, "manage.py", "import_folder", "--help"], capture_output=True, text=True,
                            cwd=documents.ROOT, env={"DEBUG": "1", "PATH": "/usr/bin:/bin"})

    assert result.returncode == 0
    assert "usage: manage.py import_folder [-h] --org ORG [--batch-name BATCH_NAME]" in result.stdout
