"""Private files: uploaded originals and page images, streamed only after checking role and organisation.

Every response is `Cache-Control: private, no-store` and every read is an audit event.
"""
from django.http import FileResponse
from django.views.decorators.http import require_GET

from ..models import AuditAction
from ..roles import ADMIN, INSURER, REVIEWER, role_required
from ..selectors.documents import downloadable_original, page_of
from ..services import audit


def _private(response: FileResponse) -> FileResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(ADMIN, REVIEWER, INSURER)
def original(request, pk: int):
    """Reviewers and admins: any document. Insurers: their organisation's approved documents."""
    document = downloadable_original(user=request.user, document_id=pk)
    audit.record(action=AuditAction.DOWNLOAD, actor=request.user, document=document, request=request,
                 detail={"file": "original"})
    response = FileResponse(document.original.open("rb"), as_attachment=True, filename=document.original_filename,
                            content_type=document.content_type or "application/octet-stream")
    return _private(response)


@require_GET
@role_required(ADMIN, REVIEWER)
def page_image(request, pk: int, number: int):
    """Page images are working copies for the firm's reviewers and admins; insurers get the original."""
    page = page_of(document_id=pk, number=number)
    audit.record(action=AuditAction.VIEW, actor=request.user, document=page.document, request=request,
                 detail={"page": number})
    return _private(FileResponse(page.image.open("rb"), content_type="image/png"))
