"""Routes for the batch pages (admins): list, upload, progress."""
from django.urls import path

from .views import batches

urlpatterns = [
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/upload/", batches.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/progress.json", batches.batch_progress, name="batch_progress"),
]
