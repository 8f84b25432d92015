"""Roles are Django groups: admin, reviewer, insurer.

A superuser counts as an admin. Insurers belong to one organisation through
Membership; admins and reviewers work across organisations.
"""
from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

ADMIN = "admin"
REVIEWER = "reviewer"
INSURER = "insurer"
ROLES = (ADMIN, REVIEWER, INSURER)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_medocr_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(ROLES)
        if user.is_superuser:
            cached.add(ADMIN)
        user._medocr_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def organization_of(user):
    """The insurer user's organisation, or None for staff roles."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.organization if membership else None


def role_required(*roles: str):
    """View decorator: 403 unless the logged-in user has one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
