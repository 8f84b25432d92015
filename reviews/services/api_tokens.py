"""API tokens: one per user, rotated on request (the old one stops working at once)."""
from __future__ import annotations

import logging

from django.db import transaction
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)


def rotate_token(*, user) -> Token:
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
    logger.info("API token issued for user %s", user.pk)
    return token
