from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns = [
    # The schema is public so that clients can be generated; it holds no data.
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
]
