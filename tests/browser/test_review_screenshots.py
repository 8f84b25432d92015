"""Screenshots of the queue and the review page at 1280×800, as a reviewer sees them on a busy morning.

Written to $SCREENSHOT_DIR when set (docs/screenshots for the README), else to a temporary folder.
"""
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from extraction.fields import PATIENT_DETAILS
from reviews.models import Document
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESCRIPTIONS = [
    ("Maria Sharapova", timedelta(minutes=-35)), ("Omar Haddad", timedelta(minutes=50)),
    ("Lena Fischer", timedelta(hours=1, minutes=40)), ("Tom Okafor", timedelta(hours=3, minutes=5)),
    ("Grace Liu", timedelta(hours=7, minutes=30)), ("Ivan Petrov", timedelta(hours=12)),
    ("Sofia Rossi", timedelta(hours=19, minutes=45)),
]
RECORDS = [
    ("Kathy Crawford", timedelta(minutes=-10)), ("Daniel Brooks", timedelta(hours=1, minutes=15)),
    ("Aisha Khan", timedelta(hours=4, minutes=20)), ("Pedro Alvarez", timedelta(hours=9, minutes=10)),
    ("Hannah Weber", timedelta(hours=22)),
]


@pytest.fixture
def busy_morning():
    north, south = make_organization("Northwind Health"), make_organization("Southwind Care", double_check=True)
    batches = [make_batch(north, "Northwind · Tuesday AM"), make_batch(south, "Southwind · Tuesday")]
    for i, (name, due) in enumerate(PRESCRIPTIONS):
        make_document(batch=batches[i % 2], values={"patient_name": name}, due_in=due, filename=f"IMG_{2051 + i}.png",
                      confidences={"refills": 0.62} if i % 3 == 0 else {})
    for i, (name, due) in enumerate(RECORDS):
        make_document(batch=batches[(i + 1) % 2], kind=PATIENT_DETAILS, values={"patient_name": name}, due_in=due,
                      filename=f"record_scan_{31 + i}.png")
    bob = make_user("bob", "reviewer")
    held = Document.objects.get(patient_name="Omar Haddad")
    Document.objects.filter(pk=held.pk).update(claimed_by=bob, claimed_until=timezone.now() + timedelta(minutes=25))
    record = Document.objects.get(patient_name="Kathy Crawford")
    record.fields.filter(name="phone_number").update(value="(737) 988-085", extracted_value="(737) 988-085", confidence=0.48)
    record.fields.filter(name="birth_date").update(confidence=0.66)
    record.fields.filter(name="weight").update(confidence=0.71)
    make_user("rita", "reviewer")
    return record


def test_queue_and_review_page_screenshots(live_server, browser_session, busy_morning, tmp_path):
    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page = browser_session("rita")

    expect(page.locator("table.queue tbody tr")).to_have_count(12)
    expect(page.locator("table.queue tbody tr").nth(2)).to_contain_text("Omar Haddad")
    expect(page.locator("table.queue tbody tr").nth(2)).to_contain_text("bob")
    page.screenshot(path=str(out / "queue.png"))

    page.goto(f"{live_server.url}/review/{busy_morning.pk}/")
    expect(page.locator("#id_f_birth_date")).to_be_focused()  # the first field below the threshold
    expect(page.locator('.field-row[data-field="phone_number"] .field-issue')).to_have_text(
        "Enter a 10-digit phone number, e.g. (737) 988-0851.")
    expect(page.locator("#page-image")).to_have_js_property("complete", True)
    page.screenshot(path=str(out / "review.png"))

    for name in ("queue.png", "review.png"):
        assert Image.open(out / name).size == (1280, 800)
