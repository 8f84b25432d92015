"""JSON Lines: one object per document with the FIELDS.md names and the review metadata."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .records import ApprovedRecord

CONTENT_TYPE = "application/x-ndjson; charset=utf-8"
EXTENSION = "jsonl"


def line_object(record: ApprovedRecord) -> dict:
    return {
        "document_id": record.document_id,
        "batch_id": record.batch_id,
        "batch": record.batch,
        "kind": record.kind,
        "approved_by": record.approved_by,
        "approved_at": record.approved_at.isoformat() if record.approved_at else None,
        "corrected_fields": list(record.corrected),
        **record.values,
    }


def render(records: Iterable[ApprovedRecord], *, flush_bytes: int = 64 * 1024, **context) -> Iterator[str]:
    pieces: list[str] = []
    size = 0
    for record in records:
        line = json.dumps(line_object(record), ensure_ascii=False, separators=(",", ":")) + "\n"
        pieces.append(line)
        size += len(line)
        if size >= flush_bytes:
            yield "".join(pieces)
            pieces, size = [], 0
    yield "".join(pieces)
