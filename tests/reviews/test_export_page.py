"""The export page: an insurer downloads exactly their organisation's approved records."""
from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.urls import reverse

from reviews.exports.columns import CSV_COLUMNS
from reviews.models import AuditEvent, Export
from tests.support.export_data import build_world

pytestmark = pytest.mark.django_db


def download(client, **form):
    response = client.post(reverse("exports"), {"format": "csv", **form})
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_csv_has_exactly_org_a_approved_records_with_reviewed_values(client):
    world = build_world()
    client.force_login(world.insurer_a)

    response, body = download(client, organization=world.org_a.pk)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="medocr-northwind-csv-')
    header = body.decode().split("\r\n")[0]
    assert header == ",".join(CSV_COLUMNS)
    rows = csv_rows(body)
    assert [row["document_id"] for row in rows] == [str(d.pk) for d in world.approved_a]
    first, second, third = rows
    assert first["batch"] == "March intake"
    assert first["batch_id"] == str(world.batch_a1.pk)
    assert first["kind"] == "prescription"
    assert first["approved_by"] == "checker"
    assert first["approved_at"] == "2026-03-02T14:05:00+00:00"
    assert first["patient_name"] == "Maria Sharapova"  # corrected from "Maria Sharapva"
    assert first["refills"] == "2"  # corrected from 1
    assert first["medicines"] == "Prednisone 20 mg; Lialda 2.4 gram"
    assert first["prescriber_name"] == "Dr John Smith, M.D"
    assert first["patient_address"] == "9 tennis court, new Russia, DC"
    assert first["corrected_fields"] == "patient_name; refills"
    assert first["policy_number"] == ""
    assert second["kind"] == "patient_details"
    assert second["policy_number"] == "7115207313"  # corrected from 7115207318
    assert second["weight"] == "95"
    assert second["emergency_contact_phone"] == "(990) 375-4621"
    assert second["hepatitis_b_vaccination"] == "No"
    assert second["corrected_fields"] == "weight; policy_number"
    assert second["medicines"] == ""
    assert third["patient_name"] == "Ellie Sattler"
    assert third["approved_by"] == "floor-admin"
    assert third["refills"] == "0"
    assert third["corrected_fields"] == ""
    assert b"Jerry Lucas" not in body and b"Ian Malcolm" not in body and b"John Hammond" not in body


def test_jsonl_lines_carry_field_names_and_review_metadata(client):
    world = build_world()
    client.force_login(world.insurer_a)

    response, body = download(client, organization=world.org_a.pk, format="jsonl")

    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = [json.loads(line) for line in body.decode().splitlines()]
    assert [line["document_id"] for line in lines] == [d.pk for d in world.approved_a]
    assert lines[0] == {
        "document_id": world.prescription_a.pk,
        "batch_id": world.batch_a1.pk,
        "batch": "March intake",
        "kind": "prescription",
        "approved_by": "checker",
        "approved_at": "2026-03-02T14:05:00+00:00",
        "corrected_fields": ["patient_name", "refills"],
        "prescriber_name": "Dr John Smith, M.D",
        "prescription_date": "5/11/2022",
        "patient_name": "Maria Sharapova",
        "patient_address": "9 tennis court, new Russia, DC",
        "medicines": ["Prednisone 20 mg", "Lialda 2.4 gram"],
        "directions": "Prednisone, Taper 5 mg every 3 days, Finish in 2.5 weeks. Lialda - take 2 pill everyday for 1 month",
        "refills": 2,
    }
    assert lines[1]["policy_number"] == "7115207313"
    assert lines[1]["weight"] == 95
    assert lines[1]["allergies"] == "Peanuts"
    assert lines[1]["corrected_fields"] == ["weight", "policy_number"]
    assert len(lines[1]) == 7 + 21


def test_each_download_is_recorded_and_downloads_again_byte_identical(client):
    world = build_world()
    client.force_login(world.insurer_a)

    for fmt in ("csv", "jsonl", "fhir"):
        _, body = download(client, organization=world.org_a.pk, format=fmt)
        export = Export.objects.get(format=fmt)
        assert export.organization == world.org_a
        assert export.created_by == world.insurer_a
        assert export.document_count == 3
        assert set(export.documents.all()) == set(world.approved_a)
        assert export.size == len(body)
        assert export.sha256 == hashlib.sha256(body).hexdigest()
        assert export.filters == {"organization": world.org_a.pk, "batch": None, "approved_from": None,
                                  "approved_to": None, "only_not_exported": False}
        event = AuditEvent.objects.get(action="export", detail__export=export.pk)
        assert event.actor == world.insurer_a
        assert event.organization == world.org_a
        assert event.detail["sha256"] == export.sha256

        again = client.get(reverse("export_download", args=[export.pk]))
        assert again.status_code == 200
        assert again["Cache-Control"] == "private, no-store"
        assert b"".join(again.streaming_content) == body
        assert AuditEvent.objects.filter(action="download", detail__export=export.pk, actor=world.insurer_a).count() == 1


