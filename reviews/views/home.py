from django.shortcuts import redirect, render

from ..roles import ADMIN, INSURER, REVIEWER, has_role


def home(request):
    """Send each role to where its work is."""
    user = request.user
    if has_role(user, REVIEWER, ADMIN):
        return render(request, "reviews/home.html")
    if has_role(user, INSURER):
        return render(request, "reviews/home.html")
    return render(request, "reviews/no_role.html", status=403)
