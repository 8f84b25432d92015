"""The export formats by ExportFormat value."""
from __future__ import annotations

from types import ModuleType

from ..models import ExportFormat
from . import csv, fhir, jsonl

FORMATS: dict[str, ModuleType] = {
    ExportFormat.CSV: csv,
    ExportFormat.JSONL: jsonl,
    ExportFormat.FHIR: fhir,
}


def format_module(name: str) -> ModuleType:
    return FORMATS[ExportFormat(name)]
