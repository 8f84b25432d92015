"""The CSV column order. Stable: README.md ("Exports") documents it, and a test holds the two equal.

Columns are appended, never reordered or renamed.
"""
from __future__ import annotations

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, field_names

META_COLUMNS = ("document_id", "batch_id", "batch", "kind", "approved_by", "approved_at")


def _union(*lists: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for names in lists:
        for name in names:
            seen.setdefault(name, None)
    return tuple(seen)


# Prescription fields, then the patient-record fields not already listed.
FIELD_COLUMNS = _union(field_names(PRESCRIPTION), field_names(PATIENT_DETAILS))
CSV_COLUMNS = (*META_COLUMNS, *FIELD_COLUMNS, "corrected_fields")

# Medicines (a list) and corrected_fields share one cell each.
LIST_SEPARATOR = "; "
