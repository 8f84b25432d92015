"""The CSV and JSON Lines writers on their own, and the documented column order."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

from reviews.exports import csv as csv_format
from reviews.exports import jsonl
from reviews.exports.columns import CSV_COLUMNS
from reviews.exports.records import build_record

README = Path(__file__).resolve().parents[2] / "README.md"


def record(**values):
    return build_record(
        document_id=7, batch_id=3, batch="May, \"urgent\"", kind="prescription", approved_by="checker",
        approved_at=datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc),
        fields={name: (value, name == "refills") for name, value in values.items()},
    )


def test_readme_documents_the_csv_columns_in_order():
    text = README.read_text()
    section = text[text.index("## Exports"):text.index("## API")]

    documented = re.findall(r"^\d+\. `(\w+)`", section, flags=re.M)

    assert documented == list(CSV_COLUMNS)


def test_csv_quotes_commas_and_quotes_and_joins_medicines():
    rows = "".join(csv_format.render([record(
        prescriber_name="Dr John Smith, M.D", medicines=["Prednisone 20 mg", "Lialda 2.4 gram"], refills=2,
    )]))

    parsed = list(csv.reader(io.StringIO(rows)))

    assert parsed[0] == list(CSV_COLUMNS)
    row = dict(zip(CSV_COLUMNS, parsed[1]))
    assert row["batch"] == 'May, "urgent"'
    assert row["prescriber_name"] == "Dr John Smith, M.D"
    assert row["medicines"] == "Prednisone 20 mg; Lialda 2.4 gram"
    assert row["refills"] == "2"
    assert row["patient_name"] == ""  # no field row: null, an empty cell
    assert row["weight"] == ""  # a field of the other kind
    assert row["corrected_fields"] == "refills"
    assert row["approved_at"] == "2026-05-04T09:30:00+00:00"


def test_csv_defuses_spreadsheet_formulas_but_not_numbers():
    assert csv_format.cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_format.cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_format.cell("+44 20 7946 0958") == "'+44 20 7946 0958"
    assert csv_format.cell("-5") == "-5"
    assert csv_format.cell(0) == "0"
    assert csv_format.cell(None) == ""


def test_csv_is_written_in_pieces_not_at_once():
    records = [record(patient_name=f"Patient {i}", refills=i) for i in range(400)]

    pieces = list(csv_format.render(records, flush_bytes=4096))

    assert len(pieces) > 5
    assert all(len(piece) < 4096 + 1024 for piece in pieces)
    assert len(list(csv.reader(io.StringIO("".join(pieces))))) == 401


def test_jsonl_keeps_types_and_non_ascii_text():
    text = "".join(jsonl.render([record(patient_name="Zoë Ünal", refills=0, medicines=["Ibuprofen 200 mg"])]))

    line = json.loads(text)

    assert text.endswith("\n") and text.count("\n") == 1
    assert "Zoë Ünal" in text
    assert line["refills"] == 0
    assert line["medicines"] == ["Ibuprofen 200 mg"]
    assert line["directions"] is None
    assert line["corrected_fields"] == ["refills"]
