from .roles import roles_of


def roles(request):
    user_roles = roles_of(request.user) if hasattr(request, "user") else set()
    return {
        "is_admin": "admin" in user_roles,
        "is_reviewer": "reviewer" in user_roles,
        "is_insurer": "insurer" in user_roles,
    }
