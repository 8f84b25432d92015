from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from ..roles import ADMIN, INSURER, REVIEWER, has_role


def home(request):
    """Send each role to where its work is."""
    user = request.user
    if has_role(user, REVIEWER, ADMIN):
        return redirect("queue")
    if has_role(user, INSURER):
        try:
            return redirect(reverse("exports"))
        except NoReverseMatch:
            return render(request, "reviews/home.html")
    return render(request, "reviews/no_role.html", status=403)
