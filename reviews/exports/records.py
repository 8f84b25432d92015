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


def build_record(*, document_id, batch_id, batch, kind, approved_by, approved_at, fields: dict) -> ApprovedRecord:
    """fields maps a field name to (reviewed value, corrected) or [value, corrected]. A field of the kind without a row exports as null."""
    names = field_names(kind) or sorted(fields)
    values = {name: fields[name][0] if name in fields else None for name in names}
    corrected = tuple(name for name in names if name in fields and fields[name][1])
    return ApprovedRecord(
        document_id=document_id, batch_id=batch_id, batch=batch, kind=kind,
        approved_by=approved_by or "", approved_at=approved_at, values=values, corrected=corrected,
    )


def record_from_document(document) -> ApprovedRecord:
    """The record of a Document whose batch, reviewer and fields are loaded.

    Values are the reviewed ones (ExtractedField.value), never the engine's extracted_value.
    """
    reviewer = document.reviewed_by
    return build_record(
        document_id=document.pk,
        batch_id=document.batch_id,
        batch=document.batch.name,
        kind=document.kind,
        approved_by=reviewer.get_username() if reviewer else "",
        approved_at=document.reviewed_at,
        fields={field.name: (field.value, field.corrected) for field in document.fields.all()},
    )
