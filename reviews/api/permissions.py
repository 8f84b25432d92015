"""API permissions by role. Organisation scoping is done by the selectors (others' objects are 404)."""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..roles import ADMIN, INSURER, has_role, organization_of


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def is_org_insurer(user) -> bool:
    return has_role(user, INSURER) and organization_of(user) is not None


class IsInsurerOrAdmin(BasePermission):
    """Admins, and insurers who belong to an organisation."""

    message = "Only insurers of an organisation and admins use this API."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (is_admin(user) or is_org_insurer(user)))


class ReadInsurerWriteAdmin(IsInsurerOrAdmin):
    """Insurers read; only admins create or upload."""

    message = "Only admins create batches and upload documents."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or is_admin(request.user)
