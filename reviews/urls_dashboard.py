"""Routes for the operations dashboard (admins)."""
from django.urls import path

from .views import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard_csv"),
]
