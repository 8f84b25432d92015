"""The FHIR R4 Bundle export: every resource validates and carries the reviewed values."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from reviews.exports import fhir
from reviews.exports.fhir_values import fhir_date, items
from reviews.selectors.exports import approved_documents, iter_records
from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def export_bundle(client, world) -> dict:
    client.force_login(world.insurer_a)
    response = client.post(reverse("exports"), {"format": "fhir", "organization": world.org_a.pk})
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def test_bundle_validates_with_fhir_resources(client):
    world = build_world()
    bundle = export_bundle(client, world)

    parsed = Bundle.model_validate(bundle)

    assert parsed.type == "collection"
    assert [entry.resource.get_resource_type() for entry in parsed.entry] == [
        "Patient", "MedicationRequest", "MedicationRequest",
        "Patient", "Condition", "Condition", "Immunization", "AllergyIntolerance", "Coverage",
        "Patient", "MedicationRequest",
    ]
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_prescription_becomes_patient_and_one_medication_request_per_medicine(client):
    world = build_world()
    bundle = export_bundle(client, world)

    patient = resources(bundle, "Patient")[0]
    first, second, third = resources(bundle, "MedicationRequest")

    assert patient["name"] == [{"text": "Maria Sharapova"}]  # the corrected value
    assert patient["identifier"] == [{"system": "urn:medocr:document-id", "value": str(world.prescription_a.pk)}]
    assert patient["address"] == [{"text": "9 tennis court, new Russia, DC"}]
    assert first["medicationCodeableConcept"] == {"text": "Prednisone 20 mg"}
    assert second["medicationCodeableConcept"] == {"text": "Lialda 2.4 gram"}
    assert first["subject"] == {"reference": f"urn:uuid:{patient['id']}"}
    assert first["dosageInstruction"] == [{"text": "Prednisone, Taper 5 mg every 3 days, Finish in 2.5 weeks. "
                                                   "Lialda - take 2 pill everyday for 1 month"}]
    assert first["dispenseRequest"] == {"numberOfRepeatsAllowed": 2}  # corrected from 1
    assert first["requester"] == {"display": "Dr John Smith, M.D"}
    assert first["authoredOn"] == "2022-11-05"
    assert (first["status"], first["intent"]) == ("active", "order")
    assert third["dispenseRequest"] == {"numberOfRepeatsAllowed": 0}
    assert third["medicationCodeableConcept"] == {"text": "Amoxicillin 500 mg"}


def test_patient_record_becomes_conditions_immunization_allergy_and_coverage(client):
    world = build_world()
    bundle = export_bundle(client, world)

    patient = resources(bundle, "Patient")[1]
    reference = {"reference": f"urn:uuid:{patient['id']}"}
    conditions = resources(bundle, "Condition")
    (immunization,) = resources(bundle, "Immunization")
    (allergy,) = resources(bundle, "AllergyIntolerance")
    (coverage,) = resources(bundle, "Coverage")

    assert patient["name"] == [{"text": "Kathy Crawford"}]
    assert patient["birthDate"] == "1972-05-06"
    assert patient["telecom"] == [{"system": "phone", "value": "(737) 988-0851"}]
    assert patient["contact"] == [{
        "name": {"text": "Simeone Crawford"},
        "telecom": [{"system": "phone", "value": "(990) 375-4621"}],
        "address": {"text": "9266 Ash Dr, New York City, New York, 10005, United States"},
        "relationship": [{"text": "Emergency contact"}],
    }]
    assert [c["code"] for c in conditions] == [{"text": "Migraine"}, {"text": "Asthma"}]
    assert all(c["subject"] == reference and c["recordedDate"] == "2020-12-17" for c in conditions)
    assert immunization["status"] == "not-done"  # "Hepatitis B vaccination: No"
    assert immunization["vaccineCode"]["coding"][0]["code"] == "45"
    assert immunization["patient"] == reference
    assert allergy["code"] == {"text": "Peanuts"}
    assert allergy["patient"] == reference
    assert coverage["subscriberId"] == "7115207313"  # corrected from 7115207318
    assert coverage["payor"] == [{"display": "Random Insuarance Company, 4789 Bollinger Rd, Jersey City, New Jersey, 07030"}]
    assert coverage["period"] == {"end": "2020-12-30"}
    assert coverage["beneficiary"] == reference
    assert "Jerry Lucas" not in json.dumps(bundle)


def test_resource_ids_are_stable_across_exports():
    world = build_world()
    records = list(iter_records(approved_documents(organization=world.org_a)))
    exported_at = datetime(2026, 5, 1, tzinfo=timezone.utc)

    first = json.loads("".join(fhir.render(records, exported_at=exported_at, bundle_id="b1")))
    second = json.loads("".join(fhir.render(records, exported_at=exported_at, bundle_id="b1")))

    assert first == second
    assert first["timestamp"] == "2026-05-01T00:00:00+00:00"


def test_empty_bundle_has_no_entry_array_and_validates():
    text = "".join(fhir.render([], exported_at=datetime(2026, 5, 1, tzinfo=timezone.utc), bundle_id="empty"))

    assert json.loads(text) == {"resourceType": "Bundle", "id": "empty", "type": "collection",
                                "timestamp": "2026-05-01T00:00:00+00:00"}
    Bundle.model_validate_json(text)


@pytest.mark.parametrize("written, expected", [
    ("17/12/2020", "2020-12-17"), ("5/11/2022", "2022-11-05"), ("May 6 1972", "1972-05-06"),
    ("30 December 2020", "2020-12-30"), ("6th May 1972", "1972-05-06"), ("next Tuesday", None), (None, None),
])
def test_dates_as_written_on_the_forms(written, expected):
    assert fhir_date(written) == expected


def test_list_answers_that_mean_nothing_give_no_resources():
    assert items("None") == []
    assert items("N/A") == []
    assert items("Peanuts; Penicillin, Latex") == ["Peanuts", "Penicillin", "Latex"]
