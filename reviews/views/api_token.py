"""The API token page: create or rotate the token; the key is shown once, right after."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from ..roles import ADMIN, INSURER, role_required
from ..services.api_tokens import rotate_token


@never_cache
@role_required(INSURER, ADMIN)
@require_http_methods(["GET", "POST"])
def api_token(request):
    new_key = None
    if request.method == "POST":
        new_key = rotate_token(user=request.user).key
    current = Token.objects.filter(user=request.user).first()
    return render(request, "reviews/export_api_token.html", {"token": current, "new_key": new_key})
