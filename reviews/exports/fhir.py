"""FHIR R4 JSON Bundle (type "collection") of approved records.

Every document gives a Patient and the resources its fields carry:
a prescription one MedicationRequest per medicine; a patient record a
Condition per medical problem, an Immunization for hepatitis B, an
AllergyIntolerance per allergy and a Coverage for the insurance. Resources of a
document refer to its Patient by "urn:uuid:" full URLs. Ids are derived from
the document id, so the same document keeps its ids from export to export.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION

from .fhir_values import fhir_date, integer, items, text, yes
from .records import ApprovedRecord

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
EXTENSION = "json"
ID_NAMESPACE = uuid.UUID("5d2b7c1e-3f4a-4c7b-9a61-0e8f2d6c4b10")
DOCUMENT_ID_SYSTEM = "urn:medocr:document-id"
HEPATITIS_B_CVX = {"system": "http://hl7.org/fhir/sid/cvx", "code": "45", "display": "hepatitis B vaccine, unspecified formulation"}


def resource_id(record: ApprovedRecord, kind: str, index: int = 0) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{record.document_id}/{kind}/{index}"))


def _reference(resource_uuid: str) -> dict:
    return {"reference": f"urn:uuid:{resource_uuid}"}


def _drop_empty(resource: dict) -> dict:
    return {key: value for key, value in resource.items() if value not in (None, [], {}, "")}


def patient(record: ApprovedRecord, patient_id: str) -> dict:
    values = record.values
    resource = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": DOCUMENT_ID_SYSTEM, "value": str(record.document_id)}],
        "name": [{"text": text(values.get("patient_name"))}] if text(values.get("patient_name")) else None,
        "birthDate": fhir_date(values.get("birth_date")),
        "telecom": [{"system": "phone", "value": text(values.get("phone_number"))}] if text(values.get("phone_number")) else None,
        "address": [{"text": text(values.get("patient_address"))}] if text(values.get("patient_address")) else None,
    }
    contact = _drop_empty({
        "name": {"text": text(values.get("emergency_contact_name"))} if text(values.get("emergency_contact_name")) else None,
        "telecom": [{"system": "phone", "value": text(values.get("emergency_contact_phone"))}]
        if text(values.get("emergency_contact_phone")) else None,
        "address": {"text": text(values.get("emergency_contact_address"))} if text(values.get("emergency_contact_address")) else None,
    })
    if contact:
        contact["relationship"] = [{"text": "Emergency contact"}]
        resource["contact"] = [contact]
    return _drop_empty(resource)


def medication_requests(record: ApprovedRecord, patient_ref: dict) -> list[dict]:
    values = record.values
    directions = text(values.get("directions"))
    refills = integer(values.get("refills"))
    prescriber = text(values.get("prescriber_name"))
    resources = []
    for index, medicine in enumerate(items(values.get("medicines"))):
        resources.append(_drop_empty({
            "resourceType": "MedicationRequest",
            "id": resource_id(record, "MedicationRequest", index),
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {"text": medicine},
            "subject": patient_ref,
            "authoredOn": fhir_date(values.get("prescription_date")),
            "requester": {"display": prescriber} if prescriber else None,
            "dosageInstruction": [{"text": directions}] if directions else None,
            "dispenseRequest": {"numberOfRepeatsAllowed": refills} if refills is not None else None,
        }))
    return resources


def conditions(record: ApprovedRecord, patient_ref: dict) -> list[dict]:
    recorded = fhir_date(record.values.get("record_date"))
    return [
        _drop_empty({
            "resourceType": "Condition",
            "id": resource_id(record, "Condition", index),
            "code": {"text": problem},
            "subject": patient_ref,
            "recordedDate": recorded,
        })
        for index, problem in enumerate(items(record.values.get("medical_problems")))
    ]


def allergies(record: ApprovedRecord, patient_ref: dict) -> list[dict]:
    recorded = fhir_date(record.values.get("record_date"))
    return [
        _drop_empty({
            "resourceType": "AllergyIntolerance",
            "id": resource_id(record, "AllergyIntolerance", index),
            "code": {"text": allergen},
            "patient": patient_ref,
            "recordedDate": recorded,
        })
        for index, allergen in enumerate(items(record.values.get("allergies")))
    ]


def immunization(record: ApprovedRecord, patient_ref: dict) -> dict | None:
    vaccinated = yes(record.values.get("hepatitis_b_vaccination"))
    if vaccinated is None:
        return None
    # The form says whether, not when: the date is unknown, the record's date is when it was reported.
    return _drop_empty({
        "resourceType": "Immunization",
        "id": resource_id(record, "Immunization"),
        "status": "completed" if vaccinated else "not-done",
        "vaccineCode": {"coding": [HEPATITIS_B_CVX], "text": "Hepatitis B vaccine"},
        "patient": patient_ref,
        "occurrenceString": "date not stated",
        "recorded": fhir_date(record.values.get("record_date")),
        "primarySource": False,
        "reportOrigin": {"text": "Patient medical record form"},
    })


def coverage(record: ApprovedRecord, patient_ref: dict) -> dict | None:
    values = record.values
    company = text(values.get("insurance_company"))
    if not company or yes(values.get("has_insurance")) is False:
        return None
    policy = text(values.get("policy_number"))
    expiry = fhir_date(values.get("insurance_expiry_date"))
    address = text(values.get("insurance_address"))
    payor = {"display": f"{company}, {address}" if address else company}
    return _drop_empty({
        "resourceType": "Coverage",
        "id": resource_id(record, "Coverage"),
        "identifier": [{"value": policy}] if policy else None,
        "status": "active",
        "subscriberId": policy,
        "beneficiary": patient_ref,
        "payor": [payor],
        "period": {"end": expiry} if expiry else None,
    })


def resources_for(record: ApprovedRecord) -> list[dict]:
    patient_id = resource_id(record, "Patient")
    patient_ref = _reference(patient_id)
    found = [patient(record, patient_id)]
    if record.kind == PRESCRIPTION:
        found += medication_requests(record, patient_ref)
    elif record.kind == PATIENT_DETAILS:
        found += conditions(record, patient_ref)
        found.append(immunization(record, patient_ref))
        found += allergies(record, patient_ref)
        found.append(coverage(record, patient_ref))
    return [resource for resource in found if resource]


def entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def render(
    records: Iterable[ApprovedRecord], *, exported_at: datetime, bundle_id: str | None = None,
    flush_bytes: int = 64 * 1024, **context,
) -> Iterator[str]:
    """The Bundle's JSON, written entry by entry."""
    head = {
        "resourceType": "Bundle",
        "id": bundle_id or str(uuid.uuid4()),
        "type": "collection",
        "timestamp": exported_at.isoformat(),
    }
    # FHIR allows no empty arrays, so "entry" opens with the first resource.
    pieces = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]]
    size, separator = len(pieces[0]), ',"entry":['
    for record in records:
        for resource in resources_for(record):
            piece = separator + json.dumps(entry(resource), ensure_ascii=False, separators=(",", ":"))
            separator = ","
            pieces.append(piece)
            size += len(piece)
        if size >= flush_bytes:
            yield "".join(pieces)
            pieces, size = [], 0
    pieces.append("}" if separator != "," else "]}")
    yield "".join(pieces)
