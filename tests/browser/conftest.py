"""Chromium (Debian's, through Playwright) for the browser tests, and logged-in sessions on the live server."""
import os

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.support.review_data import PASSWORD

# While Playwright's sync API runs, the test thread has an asyncio loop; the
# test's own database calls (checking results) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def browser_session(live_server):
    """log_in(username) -> a page of a new browser session (own cookies) logged in as that user.

    Chromium starts at the first log-in and stops before the database is reset:
    Django's test database set-up and tear-down must run outside Playwright's loop.
    """
    running = {}
    contexts = []

    def log_in(username, password=PASSWORD):
        if not running:
            running["playwright"] = sync_playwright().start()
            running["browser"] = running["playwright"].chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = running["browser"].new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, page.content()[:500]
        return page

    yield log_in
    for context in contexts:
        context.close()
    if running:
        # Database connections opened by the test while the loop ran belong to
        # the loop's context; close them here or the test database cannot be dropped.
        connections.close_all()
        running["browser"].close()
        running["playwright"].stop()
