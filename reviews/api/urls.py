"""API routes. Every view authenticates through DRF (token or session), not the login page."""
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"


def api(view_class):
    return login_not_required(view_class.as_view())


urlpatterns = [
    # The schema and its documentation page are public so that clients can be generated; they hold no data.
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
    path("records/", api(views.RecordList), name="record-list"),
    path("records/<int:pk>/", api(views.RecordDetail), name="record-detail"),
    path("exports/", api(views.ExportList), name="export-list"),
    path("exports/<int:pk>/", api(views.ExportDetail), name="export-detail"),
    path("exports/<int:pk>/file", api(views.ExportFile), name="export-file"),
    path("batches/", api(views.BatchList), name="batch-list"),
    path("batches/<int:pk>/", api(views.BatchDetail), name="batch-detail"),
    path("batches/<int:pk>/documents/", api(views.BatchDocuments), name="batch-documents"),
]
