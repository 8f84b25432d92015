"""CSV: one row per document, one column per field (columns.CSV_COLUMNS)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from .columns import CSV_COLUMNS, FIELD_COLUMNS, LIST_SEPARATOR
from .records import ApprovedRecord

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def row(record: ApprovedRecord) -> list[str]:
    approved_at = record.approved_at.isoformat() if record.approved_at else ""
    meta = [str(record.document_id), str(record.batch_id), cell(record.batch), record.kind, cell(record.approved_by), approved_at]
    fields = [cell(record.values.get(name)) for name in FIELD_COLUMNS]
    return [*meta, *fields, LIST_SEPARATOR.join(record.corrected)]


def render(records: Iterable[ApprovedRecord], *, flush_bytes: int = 64 * 1024, **context) -> Iterator[str]:
    """The header and the rows, in pieces of about flush_bytes characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(row(record))
        if buffer.tell() >= flush_bytes:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
