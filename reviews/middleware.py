"""Log a session out after SESSION_IDLE_MINUTES without a request."""
import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_KEY = "medocr_last_seen"
# The last-seen time is written at most this often: writing it on every request
# would save the session row on every page and image load, for a precision the
# idle limit (minutes) does not need.
TOUCH_SECONDS = 60


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
            elif last_seen is None or now - last_seen >= TOUCH_SECONDS:
                request.session[SESSION_KEY] = now
        return self.get_response(request)
