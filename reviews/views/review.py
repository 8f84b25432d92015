"""The review page and its actions. Opening a document claims it; every write is a service call."""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from extraction.fields import field_specs

from ..forms.review import ReviewForm, input_name, problem_with
from ..models import DocumentStatus
from ..roles import ADMIN, REVIEWER, has_role, role_required
from ..selectors import documents as doc_selectors
from ..selectors.queue import deadline, next_document as find_next
from ..services import review as review_service
from ..services.review import REJECTION_REASONS, ApprovalRefused, ClaimHeld, ReviewError, StaleDocument

SHORTCUTS = (
    ("Tab / Shift+Tab", "next / previous field"),
    ("Alt+S", "save corrections"),
    ("Alt+A", "approve"),
    ("Alt+R", "reject"),
    ("Alt+N", "next document"),
    ("Alt+PageDown / Alt+PageUp", "next / previous page"),
    ("Alt+= / Alt+- / Alt+0", "zoom in / out / fit"),
    ("Alt+O", "rotate the view"),
)


def _form(document, fields, data=None, approving=False):
    values = {name: field.value for name, field in fields.items()}
    return ReviewForm(data, specs=field_specs(document.kind), values=values, version=document.version,
                      approving=approving)


def _render(request, document, form, fields, *, held=None, status=200):
    readonly = document.status != DocumentStatus.NEEDS_REVIEW or held is not None
    if readonly:
        for field in form.fields.values():
            field.disabled = True
    groups = [
        (group, [
            {"row": row, "input": form[input_name(row.spec)],
             "issue": None if form.is_bound else problem_with(row.spec, row.field.value if row.field else None)}
            for row in rows
        ])
        for group, rows in doc_selectors.field_groups(document, fields)
    ]
    pages = [
        {"number": page.number, "width": page.width, "height": page.height,
         "url": reverse("page_image", args=[document.pk, page.number])}
        for page in doc_selectors.document_pages(document)
    ]
    time_left, urgency = deadline(document.due_at, timezone.now())
    return render(request, "reviews/review.html", {
        "document": document, "form": form, "groups": groups, "pages": pages, "held": held,
        "readonly": readonly, "threshold": settings.REVIEW_THRESHOLD, "reasons": REJECTION_REASONS,
        "shortcuts": SHORTCUTS, "time_left": time_left, "urgency": urgency,
        "mine": document.claimed_by_id == request.user.pk and not held,
        "events": doc_selectors.with_descriptions(doc_selectors.recent_changes(document)),
        "can_release": document.claimed_by_id is not None and (
            document.claimed_by_id == request.user.pk or has_role(request.user, ADMIN)),
    }, status=status)


def _go_next(request, after):
    following = find_next(user=request.user, after=after)
    if following is None:
        messages.info(request, "No more documents are waiting for review.")
        return redirect("queue")
    return redirect("review", pk=following.pk)


@role_required(REVIEWER, ADMIN)
def review(request, pk: int):
    document = doc_selectors.document_for_review(document_id=pk)
    if request.method == "POST":
        return _submit(request, document)
    held = None
    try:
        review_service.claim(document=document, user=request.user, request=request)
    except ClaimHeld as error:
        held = error
    fields = doc_selectors.fields_by_name(document)
    return _render(request, document, _form(document, fields), fields, held=held)


def _submit(request, document):
    fields = doc_selectors.fields_by_name(document)
    approving = request.POST.get("action") == "approve"
    form = _form(document, fields, data=request.POST, approving=approving)
    if not form.is_valid():
        messages.error(request, "Some fields need attention (see the messages beside them). Nothing was saved.")
        return _render(request, document, form, fields)
    version = form.cleaned_data["version"]
    try:
        if approving:
            review_service.approve(document=document, user=request.user, version=version,
                                   corrections=form.corrections, request=request)
        else:
            changed = review_service.save_corrections(document=document, user=request.user, version=version,
                                                      corrections=form.corrections, request=request)
    except (StaleDocument, ClaimHeld) as error:
        messages.error(request, error.message)
        return redirect("review", pk=document.pk)
    except ReviewError as error:
        if isinstance(error, ApprovalRefused):
            for spec in field_specs(document.kind):
                if spec.label in error.problems:
                    form.add_error(input_name(spec), error.problems[spec.label])
        messages.error(request, error.message)
        return _render(request, document, form, fields)
    if not approving:
        messages.success(request, f"Saved {len(changed)} correction{'s' if len(changed) != 1 else ''}."
                         if changed else "No changes to save.")
        return redirect("review", pk=document.pk)
    if document.status == DocumentStatus.APPROVED:
        messages.success(request, f"Approved document #{document.pk}.")
    else:
        messages.success(request, f"First approval of document #{document.pk} recorded; it now waits for a second reviewer.")
    return _go_next(request, document)


def _version(request) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else -1


@require_POST
@role_required(REVIEWER, ADMIN)
def reject(request, pk: int):
    document = doc_selectors.document_for_review(document_id=pk)
    try:
        review_service.reject(document=document, user=request.user, version=_version(request),
                              reason=request.POST.get("reason", ""), note=request.POST.get("note", ""), request=request)
    except ReviewError as error:
        messages.error(request, error.message)
        return redirect("review", pk=pk)
    messages.success(request, f"Rejected document #{pk}.")
    return _go_next(request, document)


@require_POST
@role_required(REVIEWER, ADMIN)
def send_back(request, pk: int):
    document = doc_selectors.document_for_review(document_id=pk)
    try:
        review_service.send_back(document=document, user=request.user, version=_version(request), request=request)
    except ReviewError as error:
        messages.error(request, error.message)
        return redirect("review", pk=pk)
    messages.success(request, f"Document #{pk} was sent back to processing.")
    return _go_next(request, document)


@require_POST
@role_required(REVIEWER, ADMIN)
def release(request, pk: int):
    document = doc_selectors.document_for_review(document_id=pk)
    try:
        review_service.release(document=document, user=request.user, request=request)
    except ReviewError as error:
        messages.error(request, error.message)
        return redirect("review", pk=pk)
    messages.success(request, f"Document #{pk} is free for others to review.")
    return redirect("queue")


@require_POST
@role_required(REVIEWER, ADMIN)
def skip(request, pk: int):
    """Leave this document (giving up one's own claim) for the next one in the queue."""
    document = doc_selectors.document_for_review(document_id=pk)
    if document.claimed_by_id == request.user.pk:
        review_service.release(document=document, user=request.user, request=request)
    return _go_next(request, document)


@require_GET
@role_required(REVIEWER, ADMIN)
def next_document(request):
    """The first document waiting for review that the user can take."""
    return _go_next(request, None)
