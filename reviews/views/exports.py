"""Export page: choose records and a format, download; past exports download again byte-identical."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..exports.formats import format_module
from ..forms.exports import ExportForm
from ..roles import ADMIN, INSURER, role_required
from ..selectors.exports import export_for, export_organizations, exports_for
from ..services.exports import export_filename, export_records, open_export_file, record_download

PAST_EXPORTS_SHOWN = 50


def private_attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(INSURER, ADMIN)
@require_http_methods(["GET", "POST"])
def export_page(request):
    organizations = export_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied("Your account belongs to no organisation.")
    form = ExportForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        fmt, created_at = form.cleaned_data["format"], timezone.now()
        stream = export_records(
            record_filter=form.record_filter(), fmt=fmt, user=request.user, created_at=created_at, request=request
        )
        response = StreamingHttpResponse(stream, content_type=format_module(fmt).CONTENT_TYPE)
        filename = export_filename(organization=form.cleaned_data["organization"], fmt=fmt, created_at=created_at)
        return private_attachment(response, filename)
    context = {"form": form, "exports": exports_for(request.user)[:PAST_EXPORTS_SHOWN]}
    return render(request, "reviews/exports.html", context, status=400 if form.is_bound else 200)


@role_required(INSURER, ADMIN)
@require_GET
def export_download(request, pk: int):
    export = export_for(request.user, pk)
    record_download(export=export, user=request.user, request=request)
    response = FileResponse(open_export_file(export), content_type=format_module(export.format).CONTENT_TYPE)
    filename = export_filename(organization=export.organization, fmt=export.format, created_at=export.created_at)
    return private_attachment(response, filename)
