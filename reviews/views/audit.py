from django.core.paginator import Paginator
from django.shortcuts import render

from ..roles import ADMIN, REVIEWER, role_required
from ..selectors.documents import audit_timeline, document_for_review, with_descriptions

PAGE_SIZE = 100


@role_required(REVIEWER, ADMIN)
def timeline(request, pk: int):
    """Everything that happened to one document, oldest first: who, when, from where."""
    document = document_for_review(document_id=pk)
    page = Paginator(audit_timeline(document), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/audit.html", {
        "document": document, "page": page, "events": with_descriptions(page.object_list),
    })
