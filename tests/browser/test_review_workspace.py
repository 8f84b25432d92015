"""The review workspace in Chromium: queue, review with the keyboard, conflicts, the page viewer."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from extraction.fields import PATIENT_DETAILS
from reviews.models import Document, DocumentStatus, ExtractedField
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def batch():
    return make_batch(make_organization())


@pytest.fixture
def first(batch):
    return make_document(batch=batch, values={"patient_name": "Maria Sharapva"}, confidences={"patient_name": 0.42},
                         due_in=timedelta(minutes=90))


@pytest.fixture
def second(batch):
    return make_document(batch=batch, kind=PATIENT_DETAILS, values={"patient_name": "Kathy Crawford"},
                         confidences={"phone_number": 0.55}, due_in=timedelta(hours=6))


def assert_box_on(page, bbox):
    """The drawn box covers the field's bbox (page fractions) of the displayed image, to the pixel."""
    expect(page.locator("#bbox")).to_be_visible()
    image = page.locator("#page-image").bounding_box()
    box = page.locator("#bbox").bounding_box()
    wanted = [image["x"] + bbox[0] * image["width"], image["y"] + bbox[1] * image["height"],
              image["x"] + bbox[2] * image["width"], image["y"] + bbox[3] * image["height"]]
    got = [box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]]
    assert all(abs(a - b) < 1.5 for a, b in zip(got, wanted)), (got, wanted)


def test_reviewer_corrects_with_the_keyboard_approves_and_finds_the_correction(
        live_server, browser_session, first, second):
    make_user("rita", "reviewer")
    page = browser_session("rita")

    # Home sends a reviewer to the queue, ordered by deadline.
    assert page.url == f"{live_server.url}/queue/"
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Maria Sharapva")
    expect(rows.nth(0).locator(".time-left")).to_have_class(re.compile(r"\bsoon\b"))

    page.click("text=Start reviewing")
    page.wait_for_url(f"{live_server.url}/review/{first.pk}/")

    # The low-confidence field is highlighted, focused, and its box drawn on the page image.
    name_row = page.locator('.field-row[data-field="patient_name"]')
    expect(name_row).to_have_class(re.compile(r"\blow\b"))
    expect(name_row.locator(".conf")).to_have_text("42%")
    expect(page.locator("#id_f_patient_name")).to_be_focused()
    expect(page.locator("#page-image")).to_have_js_property("complete", True)
    bbox = ExtractedField.objects.get(document=first, name="patient_name").bbox
    assert_box_on(page, bbox)

    # Correct it with the keyboard, Tab on (the box follows), approve with Alt+A.
    page.keyboard.press("Control+A")
    page.keyboard.type("Maria Sharapova")
    page.keyboard.press("Tab")
    expect(page.locator("#id_f_patient_address")).to_be_focused()
    expect(page.locator("#bbox")).to_have_attribute("data-field", "patient_address")
    assert_box_on(page, ExtractedField.objects.get(document=first, name="patient_address").bbox)
    page.keyboard.press("Alt+A")

    # The next document opens.
    page.wait_for_url(f"{live_server.url}/review/{second.pk}/")
    expect(page.locator(".messages")).to_contain_text(f"Approved document #{first.pk}.")
    assert Document.objects.get(pk=first.pk).status == DocumentStatus.APPROVED

    # The correction is in the first document's audit timeline.
    page.goto(f"{live_server.url}/review/{first.pk}/audit/")
    correction = page.locator(".timeline li.correction")
    expect(correction).to_have_count(1)
    expect(correction.locator(".actor")).to_have_text("rita")
    expect(correction.locator(".what")).to_have_text("Patient name: “Maria Sharapva” → “Maria Sharapova”")


def test_a_second_session_saving_the_same_document_gets_the_conflict_message(live_server, browser_session, first):
    make_user("rita", "reviewer")
    make_user("bob", "reviewer")
    one = browser_session("rita")
    two = browser_session("rita")
    url = f"{live_server.url}/review/{first.pk}/"
    one.goto(url)
    two.goto(url)

    one.fill("#id_f_refills", "3")
    one.keyboard.press("Alt+S")
    expect(one.locator(".messages")).to_have_text("Saved 1 correction.")

    two.fill("#id_f_refills", "5")
    two.keyboard.press("Alt+S")
    expect(two.locator(".messages")).to_have_text(
        "This document was changed after you opened it (by someone else or in another window). "
        "Your changes were not saved; the page now shows the current values.")
    expect(two.locator("#id_f_refills")).to_have_value("3")
    assert ExtractedField.objects.get(document=first, name="refills").value == 3

    # Another reviewer sees who holds it and gets no way to save.
    other = browser_session("bob")
    other.goto(url)
    expect(other.locator(".banner.held")).to_contain_text("rita is reviewing this document until")
    expect(other.locator("#approve-button")).to_have_count(0)
    expect(other.locator("#id_f_refills")).to_be_disabled()


