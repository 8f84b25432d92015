"""Routes for exports pages."""
from django.urls import path

from .views import api_token, exports

urlpatterns = [
    path("exports/", exports.export_page, name="exports"),
    path("exports/<int:pk>/download", exports.export_download, name="export_download"),
    path("exports/api-token/", api_token.api_token, name="api_token"),
]
