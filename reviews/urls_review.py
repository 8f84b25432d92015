"""Routes for the review workspace: the queue, the review page and its actions, files, the audit trail."""
from django.urls import path

from .views import audit, files, queue, review

urlpatterns = [
    path("queue/", queue.queue, name="queue"),
    path("review/next/", review.next_document, name="review_next"),
    path("review/<int:pk>/", review.review, name="review"),
    path("review/<int:pk>/reject/", review.reject, name="review_reject"),
    path("review/<int:pk>/send-back/", review.send_back, name="review_send_back"),
    path("review/<int:pk>/release/", review.release, name="review_release"),
    path("review/<int:pk>/skip/", review.skip, name="review_skip"),
    path("review/<int:pk>/audit/", audit.timeline, name="document_audit"),
    path("documents/<int:pk>/original/", files.original, name="document_original"),
    path("documents/<int:pk>/pages/<int:number>/", files.page_image, name="page_image"),
]