def test_validation_messages_and_rejection_from_the_keyboard(live_server, browser_session, first, second):
    make_user("rita", "reviewer")
    page = browser_session("rita")
    page.goto(f"{live_server.url}/review/{first.pk}/")

    page.fill("#id_f_refills", "two")
    page.fill("#id_f_prescription_date", "31/31/2022")
    page.keyboard.press("Alt+S")
    expect(page.locator('.field-row[data-field="refills"] .field-error')).to_have_text("Enter a whole number.")
    expect(page.locator('.field-row[data-field="prescription_date"] .field-error')).to_have_text(
        "Enter a date as written, e.g. 5/11/2022, May 6 1972 or 30 December 2020.")
    expect(page.locator("#id_f_prescription_date")).to_be_focused()  # the first field with an error

    page.keyboard.press("Alt+R")
    expect(page.locator("#reject-dialog")).to_be_visible()
    expect(page.locator("#reject-reason")).to_be_focused()
    page.select_option("#reject-reason", "illegible")
    page.fill("#reject-note", "bottom half cut off")
    page.click("#reject-dialog button.danger")

    page.wait_for_url(f"{live_server.url}/review/{second.pk}/")
    document = Document.objects.get(pk=first.pk)
    assert (document.status, document.rejection_reason) == (
        DocumentStatus.REJECTED, "Illegible or incomplete scan: bottom half cut off")


def test_viewer_switches_pages_zooms_and_rotates(live_server, browser_session, second):
    make_user("rita", "reviewer")
    page = browser_session("rita")
    page.goto(f"{live_server.url}/review/{second.pk}/")
    expect(page.locator("#page-number")).to_have_text("1")

    # Focusing a field of the second page shows that page with the field's box.
    page.focus("#id_f_insurance_company")
    expect(page.locator("#page-number")).to_have_text("2")
    expect(page.locator("#page-image")).to_have_attribute("src", f"/documents/{second.pk}/pages/2/")
    expect(page.locator("#page-image")).to_have_js_property("complete", True)
    assert_box_on(page, ExtractedField.objects.get(document=second, name="insurance_company").bbox)

    # A field low on the page is scrolled into view.
    page.focus("#id_f_regular_medications")
    viewport, box = page.locator("#viewport").bounding_box(), page.locator("#bbox").bounding_box()
    assert viewport["y"] < box["y"] and box["y"] + box["height"] < viewport["y"] + viewport["height"]
    assert page.locator("#viewport").evaluate("v => v.scrollTop") > 0

    width = page.locator("#page-image").bounding_box()["width"]
    page.keyboard.press("Alt+Equal")
    expect(page.locator("#zoom-level")).to_have_text("125%")
    assert page.locator("#page-image").bounding_box()["width"] == pytest.approx(width * 1.25, abs=1)

    # Dragging the page pans it.
    before = page.locator("#viewport").evaluate("v => [v.scrollLeft, v.scrollTop]")
    page.mouse.move(viewport["x"] + 300, viewport["y"] + 300)
    page.mouse.down()
    page.mouse.move(viewport["x"] + 260, viewport["y"] + 240, steps=5)
    page.mouse.up()
    after = page.locator("#viewport").evaluate("v => [v.scrollLeft, v.scrollTop]")
    assert (after[0] - before[0], after[1] - before[1]) == (40, 60)

    # A quarter turn: the page lies on its side, still as wide as the zoom says, and the box turns with it.
    canvas = page.locator("#canvas").bounding_box()
    page.keyboard.press("Alt+O")
    turned = page.locator("#canvas").bounding_box()
    assert turned["width"] == pytest.approx(canvas["width"], abs=1)
    assert turned["height"] / turned["width"] == pytest.approx(canvas["width"] / canvas["height"], abs=0.01)
    box = page.locator("#bbox").bounding_box()
    assert box["height"] > box["width"]  # the wide value box now stands upright

    page.click("[data-viewer=prev]")
    expect(page.locator("#page-number")).to_have_text("1")
    expect(page.locator("#page-image")).to_have_attribute("src", f"/documents/{second.pk}/pages/1/")
