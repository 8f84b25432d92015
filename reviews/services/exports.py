"""Exports of approved records: written while they stream, then recorded.

`export_records` is a generator of bytes for a StreamingHttpResponse. Each
piece goes to the client, into a temporary file and into a SHA-256 hash; only
document ids are kept in memory. When the last piece has been produced, the
file is saved to private storage and the Export row, its documents and the
audit event are written in one transaction. An export abandoned half way (the
client went away) leaves nothing behind.
"""
from __future__ import annotations

import hashlib
import logging
import tempfile
import uuid
from array import array
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from ..exports.formats import format_module
from ..models import AuditAction, Export
from ..selectors.exports import RecordFilter, filtered_documents, iter_records
from . import audit

logger = logging.getLogger(__name__)
LINK_BATCH = 20_000


def export_filename(*, organization, fmt: str, created_at) -> str:
    extension = format_module(fmt).EXTENSION
    return f"medocr-{organization.slug}-{fmt}-{created_at:%Y%m%d-%H%M%S}.{extension}"


def _tracked(records, ids: array):
    for record in records:
        ids.append(record.document_id)
        yield record


def export_records(*, record_filter: RecordFilter, fmt: str, user, created_at=None, request=None,
                   chunk_size: int = 2000) -> Iterator[bytes]:
    """Yield the export's bytes; record it once they are all produced."""
    created_at = created_at or timezone.now()
    module = format_module(fmt)
    ids = array("q")
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as spool:
        records = _tracked(iter_records(filtered_documents(record_filter), chunk_size=chunk_size), ids)
        for text in module.render(records, exported_at=created_at, bundle_id=str(uuid.uuid4())):
            if not text:
                continue
            data = text.encode("utf-8")
            digest.update(data)
            spool.write(data)
            size += len(data)
            yield data
        spool.seek(0)
        export = _record(
            record_filter=record_filter, fmt=fmt, user=user, created_at=created_at, request=request,
            spool=spool, size=size, sha256=digest.hexdigest(), document_ids=ids,
        )
    logger.info("export %s recorded: %s documents, %s bytes", export.pk, export.document_count, size)


def _record(*, record_filter, fmt, user, created_at, request, spool, size, sha256, document_ids) -> Export:
    organization = record_filter.organization
    export = Export(
        organization=organization, created_by=user, created_at=created_at, format=fmt,
        filters=record_filter.as_json(), document_count=len(document_ids), size=size, sha256=sha256,
    )
    export.file.save(fmt, File(spool), save=False)
    try:
        _save(export, user=user, request=request, document_ids=document_ids)
    except BaseException:
        export.file.delete(save=False)
        raise
    return export


def _save(export: Export, *, user, request, document_ids) -> None:
    organization, sha256 = export.organization, export.sha256
    with transaction.atomic():
        export.save()
        _link_documents(export, document_ids)
        audit.record(
            action=AuditAction.EXPORT, actor=user, organization=organization, request=request,
            detail={"export": export.pk, "format": export.format, "filters": export.filters,
                    "documents": export.document_count, "sha256": sha256},
        )


def _link_documents(export: Export, document_ids: array) -> None:
    """Export.documents for many ids: on PostgreSQL one INSERT per batch from an array, else bulk_create."""
    link = Export.documents.through
    for start in range(0, len(document_ids), LINK_BATCH):
        batch = document_ids[start:start + LINK_BATCH]
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(link._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (export_id, document_id) SELECT %s, unnest(%s::bigint[])",
                    [export.pk, batch.tolist()],
                )
        else:
            link.objects.bulk_create([link(export_id=export.pk, document_id=doc_id) for doc_id in batch])


def record_download(*, export: Export, user, request=None) -> None:
    """Audit a download of a stored export."""
    with transaction.atomic():
        audit.record(
            action=AuditAction.DOWNLOAD, actor=user, organization=export.organization, request=request,
            detail={"export": export.pk, "format": export.format, "sha256": export.sha256},
        )


def open_export_file(export: Export):
    return default_storage.open(export.file.name, "rb")
