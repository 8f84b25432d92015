"""Intake: the one way files enter medocr.

The admin, the upload page, `import_folder` and the API all call
`intake_files`. For each file it reads the bytes once (size limit, SHA-256,
type sniffed from the content), stores the original in private storage
before anything else, creates the Document and enqueues processing when the
transaction commits. Zip archives are expanded here, member by member.

What happens to input that is not a document:
- a file that is not a PDF or image (or is empty) is kept as a Document that
  is `failed` with the reason, so it shows among the batch's failures;
- a file over the size limit, an archive that cannot be opened and archive
  members that are not documents are not kept: they are recorded in
  `Batch.intake_errors` and shown on the batch page;
- a file whose bytes match a document already in the organisation becomes a
  `duplicate` linked to that document and is not processed again.
"""
from __future__ import annotations

import hashlib
import logging
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import BinaryIO

import magic
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from extraction import filetypes

from .. import zipfiles
from ..models import AuditAction, Batch, Document, DocumentStatus, Organization
from . import audit
from .transitions import transition

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
MB = 1024 * 1024
DOCUMENT_WORDS = "a PDF or an image (PNG, JPEG, TIFF)"
NESTED_ARCHIVE = "Not opened: archives inside archives are not expanded; upload it on its own."


@dataclass
class IntakeReport:
    documents: list[Document] = field(default_factory=list)  # new, queued for processing
    duplicates: list[Document] = field(default_factory=list)  # status duplicate, duplicate_of set
    failed: list[Document] = field(default_factory=list)  # kept, but failed at intake (not a document)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (name, message) for everything not queued

    def summary(self) -> str:
        parts = [plural(len(self.documents), "document") + " queued"]
        if self.duplicates:
            parts.append(plural(len(self.duplicates), "duplicate"))
        if self.errors:
            parts.append(plural(len(self.errors), "file") + " not accepted")
        return ", ".join(parts) + "."


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass
class Received:
    """An upload read into a temporary file, with what intake learned from its bytes."""

    file: BinaryIO
    size: int
    sha256: str
    content_type: str
    head: bytes


class TooLarge(Exception):
    pass


def deadline_for(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=settings.REVIEW_DEADLINE_HOURS)


def create_batch(*, organization: Organization, name: str, uploaded_by=None, received_at: datetime | None = None) -> Batch:
    received_at = received_at or timezone.now()
    with transaction.atomic():
        return Batch.objects.create(
            organization=organization,
            name=(name or "").strip()[:200] or f"Upload {received_at:%Y-%m-%d %H:%M}",
            uploaded_by=uploaded_by if uploaded_by is not None and uploaded_by.is_authenticated else None,
            received_at=received_at,
            due_at=deadline_for(received_at),
        )


def intake_files(*, batch: Batch, files: Iterable[tuple[str, BinaryIO]], uploaded_by=None, request=None) -> IntakeReport:
    """Take in files for a batch; one bad file never stops the others."""
    report = IntakeReport()
    not_kept: list[tuple[str, str]] = []
    context = {"batch": batch, "uploaded_by": uploaded_by, "request": request, "report": report, "not_kept": not_kept}
    for raw_name, handle in files:
        name = clean_name(raw_name)
        try:
            received = receive(handle, limit=max(settings.MAX_UPLOAD_MB, settings.ZIP_MAX_TOTAL_MB) * MB)
        except TooLarge:
            refuse(context, name, f"The file is larger than {max(settings.MAX_UPLOAD_MB, settings.ZIP_MAX_TOTAL_MB)} MB.")
            continue
        with received.file:
            if received.content_type == filetypes.ZIP:
                take_archive(context, name, received)
            elif received.size > settings.MAX_UPLOAD_MB * MB:
                size = zipfiles.megabytes(received.size)
                refuse(context, name, f"The file is {size}; the limit is {settings.MAX_UPLOAD_MB} MB per file.")
            else:
                take_document(context, name, received, problem=refusal(received))
    if not_kept:
        record_intake_errors(batch=batch, errors=not_kept)
    logger.info(
        "batch %s intake: %d queued, %d duplicates, %d failed at intake, %d not kept",
        batch.pk, len(report.documents), len(report.duplicates), len(report.failed), len(not_kept),
    )
    return report


