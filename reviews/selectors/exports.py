"""Reads for exports: which organisations a user may export, their approved records, past exports."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ..exports.records import ApprovedRecord, build_record
from ..exports.sql import FieldsByName
from ..models import Document, DocumentStatus, Export, ExtractedField, Organization
from ..roles import ADMIN, INSURER, has_role, organization_of


def export_organizations(user) -> QuerySet[Organization]:
    """Admins export for any organisation; an insurer only for their own; anyone else for none."""
    if has_role(user, ADMIN):
        return Organization.objects.all()
    organization = organization_of(user) if has_role(user, INSURER) else None
    if organization is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=organization.pk)


@dataclass(frozen=True)
class RecordFilter:
    organization: Organization
    batch_id: int | None = None
    approved_from: date | None = None
    approved_to: date | None = None
    # Leave out documents already in an export of this format.
    not_exported_as: str | None = None

    def as_json(self) -> dict:
        return {
            "organization": self.organization.pk,
            "batch": self.batch_id,
            "approved_from": self.approved_from.isoformat() if self.approved_from else None,
            "approved_to": self.approved_to.isoformat() if self.approved_to else None,
            "only_not_exported": bool(self.not_exported_as),
        }


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def approved_between(documents: QuerySet[Document], *, after: date | None = None, before: date | None = None):
    """Documents approved on or after the day `after` and on or before the day `before`."""
    if after is not None:
        documents = documents.filter(reviewed_at__gte=day_start(after))
    if before is not None:
        documents = documents.filter(reviewed_at__lt=day_start(before + timedelta(days=1)))
    return documents


def approved_documents(*, organization: Organization, batch_id=None, approved_from=None, approved_to=None,
                       not_exported_as: str | None = None) -> QuerySet[Document]:
    """Approved documents of one organisation, oldest approval first.

    approved_from and approved_to are days, both included, in the site's time zone.
    """
    documents = Document.objects.filter(organization=organization, status=DocumentStatus.APPROVED)
    if batch_id is not None:
        documents = documents.filter(batch_id=batch_id)
    documents = approved_between(documents, after=approved_from, before=approved_to)
    if not_exported_as:
        earlier = Export.documents.through.objects.filter(
            document_id=OuterRef("pk"), export__format=not_exported_as, export__organization=organization
        )
        documents = documents.filter(~Exists(earlier))
    return documents.order_by("reviewed_at", "id")


def filtered_documents(record_filter: RecordFilter) -> QuerySet[Document]:
    return approved_documents(
        organization=record_filter.organization,
        batch_id=record_filter.batch_id,
        approved_from=record_filter.approved_from,
        approved_to=record_filter.approved_to,
        not_exported_as=record_filter.not_exported_as,
    )


def with_record_data(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Documents with what record_from_document needs: batch and reviewer joined, fields prefetched (API pages)."""
    fields = ExtractedField.objects.only("id", "document_id", "name", "value", "corrected").order_by()
    return documents.select_related("batch", "reviewed_by").only(
        "id", "kind", "batch_id", "batch__name", "reviewed_at", "reviewed_by__username"
    ).prefetch_related(Prefetch("fields", queryset=fields))


RECORD_COLUMNS = ("id", "batch_id", "batch__name", "kind", "reviewed_by__username", "reviewed_at")


def iter_records(documents: QuerySet[Document], *, chunk_size: int = 2000) -> Iterator[ApprovedRecord]:
    """Records one chunk at a time, never the whole result in memory.

    The documents come from a server-side cursor (iterator(chunk_size)); for
    each chunk, one query fetches its documents' fields, one JSON object per
    document built by the database. Plain rows rather than model instances:
    an export of 100 000 records reads 1.4 million fields, and a model object
    (or a decoded value) for each would cost more than the export itself.
    """
    rows = documents.values_list(*RECORD_COLUMNS).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        fields = dict(
            ExtractedField.objects.filter(document_id__in=[row[0] for row in chunk])
            .order_by().values("document_id").annotate(fields=FieldsByName()).values_list("document_id", "fields")
        )
        for document_id, batch_id, batch, kind, approved_by, approved_at in chunk:
            yield build_record(
                document_id=document_id, batch_id=batch_id, batch=batch, kind=kind,
                approved_by=approved_by, approved_at=approved_at, fields=fields.get(document_id, {}),
            )


def exports_for(user) -> QuerySet[Export]:
    return (
        Export.objects.filter(organization__in=export_organizations(user))
        .select_related("organization", "created_by")
        .order_by("-created_at", "-id")
    )


def export_for(user, pk) -> Export:
    """The export if the user may see it; 404 otherwise, so ids of others cannot be probed."""
    export = exports_for(user).filter(pk=pk).first()
    if export is None:
        raise Http404("No such export.")
    return export
