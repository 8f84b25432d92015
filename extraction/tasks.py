"""Celery tasks. Thin: load the document, run the engine, hand the result to a service.

process_document is safe to run twice on the same document: it is
acknowledged only when it ends (acks_late), handed back to the queue when the
worker process dies under it (reject_on_worker_lost), and a second run
replaces the first run's pages and fields.
"""
from __future__ import annotations

import logging
import traceback

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from extraction.errors import DocumentError
from extraction.types import Limits

logger = logging.getLogger(__name__)


def transient_errors() -> tuple[type[BaseException], ...]:
    """Errors of reaching the database or file storage, worth another try."""
    errors: list[type[BaseException]] = [OperationalError, InterfaceError, ConnectionError, TimeoutError]
    try:
        from botocore.exceptions import ConnectionError as StoreConnectionError
        from botocore.exceptions import ConnectTimeoutError, HTTPClientError, ReadTimeoutError

        # HTTPClientError: the object store closed the connection mid-request.
        errors += [StoreConnectionError, ConnectTimeoutError, ReadTimeoutError, HTTPClientError]
    except ImportError:
        pass
    return tuple(errors)


TRANSIENT_ERRORS = transient_errors()
MAX_RETRIES = 3


def limits_from_settings() -> Limits:
    return Limits(
        max_pages=settings.EXTRACTION_MAX_PAGES,
        max_pixels=settings.EXTRACTION_MAX_PIXELS,
        dpi=settings.EXTRACTION_DPI,
        timeout_seconds=settings.EXTRACTION_TIMEOUT_SECONDS,
    )


def where(error: BaseException) -> str:
    """File and line an exception came from, for the log (its message may quote document text)."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"


@shared_task(
    bind=True,
    name="extraction.tasks.process_document",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    max_retries=MAX_RETRIES,
)
def process_document(self, document_id: int) -> str:
    from reviews.services import processing

    # Time limits travel in the message, set by the process that enqueued it.
    soft_limit = (self.request.timelimit or (None, None))[1] or settings.CELERY_TASK_SOFT_TIME_LIMIT
    try:
        return run(document_id, worker=self.request.hostname or "", soft_limit=soft_limit)
    except TRANSIENT_ERRORS as error:
        logger.warning("document %s: transient %s at %s (try %d)", document_id, type(error).__name__,
                       where(error), self.request.retries + 1)
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=error, countdown=min(120, 10 * 2 ** self.request.retries))
        processing.mark_failed_by_id(document_id=document_id, reason=(
            "Processing could not reach the database or file storage after several tries. "
            "The file is kept; re-process it when the service is back."
        ))
        raise


def run(document_id: int, worker: str = "", soft_limit: float | None = None) -> str:
    """Process one document; `worker` (the Celery node name) is recorded in its status events.

    `soft_limit` is the soft time limit in force, for the reason given when it is reached.
    """
    # Imported here so that the web process, which only enqueues, does not
    # load OpenCV and the OCR engine.
    from extraction.engine import extract
    from reviews.services import processing

    document = processing.start_processing(document_id=document_id, worker=worker)
    if document is None:
        return "skipped"
    try:
        with processing.original_on_disk(document) as path:
            result = extract(path, limits=limits_from_settings(), keep_images=True)
        stored = processing.store_extraction(document=document, extraction=result, worker=worker)
        return "needs_review" if stored else "skipped"
    except TRANSIENT_ERRORS:
        raise
    except FileNotFoundError:
        reason = "The stored original could not be found."
    except DocumentError as error:
        reason = error.message
    except SoftTimeLimitExceeded:
        reason = (
            f"Processing took longer than {soft_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT:g} seconds "
            "and was stopped. The file is kept; split it or re-process it."
        )
    except Exception as error:
        logger.error("document %s: unexpected %s at %s", document_id, type(error).__name__, where(error))
        reason = (
            f"Processing stopped on an unexpected error ({type(error).__name__}). "
            "The file is kept; re-process it once the fault is fixed."
        )
    processing.mark_failed(document=document, reason=reason)
    return "failed"