def clean_name(name: str) -> str:
    """The name as shown to people: printable, at most 255 characters (keeping the end)."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(name or "")) if unicodedata.category(ch)[0] != "C")
    text = text.strip() or "unnamed"
    return text if len(text) <= 255 else "…" + text[-254:]


def receive(handle: BinaryIO, *, limit: int) -> Received:
    """Copy an upload to a temporary file, hashing and counting as it goes."""
    declared = getattr(handle, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise TooLarge
    if getattr(handle, "seekable", lambda: False)():
        handle.seek(0)
    target = tempfile.SpooledTemporaryFile(max_size=8 * MB)
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := handle.read(CHUNK):
        size += len(chunk)
        if size > limit:
            target.close()
            raise TooLarge
        digest.update(chunk)
        target.write(chunk)
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
    target.seek(0)
    content_type = filetypes.sniff(head) if size else "application/x-empty"
    return Received(file=target, size=size, sha256=digest.hexdigest(), content_type=content_type, head=head)


def refusal(received: Received) -> str:
    """Why a top-level file is not a document we read, or '' when it is one."""
    if received.size == 0:
        return "The file is empty."
    if received.content_type in filetypes.DOCUMENT_TYPES:
        return ""
    looks_like = (magic.from_buffer(received.head) or received.content_type).split(",")[0][:80]
    return f"This file is not {DOCUMENT_WORDS}; its contents look like: {looks_like}."


def refuse(context: dict, name: str, message: str) -> None:
    context["report"].errors.append((name, message))
    context["not_kept"].append((name, message))


def take_archive(context: dict, name: str, received: Received) -> None:
    if received.size > settings.ZIP_MAX_TOTAL_MB * MB:
        size = zipfiles.megabytes(received.size)
        refuse(context, name, f"The zip archive is {size}; the limit is {settings.ZIP_MAX_TOTAL_MB} MB.")
        return
    members = zipfiles.expand(
        received.file,
        max_members=settings.ZIP_MAX_MEMBERS,
        max_member_bytes=settings.MAX_UPLOAD_MB * MB,
        max_total_bytes=settings.ZIP_MAX_TOTAL_MB * MB,
    )
    try:
        for item in members:
            member_name = clean_name(f"{name}/{item.name}")
            if isinstance(item, zipfiles.Problem):
                refuse(context, member_name, item.message)
                continue
            with item.file:
                member = receive(item.file, limit=settings.MAX_UPLOAD_MB * MB)
            with member.file:
                if member.content_type == filetypes.ZIP:
                    refuse(context, member_name, NESTED_ARCHIVE)
                elif problem := refusal(member):
                    refuse(context, member_name, f"Skipped: {problem[0].lower()}{problem[1:]}")
                else:
                    take_document(context, member_name, member, problem="")
    except zipfiles.ArchiveRejected as rejected:
        refuse(context, name, rejected.message)


def take_document(context: dict, name: str, received: Received, *, problem: str) -> None:
    """Store the original, create its Document, then fail it, link it as a duplicate or queue it."""
    batch, actor, request, report = context["batch"], context["uploaded_by"], context["request"], context["report"]
    document = Document(
        batch=batch,
        organization_id=batch.organization_id,
        due_at=batch.due_at,
        original_filename=name,
        sha256=received.sha256,
        content_type=received.content_type,
        size=received.size,
    )
    document.original.save("original", File(received.file), save=False)
    try:
        with transaction.atomic():
            # One intake at a time per organisation, so two uploads of the same
            # file cannot both miss each other in the duplicate check.
            list(Organization.objects.select_for_update().filter(pk=batch.organization_id).values_list("pk"))
            document.save()
            audit.record(
                action=AuditAction.UPLOAD, actor=actor, document=document, request=request,
                detail={"name": name, "size": received.size, "content_type": received.content_type},
            )
            original = None if problem else find_original(document)
            if problem:
                transition(document=document, to=DocumentStatus.FAILED, actor=actor, request=request,
                           reason=problem, error=problem, processed_at=timezone.now())
            elif original is not None:
                transition(document=document, to=DocumentStatus.DUPLICATE, actor=actor, request=request,
                           reason=f"Same file as document #{original.pk}.", duplicate_of=original)
            else:
                transaction.on_commit(partial(enqueue, document.pk), robust=True)
    except BaseException:
        document.original.delete(save=False)
        raise
    if problem:
        report.failed.append(document)
        report.errors.append((name, problem))
    elif original is not None:
        report.duplicates.append(document)
    else:
        report.documents.append(document)


def find_original(document: Document) -> Document | None:
    """The first document of the organisation with the same bytes, if any."""
    return (
        Document.objects.filter(organization_id=document.organization_id, sha256=document.sha256)
        .exclude(status=DocumentStatus.DUPLICATE)
        .exclude(pk=document.pk)
        .order_by("id")
        .first()
    )


def enqueue(document_id: int) -> None:
    """Queue processing. The time limits travel in the message, read from the settings now."""
    from extraction.tasks import process_document

    process_document.apply_async(
        args=(document_id,),
        soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
        time_limit=settings.CELERY_TASK_TIME_LIMIT,
    )


def record_intake_errors(*, batch: Batch, errors: list[tuple[str, str]]) -> None:
    with transaction.atomic():
        locked = Batch.objects.select_for_update().get(pk=batch.pk)
        locked.intake_errors = list(locked.intake_errors) + [{"name": n, "error": m} for n, m in errors]
        locked.save(update_fields=["intake_errors"])
    batch.intake_errors = locked.intake_errors
