"""/healthz: database and broker reachability, no login."""
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel.client.ping()
        return True
    except Exception:
        return False


def workers_online() -> int | None:
    try:
        replies = celery_app.control.ping(timeout=0.5)
    except Exception:
        return None
    return len(replies)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_ok(), "broker": broker_ok()}
    body = {
        "status": "ok" if all(checks.values()) else "error",
        "database": "ok" if checks["database"] else "unreachable",
        "broker": "ok" if checks["broker"] else "unreachable",
    }
    if checks["broker"] and request.GET.get("workers"):
        body["workers"] = workers_online()
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
