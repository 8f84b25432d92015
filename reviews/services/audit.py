"""Recording audit events. The one place that creates AuditEvent rows."""
from __future__ import annotations

from ..models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(*, action: str, actor=None, document=None, batch=None, organization=None, detail=None, request=None):
    if document is not None:
        batch = batch or document.batch
        organization = organization or document.organization
    elif batch is not None:
        organization = organization or batch.organization
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        document=document,
        batch=batch,
        organization=organization,
        detail=detail or {},
        ip_address=client_ip(request),
    )