def test_batch_and_approval_date_filters(client):
    world = build_world()
    client.force_login(world.insurer_a)

    _, by_batch = download(client, organization=world.org_a.pk, batch=world.batch_a2.pk)
    _, by_dates = download(client, organization=world.org_a.pk, approved_from="2026-03-03", approved_to="2026-04-06")
    _, one_day = download(client, organization=world.org_a.pk, approved_from="2026-03-02", approved_to="2026-03-02")

    assert [r["patient_name"] for r in csv_rows(by_batch)] == ["Ellie Sattler"]
    assert [r["patient_name"] for r in csv_rows(by_dates)] == ["Kathy Crawford", "Ellie Sattler"]
    assert [r["patient_name"] for r in csv_rows(one_day)] == ["Maria Sharapova"]
    assert Export.objects.get(document_count=1, filters__batch=world.batch_a2.pk).filters["batch"] == world.batch_a2.pk


def test_only_records_not_yet_exported_in_that_format(client):
    world = build_world()
    client.force_login(world.insurer_a)
    download(client, organization=world.org_a.pk, batch=world.batch_a1.pk)

    _, csv_rest = download(client, organization=world.org_a.pk, only_not_exported="on")
    _, jsonl_all = download(client, organization=world.org_a.pk, format="jsonl", only_not_exported="on")
    _, csv_none = download(client, organization=world.org_a.pk, only_not_exported="on")

    assert [r["patient_name"] for r in csv_rows(csv_rest)] == ["Ellie Sattler"]
    assert len(jsonl_all.decode().splitlines()) == 3
    assert csv_none.decode() == ",".join(CSV_COLUMNS) + "\r\n"
    assert Export.objects.filter(format="csv").order_by("id").last().document_count == 0


def test_insurer_of_b_gets_nothing_of_a(client):
    world = build_world()
    client.force_login(world.insurer_a)
    download(client, organization=world.org_a.pk)
    export_a = Export.objects.get()
    client.force_login(world.insurer_b)

    page = client.get(reverse("exports"))
    _, own = download(client, organization=world.org_b.pk)
    forged_org = client.post(reverse("exports"), {"format": "csv", "organization": world.org_a.pk})
    forged_batch = client.post(reverse("exports"), {"format": "csv", "organization": world.org_b.pk,
                                                    "batch": world.batch_a1.pk})
    guessed = client.get(reverse("export_download", args=[export_a.pk]))

    assert page.status_code == 200
    assert b"March intake" not in page.content and b"Northwind" not in page.content
    assert [r["patient_name"] for r in csv_rows(own)] == ["Jerry Lucas"]
    assert forged_org.status_code == 400
    assert forged_batch.status_code == 400
    assert guessed.status_code == 404
    assert Export.objects.filter(organization=world.org_a).count() == 1


def test_admin_exports_for_any_organization(client):
    world = build_world()
    client.force_login(world.admin)

    page = client.get(reverse("exports"))
    _, body = download(client, organization=world.org_b.pk)

    assert b"Northwind Health Insurance" in page.content and b"Contoso Mutual" in page.content
    assert [r["patient_name"] for r in csv_rows(body)] == ["Jerry Lucas"]


def test_reviewers_and_strangers_are_refused(client):
    world = build_world()
    client.force_login(world.reviewer)
    assert client.get(reverse("exports")).status_code == 403
    assert client.post(reverse("exports"), {"format": "csv", "organization": world.org_a.pk}).status_code == 403
    client.logout()
    response = client.get(reverse("exports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Export.objects.count() == 0


def test_export_form_requires_csrf_token(client):
    from django.test import Client

    world = build_world()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.insurer_a)
    response = strict.post(reverse("exports"), {"format": "csv", "organization": world.org_a.pk})
    assert response.status_code == 403


def test_an_abandoned_download_records_nothing():
    from reviews.selectors.exports import RecordFilter
    from reviews.services.exports import export_records

    world = build_world()
    stream = export_records(record_filter=RecordFilter(organization=world.org_a), fmt="csv", user=world.insurer_a)

    first_piece = next(stream)
    stream.close()  # what Django does when the client goes away

    assert first_piece.startswith(b"document_id,batch_id,batch,")
    assert Export.objects.count() == 0
    assert not AuditEvent.objects.filter(action="export").exists()
