"""The dashboard page: who may see it, and every number on it for the known floor.

The floor and its arithmetic: tests/support/dashboard_data.py. Times are UTC.
"""
import pytest
import time_machine

from tests.support.dashboard_data import NOT_A_DOCUMENT, NOW, TOO_MANY_PAGES, build_floor, page_blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    return build_floor()


def get_as(client, user, url="/dashboard/"):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        return client.get(url)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


@pytest.mark.parametrize("username", ["alice", "bob"])
def test_reviewers_may_not_see_it(client, floor, username):
    assert get_as(client, floor.users[username]).status_code == 403


def test_superuser_counts_as_admin(client, floor):
    assert get_as(client, floor.users["root"]).status_code == 200


def test_every_figure_on_the_page(client, floor):
    response = get_as(client, floor.users["ada"])

    assert response.status_code == 200
    blocks = page_blocks(response.content.decode())
    assert blocks["deadline-alerts"] == [
        ["Overdue: batch “Acme late” (Acme Health) was due 11 Jun 13:20 and has 1 open document."],
        [
            "At risk: batch “Borealis morning” (Borealis Insurance) is due 11 Jun 15:50 with 2 open documents; "
            "at the recent review rate it will not finish in time. Open the dashboard"
        ],
    ]
    assert blocks["summary"] == [
        ["Open documents 7 queued, processing or in review"],
        ["Overdue documents 1 past their due time"],
        ["Due within 2 h 2 3 within 6 h"],
        # 6 decisions in the 6 hours before 14:20
        ["Review rate 1.0 / h decisions in the last 6 h"],
        # 7 open documents at 1 per hour
        ["Queue clears 21:20 11 Jun, in 7 h at that rate"],
        ["Deadlines Off track batches: 1 overdue, 1 at risk"],
    ]
    assert blocks["due-by-status"] == [
        ["Status", "Overdue", "≤ 2 h", "≤ 6 h", "≤ 24 h", "Later", "Open"],
        ["Queued", "0", "0", "1", "2", "1", "3"],  # d1 (5 h), e1 (20 h), k1 (47 h)
        ["Processing", "0", "1", "1", "1", "0", "1"],  # m3 (1 h 30)
        ["Needs review", "1", "1", "1", "2", "0", "3"],  # l4 (−1 h), m2 (1 h 30), e2 (20 h)
        ["All open", "1", "2", "3", "5", "1", "7"],
    ]
    assert blocks["due-by-organization"] == [
        ["Organisation", "Overdue", "≤ 2 h", "≤ 6 h", "≤ 24 h", "Later", "Open"],
        ["Acme Health", "1", "0", "0", "2", "0", "3"],
        ["Borealis Insurance", "0", "2", "3", "3", "1", "4"],
    ]
    assert blocks["batches"] == [
        ["Batch", "Due", "Documents", "Queued", "Processing", "Needs review", "Done", "Failed", "Progress",
         "Open due by then", "Forecast finish", "State"],
        ["Acme late Acme Health", "11 Jun 13:20 1 h ago", "5", "0", "0", "1", "3", "1", "", "1", "11 Jun 15:20", "Overdue"],
        ["Borealis morning Borealis Insurance", "11 Jun 15:50 in 1 h 30 min", "3", "0", "1", "1", "1", "0", "", "3",
         "11 Jun 17:20", "At risk"],
        ["Borealis midday Borealis Insurance", "11 Jun 19:20 in 5 h", "2", "1", "0", "0", "0", "1", "", "4",
         "11 Jun 18:20", "On track"],
        ["Acme evening Acme Health", "12 Jun 10:20 in 20 h", "2", "1", "0", "1", "0", "0", "", "6", "11 Jun 20:20", "On track"],
        ["Borealis weekly Borealis Insurance", "13 Jun 13:20 in 1 d 23 h", "1", "1", "0", "0", "0", "0", "", "7",
         "11 Jun 21:20", "On track"],
    ]
    assert blocks["throughput-totals"] == [["Processed by workers 14"], ["Reviewed by people 8"], ["per hour"]]
    assert blocks["reviewers"] == [
        ["Reviewer", "Reviewed", "Approved", "Rejected", "Median time on a document"],
        ["alice", "4", "4", "0", "4 min 30 s"],
        ["bob", "3", "2", "1", "6 min"],
        ["ada", "1", "1", "0", "—"],
    ]
    assert blocks["corrections"] == [
        ["Field", "Reviewed", "Corrected", "Correction rate", ""],
        ["Patient medical record"],
        ["Patient name", "3", "1", "33.3%", ""],
        ["Phone", "3", "1", "33.3%", ""],
        ["Prescription"],
        ["Prescriber", "5", "0", "0.0%", ""],
        ["Date", "5", "2", "40.0%", ""],
        ["Refills", "5", "3", "60.0%", ""],
    ]
    assert blocks["calibration"] == [
        ["Confidence", "Fields", "Right", "Accuracy"],
        ["0.3–0.4", "1", "0", "0.0%"],
        ["0.5–0.6", "2", "1", "50.0%"],
        ["0.6–0.7", "2", "0", "0.0%"],
        ["0.7–0.8", "3", "2", "66.7%"],
        ["0.8–0.9", "4", "3", "75.0%"],
        ["0.9–1.0", "9", "8", "88.9%"],
    ]
    assert blocks["threshold"] == [
        ["Fields reviewed", "21", "fields of approved documents"],
        ["Flagged for review", "8", "38.1% of fields had a confidence below 0.80"],
        ["Errors found", "7", "fields a reviewer corrected"],
        ["Errors caught by a flag", "5", "error recall 71.4%"],
        ["Errors not flagged", "2", "confident but wrong"],
        ["Flags that were errors", "62.5%", "the rest were right and cost a look"],
    ]
    assert blocks["failures"] == [
        ["Reason", "Documents", "Share", ""],
        [NOT_A_DOCUMENT, "2", "66.7%", ""],
        [TOO_MANY_PAGES, "1", "33.3%", ""],
    ]


