from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .roles import ADMIN, has_role, roles_of
from .selectors.dashboard import batches_in_trouble


def roles(request):
    user_roles = roles_of(request.user) if hasattr(request, "user") else set()
    return {
        "is_admin": "admin" in user_roles,
        "is_reviewer": "reviewer" in user_roles,
        "is_insurer": "insurer" in user_roles,
    }


def deadline_alerts(request):
    """Batches at risk or overdue, for the banner on every page an admin sees.

    Lazy: the two aggregate queries run only when a template shows the banner.
    """
    if not (hasattr(request, "user") and has_role(request.user, ADMIN)):
        return {"deadline_alerts": ()}
    return {"deadline_alerts": SimpleLazyObject(lambda: batches_in_trouble(now=timezone.now()))}
