"""Every URL of the project, for anonymous, reviewer, admin and insurer users, against an explicit table.

The URLs come from the resolver, so a new route fails `test_every_url_is_in_the_table`
until its expected statuses are added below. The Django admin site checks staff
status and model permissions itself; its routes are covered by ADMIN_SITE_* below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from reviews.models import DocumentStatus, Export, ExportFormat
from tests.support.review_data import make_batch, make_document, make_organization, make_user

ROLES = ("anonymous", "reviewer", "admin", "insurer")


@dataclass(frozen=True)
class Expect:
    """Status codes for one request, per role. `url` builds the path from the sample data."""

    anonymous: int
    reviewer: int
    admin: int
    insurer: int
    method: str = "GET"
    kwargs: Callable = field(default=lambda d: {})


def doc(d):
    return {"pk": d.document.pk}


# route pattern -> the requests to make. 302 for anonymous is the redirect to the login page.
TABLE: dict[str, list[Expect]] = {
    "healthz": [Expect(200, 200, 200, 200)],
    "accounts/login/": [Expect(200, 200, 200, 200)],
    "accounts/logout/": [Expect(302, 405, 405, 405), Expect(302, 302, 302, 302, method="POST")],
    "": [Expect(302, 302, 302, 302)],
    # Review workspace.
    "queue/": [Expect(302, 200, 200, 403)],
    "review/next/": [Expect(302, 302, 302, 403)],
    "review/<int:pk>/": [Expect(302, 200, 200, 403, kwargs=doc),
                         Expect(302, 200, 200, 403, method="POST", kwargs=doc)],
    "review/<int:pk>/reject/": [Expect(302, 405, 405, 405, kwargs=doc),
                                Expect(302, 302, 302, 403, method="POST", kwargs=doc)],
    "review/<int:pk>/send-back/": [Expect(302, 405, 405, 405, kwargs=doc),
                                   Expect(302, 302, 302, 403, method="POST", kwargs=doc)],
    "review/<int:pk>/release/": [Expect(302, 405, 405, 405, kwargs=doc),
                                 Expect(302, 302, 302, 403, method="POST", kwargs=doc)],
    "review/<int:pk>/skip/": [Expect(302, 405, 405, 405, kwargs=doc),
                              Expect(302, 302, 302, 403, method="POST", kwargs=doc)],
    "review/<int:pk>/audit/": [Expect(302, 200, 200, 403, kwargs=doc)],
    # Files: insurers get their organisation's approved originals, never page images.
    "documents/<int:pk>/original/": [
        Expect(302, 200, 200, 404, kwargs=doc),
        Expect(302, 200, 200, 200, kwargs=lambda d: {"pk": d.approved.pk}),
        Expect(302, 200, 200, 404, kwargs=lambda d: {"pk": d.other_approved.pk}),
    ],
    "documents/<int:pk>/pages/<int:number>/": [
        Expect(302, 200, 200, 403, kwargs=lambda d: {"pk": d.approved.pk, "number": 1})],
    # Batches and dashboard (admins).
    "batches/": [Expect(302, 403, 200, 403)],
    "batches/upload/": [Expect(302, 403, 200, 403)],
    "batches/<int:pk>/": [Expect(302, 403, 200, 403, kwargs=lambda d: {"pk": d.batch.pk})],
    "batches/<int:pk>/progress.json": [Expect(302, 403, 200, 403, kwargs=lambda d: {"pk": d.batch.pk})],
    "dashboard/": [Expect(302, 403, 200, 403)],
    "dashboard/<slug:table>.csv": [Expect(302, 403, 200, 403, kwargs=lambda d: {"table": "batches"})],
    # Exports (insurers for their organisation, admins for any).
    "exports/": [Expect(302, 403, 200, 200)],
    "exports/<int:pk>/download": [
        Expect(302, 403, 200, 200, kwargs=lambda d: {"pk": d.export.pk}),
        Expect(302, 403, 200, 404, kwargs=lambda d: {"pk": d.other_export.pk}),
    ],
    "exports/api-token/": [Expect(302, 403, 200, 200)],
    # API: token or session authentication; 401 without either.
    "api/schema/": [Expect(200, 200, 200, 200)],
    "api/docs/": [Expect(200, 200, 200, 200)],
    "api/records/": [Expect(401, 403, 200, 200)],
    "api/records/<int:pk>/": [Expect(401, 403, 200, 200, kwargs=lambda d: {"pk": d.approved.pk}),
                              Expect(401, 403, 200, 404, kwargs=lambda d: {"pk": d.other_approved.pk})],
    "api/exports/": [Expect(401, 403, 200, 200)],
    "api/exports/<int:pk>/": [Expect(401, 403, 200, 200, kwargs=lambda d: {"pk": d.export.pk}),
                              Expect(401, 403, 200, 404, kwargs=lambda d: {"pk": d.other_export.pk})],
    "api/exports/<int:pk>/file": [Expect(401, 403, 200, 200, kwargs=lambda d: {"pk": d.export.pk})],
    "api/batches/": [Expect(401, 403, 200, 200)],
    "api/batches/<int:pk>/": [Expect(401, 403, 200, 200, kwargs=lambda d: {"pk": d.batch.pk})],
    "api/batches/<int:pk>/documents/": [
        Expect(401, 403, 405, 405, kwargs=lambda d: {"pk": d.batch.pk}),
        Expect(401, 403, 400, 403, method="POST", kwargs=lambda d: {"pk": d.batch.pk}),
    ],
    # The admin site's own login and logout pages.
    "admin/login/": [Expect(200, 200, 302, 200)],
    "admin/logout/": [Expect(302, 302, 405, 302), Expect(302, 302, 302, 302, method="POST")],
}

ADMIN_SITE_PREFIX = "admin/"
# Staff only: anonymous users are sent to the log-in page, logged-in users who
# are not staff to the admin's own log-in page.
ADMIN_SITE_REDIRECTS = {"anonymous": ("/accounts/login/?next=/admin/", "/admin/login/?next=/admin/"),
                        "reviewer": ("/admin/login/?next=/admin/",), "insurer": ("/admin/login/?next=/admin/",)}
# For the admin role (staff, in the admin group) a few pages that matter.
ADMIN_SITE_FOR_ADMINS = {
    "admin/": 200,
    "admin/reviews/document/": 200,
    "admin/reviews/auditevent/": 200,
    "admin/reviews/auditevent/add/": 403,
    "admin/auth/user/": 403,
}


def all_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def path_for(route: str, kwargs: dict) -> str:
    path = route
    for name, value in kwargs.items():
        for converter in ("int", "slug", "path", "str"):
            path = path.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in path, f"no value for a parameter of {route}"
    return "/" + path


class Data:
    def __init__(self):
        self.org = make_organization()
        other_org = make_organization("Southwind Care")
        self.batch = make_batch(self.org)
        self.document = make_document(batch=self.batch)
        self.approved = make_document(batch=self.batch, status=DocumentStatus.APPROVED)
        self.other_approved = make_document(batch=make_batch(other_org, "South batch"), status=DocumentStatus.APPROVED)
        self.users = {
            "anonymous": None,
            "reviewer": make_user("rita", "reviewer", password=None),
            "admin": make_user("adam", "admin", is_staff=True, password=None),
            "insurer": make_user("ivy", "insurer", organization=self.org, password=None),
        }
        self.export = self._export(self.org)
        self.other_export = self._export(other_org)

    def _export(self, organization):
        export = Export(organization=organization, created_by=self.users["admin"], format=ExportFormat.CSV,
                        document_count=0)
        export.file.save("export.csv", ContentFile(b"document_id\n"), save=False)
        export.size = len(b"document_id\n")
        export.save()
        return export

    def client(self, role):
        client = Client()
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


def test_every_url_is_in_the_table():
    unknown = [r for r in all_routes() if r not in TABLE and not r.startswith(ADMIN_SITE_PREFIX)]

    assert not unknown, (
        "These URLs have no expected statuses in tests/reviews/test_permissions.py. Add each to TABLE with "
        f"the status for anonymous, reviewer, admin and insurer users: {unknown}"
    )


def test_the_table_names_only_existing_urls():
    routes = set(all_routes())

    assert [r for r in [*TABLE, *ADMIN_SITE_FOR_ADMINS] if r not in routes] == []


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(TABLE))
def test_status_per_role(route):
    data = Data()
    wrong = []
    for expect in TABLE[route]:
        path = path_for(route, expect.kwargs(data))
        for role in ROLES:
            response = getattr(data.client(role), expect.method.lower())(path)
            wanted = getattr(expect, role)
            if response.status_code != wanted:
                wrong.append(f"{expect.method} {path} as {role}: expected {wanted}, got {response.status_code}")
            elif role == "anonymous" and wanted == 302 and not route.startswith(("accounts/", "admin/")):
                assert response["Location"].startswith("/accounts/login/?next="), path

    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "reviewer", "insurer"])
def test_admin_site_is_for_staff_only(role):
    data = Data()
    client = data.client(role)
    wrong = []
    for route in all_routes():
        if not route.startswith(ADMIN_SITE_PREFIX) or route in TABLE or "(?P" in route or "<" in route:
            continue
        response = client.get("/" + route)
        if response.status_code != 302 or not response["Location"].startswith(ADMIN_SITE_REDIRECTS[role]):
            wrong.append(f"/{route} as {role}: {response.status_code} {response.get('Location')}")

    assert wrong == []


@pytest.mark.django_db
def test_admin_site_pages_for_admins():
    client = Data().client("admin")

    got = {route: client.get("/" + route).status_code for route in ADMIN_SITE_FOR_ADMINS}

    assert got == ADMIN_SITE_FOR_ADMINS
