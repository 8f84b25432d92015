"""The upload page and the live progress page in Chromium, with a real worker behind them."""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from reviews.models import Batch, DocumentStatus
from tests.support import documents

pytestmark = [pytest.mark.browser, pytest.mark.worker]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", documents.ROOT / "var" / "screenshots"))

DROP_FILES = """([files]) => {
    const transfer = new DataTransfer();
    for (const [name, base64] of files) {
        const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name));
    }
    const zone = document.getElementById("dropzone");
    zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
}"""


@pytest.fixture
def page(live_server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        finally:
            browser.close()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", documents.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_files_dropped_on_the_upload_page_are_processed_while_the_progress_page_watches(live_server, celery_worker, page):
    import base64

    org = documents.organization("Northwind Health")
    documents.user_with_role("floor-admin", "admin")
    log_in(page, live_server.url, "floor-admin")
    page.click("nav >> text=Batches")
    page.click("text=Upload documents")
    page.select_option("#id_organization", str(org.pk))
    page.fill("#id_name", "Dropped scans")

    files = [("letter.png", documents.neither_kind_page()), ("cut.pdf", documents.truncated_pdf()),
             ("memo.txt", documents.text_file())]
    page.evaluate(DROP_FILES, [[[name, base64.b64encode(data).decode()] for name, data in files]])

    expect(page.locator("#chosen li")).to_have_count(3)
    expect(page.locator("#chosen li").nth(1)).to_have_text(re.compile(r"^cut\.pdf\s*\d+ KB$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "batch-upload.png"), full_page=True)
    page.click("#upload-button")

    page.wait_for_url(re.compile(r"/batches/\d+/$"))
    batch = Batch.objects.get()
    assert page.url == f"{live_server.url}/batches/{batch.pk}/"
    expect(page.locator(".messages:not(.deadline-alerts) .msg")).to_have_text("2 documents queued, 1 file not accepted.")
    # The progress bar and counts follow the worker without a reload by hand.
    expect(page.locator("#summary")).to_have_text("3 of 3 documents processed (100%). Done.", timeout=90_000)
    expect(page.locator('[data-count="needs_review"]')).to_have_text("1")
    expect(page.locator('[data-count="failed"]')).to_have_text("2")
    expect(page.locator("#failures tbody tr")).to_have_count(2)
    expect(page.locator("#failures tbody tr").nth(0).locator("td")).to_have_text(
        [re.compile(r"\d+"), "cut.pdf", "The PDF is damaged or incomplete and cannot be read."])
    expect(page.locator("#bar")).to_have_attribute("style", re.compile(r"width: 100%"))
    assert list(batch.documents.order_by("id").values_list("status", flat=True)) == [
        DocumentStatus.NEEDS_REVIEW, DocumentStatus.FAILED, DocumentStatus.FAILED]
    page.screenshot(path=str(SCREENSHOTS / "batch-progress.png"), full_page=True)
