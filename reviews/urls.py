"""Page URLs. Each feature keeps its routes in its own module."""
from django.urls import path

from . import urls_batches, urls_dashboard, urls_exports, urls_review
from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    *urls_batches.urlpatterns,
    *urls_review.urlpatterns,
    *urls_exports.urlpatterns,
    *urls_dashboard.urlpatterns,
]
