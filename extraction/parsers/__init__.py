"""One parser per document kind; each turns OCR'd pages into the kind's fields."""
from __future__ import annotations

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION
from extraction.parsers.patient_details import PatientDetailsParser
from extraction.parsers.prescription import PrescriptionParser

PARSERS = {
    PRESCRIPTION: PrescriptionParser(),
    PATIENT_DETAILS: PatientDetailsParser(),
}
