"""The fields of each document kind (the contract in FIELDS.md).

Names are stable: reviews, exports and benchmarks use them. Add, never rename.
"""
from __future__ import annotations

from dataclasses import dataclass

PRESCRIPTION = "prescription"
PATIENT_DETAILS = "patient_details"
UNKNOWN = "unknown"
KINDS = (PRESCRIPTION, PATIENT_DETAILS)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str  # text | date | list | integer | phone | immune | yesno
    group: str
    required: bool = True

    @property
    def choices(self) -> tuple[str, ...] | None:
        return {"immune": ("IMMUNE", "NOT IMMUNE"), "yesno": ("Yes", "No")}.get(self.type)


FIELD_SPECS: dict[str, tuple[FieldSpec, ...]] = {
    PRESCRIPTION: (
        FieldSpec("prescriber_name", "Prescriber", "text", "Prescriber"),
        FieldSpec("prescription_date", "Date", "date", "Prescriber"),
        FieldSpec("patient_name", "Patient name", "text", "Patient"),
        FieldSpec("patient_address", "Patient address", "text", "Patient"),
        FieldSpec("medicines", "Medicines", "list", "Prescription"),
        FieldSpec("directions", "Directions", "text", "Prescription"),
        FieldSpec("refills", "Refills", "integer", "Prescription"),
    ),
    PATIENT_DETAILS: (
        FieldSpec("record_date", "Record date", "date", "Patient"),
        FieldSpec("patient_name", "Patient name", "text", "Patient"),
        FieldSpec("birth_date", "Date of birth", "date", "Patient"),
        FieldSpec("phone_number", "Phone", "phone", "Patient"),
        FieldSpec("patient_address", "Address", "text", "Patient"),
        FieldSpec("weight", "Weight (kg)", "integer", "Patient"),
        FieldSpec("height", "Height (cm)", "integer", "Patient"),
        FieldSpec("emergency_contact_name", "Name", "text", "Emergency contact"),
        FieldSpec("emergency_contact_phone", "Phone", "phone", "Emergency contact", required=False),
        FieldSpec("emergency_contact_address", "Address", "text", "Emergency contact"),
        FieldSpec("chicken_pox", "Chicken pox", "immune", "Medical history"),
        FieldSpec("measles", "Measles", "immune", "Medical history"),
        FieldSpec("hepatitis_b_vaccination", "Hepatitis B vaccination", "yesno", "Medical history"),
        FieldSpec("medical_problems", "Medical problems", "text", "Medical history", required=False),
        FieldSpec("insurance_company", "Company", "text", "Insurance"),
        FieldSpec("policy_number", "Policy number", "text", "Insurance"),
        FieldSpec("insurance_address", "Address", "text", "Insurance"),
        FieldSpec("insurance_expiry_date", "Expiry date", "date", "Insurance"),
        FieldSpec("has_insurance", "Has insurance", "yesno", "Insurance"),
        FieldSpec("allergies", "Allergies", "text", "Medical history", required=False),
        FieldSpec("regular_medications", "Regular medications", "text", "Medical history", required=False),
    ),
}


def field_specs(kind: str) -> tuple[FieldSpec, ...]:
    return FIELD_SPECS.get(kind, ())


def field_names(kind: str) -> list[str]:
    return [spec.name for spec in field_specs(kind)]
