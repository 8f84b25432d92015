import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reviews.models import Batch, Document, DocumentStatus, Membership


@pytest.mark.django_db
def test_seed_demo_creates_accounts_and_a_queued_demo_batch_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        call_command("seed_demo")
    call_command("seed_demo")

    users = get_user_model().objects.order_by("username")
    assert [(u.username, sorted(g.name for g in u.groups.all())) for u in users] == [
        ("admin", ["admin"]), ("insurer", ["insurer"]), ("reviewer", ["reviewer"]),
    ]
    assert users.get(username="reviewer").check_password("medocr-demo")
    assert Membership.objects.get(user__username="insurer").organization.name == "Northwind Health Insurance"
    assert Batch.objects.count() == 1
    documents = Document.objects.order_by("original_filename")
    assert [d.original_filename for d in documents] == [
        "demo-patient_details-201.pdf", "demo-patient_details-202.pdf", "demo-patient_details-203.tif",
        "demo-prescription-101.jpg", "demo-prescription-102.pdf", "demo-prescription-103.png",
    ]
    assert {d.status for d in documents} == {DocumentStatus.QUEUED}
    assert len(enqueued) == 6
