"""ApprovedRecord: one approved document as the exports see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from extraction.fields import field_names


@dataclass(frozen=True, slots=True)
class ApprovedRecord:
    document_id: int
    batch_id: int
    batch: str
    kind: str
    approved_by: str
    approved_at: datetime | None
    # The reviewed value of every field of the kind, in FIELDS.md order.
    values: dict
    corrected: tuple[str, ...]


def record_from_document(document) -> ApprovedRecord:
    """Build the record from a Document whose batch, reviewer and fields are loaded.

    Values are the reviewed ones (ExtractedField.value), never the engine's
    extracted_value. A field of the kind without a row exports as null.
    """
    rows = {field.name: field for field in document.fields.all()}
    names = field_names(document.kind) or sorted(rows)
    values = {name: rows[name].value if name in rows else None for name in names}
    corrected = tuple(name for name in names if name in rows and rows[name].corrected)
    reviewer = document.reviewed_by
    return ApprovedRecord(
        document_id=document.pk,
        batch_id=document.batch_id,
        batch=document.batch.name,
        kind=document.kind,
        approved_by=reviewer.get_username() if reviewer else "",
        approved_at=document.reviewed_at,
        values=values,
        corrected=corrected,
    )
