"""Text read from a document (or a file's name) is shown as text on every page, never run as markup."""
from __future__ import annotations

import pytest

from extraction.fields import PRESCRIPTION
from reviews.models import DocumentStatus
from reviews.services import review as review_service
from tests.proofs.hostile import SCRIPT
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMAGE = '"><img src=x onerror=alert(2)>'
IMAGE_ESCAPED = "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"


@pytest.fixture
def hostile_document():
    batch = make_batch(make_organization(f"{SCRIPT} Health"), f"{SCRIPT} batch")
    batch.intake_errors = [{"name": f"{SCRIPT}.zip/{IMAGE}.pdf", "error": "Not opened: the file is password-protected."}]
    batch.save()
    document = make_document(batch=batch, kind=PRESCRIPTION, filename=f"{IMAGE}.png",
                             values={"patient_name": SCRIPT, "prescriber_name": IMAGE, "directions": SCRIPT})
    make_document(batch=batch, status=DocumentStatus.FAILED, filename=f"{SCRIPT}.pdf")
    return document


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def assert_shown_as_text(html: str, *, image: bool = True) -> None:
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert ESCAPED in html
    if image:
        assert IMAGE_ESCAPED in html


def test_the_review_page_shows_field_values_escaped(client, hostile_document):
    client.force_login(make_user("rita", "reviewer"))

    html = page(client, f"/review/{hostile_document.pk}/")

    assert_shown_as_text(html)
    # In an input's value and in the heading alike.
    assert f'value="{ESCAPED}"' in html
    assert f"<h1>{ESCAPED} " in html


def test_a_correction_to_markup_is_escaped_in_the_timeline(client, hostile_document):
    reviewer = make_user("rita", "reviewer")
    review_service.claim(document=hostile_document, user=reviewer)
    changed = review_service.save_corrections(document=hostile_document, user=reviewer,
                                              version=hostile_document.version,
                                              corrections={"patient_address": SCRIPT})
    client.force_login(reviewer)

    assert changed == ["patient_address"]
    for path in (f"/review/{hostile_document.pk}/", f"/review/{hostile_document.pk}/audit/"):
        html = page(client, path)
        assert_shown_as_text(html, image=False)
        assert f"→ “{ESCAPED}”" in html


def test_queue_batch_and_dashboard_pages_show_names_escaped(client, hostile_document):
    client.force_login(make_user("adam", "admin", is_staff=True))

    assert_shown_as_text(page(client, "/queue/"))
    assert_shown_as_text(page(client, f"/batches/{hostile_document.batch_id}/"))
    assert_shown_as_text(page(client, "/dashboard/"), image=False)
    assert_shown_as_text(page(client, "/batches/"), image=False)


def test_the_admin_site_shows_names_escaped(client, hostile_document):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    assert_shown_as_text(page(client, f"/admin/reviews/batch/{hostile_document.batch_id}/change/"))
    assert_shown_as_text(page(client, "/admin/reviews/document/"))
