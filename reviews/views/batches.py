"""Batch pages for admins: the list, the upload form, progress and its JSON."""
from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.upload import BatchUploadForm
from ..models import Batch
from ..roles import ADMIN, role_required
from ..selectors import batches as selectors
from ..services import intake

FAILURES_SHOWN = 200


@require_GET
@role_required(ADMIN)
def batch_list(request):
    return render(request, "reviews/batch_list.html", {"batches": selectors.batch_list()[:200]})


@require_http_methods(["GET", "POST"])
@role_required(ADMIN)
def batch_upload(request):
    form = BatchUploadForm(request.POST, request.FILES) if request.method == "POST" else BatchUploadForm()
    if form.is_bound and form.is_valid():
        batch = intake.create_batch(
            organization=form.cleaned_data["organization"], name=form.cleaned_data["name"], uploaded_by=request.user
        )
        files = [(upload.name, upload) for upload in form.cleaned_data["files"]]
        report = intake.intake_files(batch=batch, files=files, uploaded_by=request.user, request=request)
        messages.success(request, report.summary())
        return redirect("batch_detail", pk=batch.pk)
    return render(request, "reviews/batch_upload.html", {"form": form})


@require_GET
@role_required(ADMIN)
def batch_detail(request, pk: int):
    batch = get_object_or_404(Batch.objects.select_related("organization", "uploaded_by"), pk=pk)
    return render(request, "reviews/batch_detail.html", {
        "batch": batch,
        "progress": selectors.batch_progress(batch=batch),
        "failures": selectors.batch_failures(batch=batch)[:FAILURES_SHOWN],
        "documents": selectors.batch_documents(batch=batch)[:500],
    })


@require_GET
@role_required(ADMIN)
def batch_progress(request, pk: int):
    batch = get_object_or_404(Batch, pk=pk)
    failures = selectors.batch_failures(batch=batch)[:FAILURES_SHOWN]
    return JsonResponse({
        **selectors.batch_progress(batch=batch).as_dict(),
        "failures": [
            {"id": doc.pk, "name": doc.original_filename, "error": doc.error,
             "original_url": reverse("document_original", args=[doc.pk])}
            for doc in failures
        ],
    })
