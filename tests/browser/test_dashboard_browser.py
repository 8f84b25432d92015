"""The dashboard in Chromium: an admin logs in, reads the page, downloads a CSV.

Saves dashboard.png to $SCREENSHOT_DIR when set (docs/screenshots for the
README), else to a temporary folder.
"""
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from tests.support.dashboard_data import PASSWORD, build_floor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def floor(live_server):
    # The browser keeps real time (session cookies expire by it), so the floor
    # is built around the real now; the figures that do not depend on the
    # minute are asserted here, all of them in tests/reviews/test_dashboard_page.py.
    return build_floor(now=timezone.now())


@pytest.fixture
def page(floor):
    # Built after the floor: Playwright's sync API runs an event loop, inside
    # which Django refuses database calls.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def test_admin_reads_the_dashboard(live_server, page, tmp_path):
    log_in(page, live_server, "ada")

    banner = page.locator("#deadline-alerts li")
    assert banner.count() == 2
    assert banner.nth(0).inner_text().startswith("Overdue: batch “Acme late” (Acme Health) was due")
    assert banner.nth(1).inner_text().startswith("At risk: batch “Borealis morning” (Borealis Insurance) is due")

    page.click("nav.mainnav >> text=Dashboard")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert page.locator("#summary li").nth(0).inner_text().split("\n")[:2] == ["OPEN DOCUMENTS", "7"]
    assert page.locator("#summary li.verdict b").inner_text() == "Off track"
    assert page.locator("#summary li.verdict small").inner_text() == "batches: 1 overdue, 1 at risk"
    assert page.locator("#due-by-status tr.total td").all_inner_texts() == ["All open", "1", "2", "3", "5", "1", "7"]
    assert page.locator("#batches tbody tr td:last-child").all_inner_texts() == [
        "Overdue", "At risk", "On track", "On track", "On track",
    ]
    assert page.locator("#throughput-totals b").all_inner_texts() == ["14", "8"]
    assert page.locator("svg.throughput g.hour").count() > 0
    assert page.locator("svg.calibration g.bucket").count() == 6
    assert page.locator("#threshold td.num").all_inner_texts() == ["21", "8", "7", "5", "2", "62.5%"]

    out = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / "dashboard.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#failures-title ~ a.csv")
    path = download.value.path()
    assert Path(path).read_text(encoding="utf-8").splitlines() == [
        "reason,documents,share_percent",
        "The file is not a PDF or an image.,2,66.7",
        "The document has more than 20 pages.,1,33.3",
    ]


def test_reviewer_sees_neither_dashboard_link_nor_banner(live_server, page):
    log_in(page, live_server, "alice")

    assert page.locator("nav.mainnav >> text=Dashboard").count() == 0
    assert page.locator("#deadline-alerts").count() == 0
    response = page.goto(f"{live_server.url}/dashboard/")
    assert response.status == 403
