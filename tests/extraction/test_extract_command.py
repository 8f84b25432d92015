"""`manage.py extract`: JSON for one file, JSON Lines for several, stderr and exit status for bad ones."""
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from extraction.synth import write_document


def run_extract(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "medocr.test_settings", "OMP_THREAD_LIMIT": "1"}
    return subprocess.run([sys.executable, "manage.py", "extract", *map(str, args)], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def prescription(tmp_path_factory):
    path = tmp_path_factory.mktemp("extract") / "rx.png"
    truth = write_document(path, "prescription", 21, "clean", "png")
    return path, truth


def test_one_file_prints_the_fields_json(prescription):
    path, truth = prescription
    done = run_extract(path, "--json")
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert list(data) == ["file", "kind", "kind_confidence", "pages", "fields"]
    assert (data["file"], data["kind"], data["pages"]) == ("rx.png", "prescription", 1)
    assert {name: field["value"] for name, field in data["fields"].items()} == truth["fields"]
    for field in data["fields"].values():
        assert set(field) >= {"value", "confidence", "page", "bbox"}
        assert 0.0 <= field["confidence"] <= 1.0


def test_several_files_give_json_lines_and_a_line_per_bad_file(prescription, tmp_path):
    path, _ = prescription
    notes = tmp_path / "notes.pdf"
    notes.write_text("not a scan at all\n")
    done = run_extract(path, notes, path, "--kind", "patient_details", "--json")
    assert done.returncode == 1
    assert done.stderr == f"{notes}: This is not a PDF, PNG, JPEG or TIFF file (its content is text/plain).\n"
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == ["rx.png", "rx.png"]
    # The kind given on the command line wins over classification: a patient record's 21 fields.
    assert [line["kind"] for line in lines] == ["patient_details", "patient_details"]
    assert len(lines[0]["fields"]) == 21


def test_unknown_kind_is_a_usage_error(prescription):
    done = run_extract(prescription[0], "--kind", "invoice", "--json")
    assert done.returncode == 2
    assert "invalid choice: 'invoice'" in done.stderr
    assert done.stdout == ""
