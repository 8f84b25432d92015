"""CSV download of each dashboard table, for the known floor (tests/support/dashboard_data.py)."""
import pytest
import time_machine

from tests.support.dashboard_data import NOW, build_floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    return build_floor()


def csv_lines(client, user, table):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        response = client.get(f"/dashboard/{table}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="medocr-{table}-20250611-1420.csv"'
    return response.content.decode().splitlines()


def test_due_by_status(client, floor):
    assert csv_lines(client, floor.users["ada"], "due-by-status") == [
        "status,overdue,due_within_2h,due_within_6h,due_within_24h,due_later,open",
        "Queued,0,0,1,2,1,3",
        "Processing,0,1,1,1,0,1",
        "Needs review,1,1,1,2,0,3",
        "All open,1,2,3,5,1,7",
    ]


def test_due_by_organization(client, floor):
    assert csv_lines(client, floor.users["ada"], "due-by-organization") == [
        "organization,overdue,due_within_2h,due_within_6h,due_within_24h,due_later,open",
        "Acme Health,1,0,0,2,0,3",
        "Borealis Insurance,0,2,3,3,1,4",
    ]


def test_batches(client, floor):
    assert csv_lines(client, floor.users["ada"], "batches") == [
        "batch,organization,due_at,documents,queued,processing,needs_review,done,failed,open,open_due_by_then,forecast_finish,state",
        "Acme late,Acme Health,2025-06-11T13:20:00+00:00,5,0,0,1,3,1,1,1,2025-06-11T15:20:00+00:00,Overdue",
        "Borealis morning,Borealis Insurance,2025-06-11T15:50:00+00:00,3,0,1,1,1,0,2,3,2025-06-11T17:20:00+00:00,At risk",
        "Borealis midday,Borealis Insurance,2025-06-11T19:20:00+00:00,2,1,0,0,0,1,1,4,2025-06-11T18:20:00+00:00,On track",
        "Acme evening,Acme Health,2025-06-12T10:20:00+00:00,2,1,0,1,0,0,2,6,2025-06-11T20:20:00+00:00,On track",
        "Borealis weekly,Borealis Insurance,2025-06-13T13:20:00+00:00,1,1,0,0,0,0,1,7,2025-06-11T21:20:00+00:00,On track",
    ]


def test_throughput_has_every_hour_of_the_week(client, floor):
    lines = csv_lines(client, floor.users["ada"], "throughput")

    assert lines[0] == "hour,processed,reviewed"
    assert len(lines) == 1 + 168
    assert lines[1] == "2025-06-04T15:00:00+00:00,0,0"
    assert lines[-1] == "2025-06-11T14:00:00+00:00,0,0"
    assert [line for line in lines[1:] if not line.endswith(",0,0")] == [
        "2025-06-09T18:00:00+00:00,5,0",
        "2025-06-10T08:00:00+00:00,0,1",
        "2025-06-10T12:00:00+00:00,0,1",
        "2025-06-10T13:00:00+00:00,5,0",
        "2025-06-10T16:00:00+00:00,2,0",
        "2025-06-10T19:00:00+00:00,1,0",
        "2025-06-11T09:00:00+00:00,0,1",
        "2025-06-11T10:00:00+00:00,1,1",
        "2025-06-11T11:00:00+00:00,0,1",
        "2025-06-11T12:00:00+00:00,0,1",
        "2025-06-11T13:00:00+00:00,0,2",
    ]


def test_reviewers(client, floor):
    assert csv_lines(client, floor.users["ada"], "reviewers") == [
        "reviewer,reviewed,approved,rejected,median_seconds_on_document",
        "alice,4,4,0,270",
        "bob,3,2,1,360",
        "ada,1,1,0,",
    ]


def test_corrections(client, floor):
    assert csv_lines(client, floor.users["ada"], "corrections") == [
        "kind,field,fields_reviewed,corrected,correction_rate_percent",
        "patient_details,patient_name,3,1,33.3",
        "patient_details,phone_number,3,1,33.3",
        "prescription,prescriber_name,5,0,0.0",
        "prescription,prescription_date,5,2,40.0",
        "prescription,refills,5,3,60.0",
    ]


def test_calibration_lists_every_bucket(client, floor):
    assert csv_lines(client, floor.users["ada"], "calibration") == [
        "confidence_from,confidence_below,fields,right,accuracy_percent",
        "0.0,0.1,0,0,",
        "0.1,0.2,0,0,",
        "0.2,0.3,0,0,",
        "0.3,0.4,1,0,0.0",
        "0.4,0.5,0,0,",
        "0.5,0.6,2,1,50.0",
        "0.6,0.7,2,0,0.0",
        "0.7,0.8,3,2,66.7",
        "0.8,0.9,4,3,75.0",
        "0.9,1.0,9,8,88.9",
    ]


def test_threshold(client, floor):
    assert csv_lines(client, floor.users["ada"], "threshold") == [
        "figure,value",
        "review_threshold,0.80",
        "fields_reviewed,21",
        "fields_flagged,8",
        "flagged_percent,38.1",
        "errors_found,7",
        "errors_flagged,5",
        "errors_not_flagged,2",
        "error_recall_percent,71.4",
        "flag_precision_percent,62.5",
    ]


def test_threshold_follows_the_setting(client, floor, settings):
    settings.REVIEW_THRESHOLD = 0.9

    lines = csv_lines(client, floor.users["ada"], "threshold")

    # Below 0.9: the 12 fields under 0.9; errors among them: all but 0.92.
    assert lines[1:5] == ["review_threshold,0.90", "fields_reviewed,21", "fields_flagged,12", "flagged_percent,57.1"]
    assert lines[6:8] == ["errors_flagged,6", "errors_not_flagged,1"]


def test_failures(client, floor):
    assert csv_lines(client, floor.users["ada"], "failures") == [
        "reason,documents,share_percent",
        "The file is not a PDF or an image.,2,66.7",
        "The document has more than 20 pages.,1,33.3",
    ]


def test_unknown_table_is_404(client, floor):
    client.force_login(floor.users["ada"])

    assert client.get("/dashboard/patients.csv").status_code == 404


def test_reviewer_may_not_download(client, floor):
    client.force_login(floor.users["alice"])

    assert client.get("/dashboard/batches.csv").status_code == 403
