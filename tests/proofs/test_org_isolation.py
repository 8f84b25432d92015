"""Organisation isolation: an insurer never reaches another organisation's objects, on any URL with an id.

tests/reviews/test_permissions.py checks every URL per role; this module checks every URL
that takes an object id with objects of the insurer's own organisation and of another one,
through the session (pages) and through an API token. Reviewers and admins are the firm's
own staff and work across organisations by design (reviews/roles.py), so the insurer is the
role to isolate. A new URL with an id fails `test_every_object_url_is_checked` until it is
added to OBJECT_URLS.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from rest_framework.authtoken.models import Token

from reviews.models import DocumentStatus, Export, ExportFormat
from tests.reviews.test_permissions import all_routes, path_for
from tests.support.review_data import make_batch, make_document, make_organization, make_user

pytestmark = pytest.mark.django_db

OTHER_PATIENT = "Zebedee Otherorg"
OTHER_BATCH = "Southwind confidential batch"


@dataclass(frozen=True)
class Check:
    method: str
    kwargs: Callable  # (Data, own: bool) -> url kwargs
    own: int  # status for the insurer with their own organisation's object
    other: int  # status with the other organisation's object


def approved(d, own):
    return {"pk": (d.own_approved if own else d.other_approved).pk}


def waiting(d, own):
    return {"pk": (d.own_waiting if own else d.other_waiting).pk}


def batch(d, own):
    return {"pk": (d.own_batch if own else d.other_batch).pk}


def export(d, own):
    return {"pk": (d.own_export if own else d.other_export).pk}


def page(d, own):
    return {**approved(d, own), "number": 1}


# Insurers have no part in the review workspace or the batch pages: 403 whoever owns the object.
# Where they do have a part, another organisation's object is 404, as if it did not exist.
OBJECT_URLS: dict[str, list[Check]] = {
    "review/<int:pk>/": [Check("GET", waiting, 403, 403), Check("POST", waiting, 403, 403)],
    "review/<int:pk>/reject/": [Check("POST", waiting, 403, 403)],
    "review/<int:pk>/send-back/": [Check("POST", waiting, 403, 403)],
    "review/<int:pk>/release/": [Check("POST", waiting, 403, 403)],
    "review/<int:pk>/skip/": [Check("POST", waiting, 403, 403)],
    "review/<int:pk>/audit/": [Check("GET", approved, 403, 403)],
    "documents/<int:pk>/original/": [Check("GET", approved, 200, 404), Check("GET", waiting, 404, 404)],
    "documents/<int:pk>/pages/<int:number>/": [Check("GET", page, 403, 403)],
    "batches/<int:pk>/": [Check("GET", batch, 403, 403)],
    "batches/<int:pk>/progress.json": [Check("GET", batch, 403, 403)],
    "exports/<int:pk>/download": [Check("GET", export, 200, 404)],
    "api/records/<int:pk>/": [Check("GET", approved, 200, 404), Check("GET", waiting, 404, 404)],
    "api/exports/<int:pk>/": [Check("GET", export, 200, 404)],
    "api/exports/<int:pk>/file": [Check("GET", export, 200, 404)],
    "api/batches/<int:pk>/": [Check("GET", batch, 200, 404)],
    "api/batches/<int:pk>/documents/": [Check("POST", batch, 403, 403)],
}


class Data:
    def __init__(self):
        own_org, other_org = make_organization("Northwind Health"), make_organization("Southwind Care")
        self.own_batch = make_batch(own_org, "North batch")
        self.other_batch = make_batch(other_org, OTHER_BATCH)
        self.own_waiting = make_document(batch=self.own_batch)
        self.own_approved = make_document(batch=self.own_batch, status=DocumentStatus.APPROVED)
        secret = {"patient_name": OTHER_PATIENT}
        self.other_waiting = make_document(batch=self.other_batch, values=secret)
        self.other_approved = make_document(batch=self.other_batch, status=DocumentStatus.APPROVED, values=secret)
        self.insurer = make_user("ivy", "insurer", organization=own_org)
        other_insurer = make_user("oscar", "insurer", organization=other_org)
        self.own_export = self._export(own_org, self.insurer)
        self.other_export = self._export(other_org, other_insurer, content=f"{OTHER_PATIENT}\n".encode())
        self.token = Token.objects.create(user=self.insurer).key

    @staticmethod
    def _export(organization, user, content=b"document_id\n"):
        item = Export(organization=organization, created_by=user, format=ExportFormat.CSV, document_count=1)
        item.file.save("export.csv", ContentFile(content), save=False)
        item.size = len(content)
        item.save()
        return item

    def client(self, how: str) -> Client:
        if how == "session":
            client = Client()
            client.force_login(self.insurer)
            return client
        return Client(HTTP_AUTHORIZATION=f"Token {self.token}")


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_every_object_url_is_checked():
    with_ids = [r for r in all_routes() if "<int:" in r and not r.startswith("admin/")]

    assert sorted(with_ids) == sorted(OBJECT_URLS)


@pytest.mark.parametrize("how", ["session", "token"])
@pytest.mark.parametrize("route", sorted(OBJECT_URLS))
def test_an_insurer_never_reaches_another_organisations_object(route, how):
    data = Data()
    wrong = []
    for check in OBJECT_URLS[route]:
        if how == "token" and not route.startswith("api/"):
            continue  # pages take sessions only; a token is not a login there
        for own in (True, False):
            path = path_for(route, check.kwargs(data, own))
            response = getattr(data.client(how), check.method.lower())(path)
            wanted = check.own if own else check.other
            if response.status_code != wanted:
                wrong.append(f"{check.method} {path} ({'own' if own else 'other'}): {response.status_code} != {wanted}")
            if not own:
                content = body(response)
                if OTHER_PATIENT.encode() in content or OTHER_BATCH.encode() in content:
                    wrong.append(f"{check.method} {path} shows the other organisation's data")

    assert wrong == []


def listed_ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize("how", ["session", "token"])
def test_an_insurers_lists_hold_only_their_organisation(how):
    data = Data()
    client = data.client(how)

    assert listed_ids(client.get("/api/records/")) == [data.own_approved.pk]
    assert listed_ids(client.get("/api/exports/")) == [data.own_export.pk]
    assert listed_ids(client.get("/api/batches/")) == [data.own_batch.pk]
    if how == "session":
        page = client.get("/exports/").content.decode()
        assert f"/exports/{data.own_export.pk}/download" in page
        assert f"/exports/{data.other_export.pk}/download" not in page
        assert OTHER_BATCH not in page


def test_another_organisations_batch_as_a_records_filter_finds_nothing():
    data = Data()
    client = data.client("token")

    response = client.get("/api/records/", {"batch": data.other_batch.pk})

    assert response.status_code == 200
    assert listed_ids(response) == []
    assert OTHER_PATIENT not in response.content.decode()