def test_charts_carry_their_numbers(client, floor):
    html = get_as(client, floor.users["ada"]).content.decode()

    # One group per hour with work, each with its figures as a tooltip.
    assert html.count('<g class="hour">') == 11
    for title in (
        "Mon 9 Jun 18:00: 5 processed, 0 reviewed",
        "Tue 10 Jun 13:00: 5 processed, 0 reviewed",
        "Tue 10 Jun 16:00: 2 processed, 0 reviewed",
        "Wed 11 Jun 10:00: 1 processed, 1 reviewed",
        "Wed 11 Jun 13:00: 0 processed, 2 reviewed",
    ):
        assert f"<title>{title}</title>" in html
    # A day line with its label at each midnight: 5 June to 11 June.
    for day in ("Thu 5 Jun", "Fri 6 Jun", "Sat 7 Jun", "Sun 8 Jun", "Mon 9 Jun", "Tue 10 Jun", "Wed 11 Jun"):
        assert f'dx="4">{day}</text>' in html
    # Calibration: one bar per bucket with fields.
    assert html.count('<g class="bucket">') == 6
    assert "<title>Confidence 0.9–1.0: 8 of 9 right (88.9%)</title>" in html
    assert "<title>Confidence 0.7–0.8: 2 of 3 right (66.7%)</title>" in html
    assert "threshold 0.80</text>" in html
    # Batch progress bars.
    assert "<title>3 done, 1 failed, 1 open of 5</title>" in html


def test_empty_floor(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="unused-pass-4")

    blocks = page_blocks(get_as(client, admin).content.decode())

    assert "deadline-alerts" not in blocks
    assert blocks["summary"][4] == ["Queue clears — the queue is empty"]
    assert blocks["summary"][5] == ["Deadlines On track every batch finishes in time"]
    assert blocks["batches"][1] == ["No batch has open documents."]
    assert blocks["reviewers"][1] == ["No decisions in the last 7 days."]
    assert blocks["failures"][1] == ["No failed documents."]
