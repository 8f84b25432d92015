from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ..roles import ADMIN, REVIEWER, role_required
from ..selectors.queue import filter_choices, parse_queue_filter, queue_documents, status_counts, with_deadlines

PAGE_SIZE = 50


@role_required(REVIEWER, ADMIN)
def queue(request):
    """Documents by deadline, with filters, search and counts per status."""
    queue_filter = parse_queue_filter(request.GET)
    page = Paginator(queue_documents(queue_filter, user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    count_params = params.copy()
    count_params.pop("status", None)
    return render(request, "reviews/queue.html", {
        "page": page,
        "documents": with_deadlines(page.object_list, timezone.now()),
        "filter": queue_filter,
        "counts": status_counts(queue_filter, user=request.user),
        "choices": filter_choices(),
        "query": params.urlencode(),
        "count_query": count_params.urlencode(),
    })
