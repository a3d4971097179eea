from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from helpdesk.ratelimit import limit_exceeded

WINDOW = 60


class PerTokenThrottle(BaseThrottle):
    """Requests per token and minute (per person for the session), reads and writes
    counted apart; over the limit answers 429 with Retry-After. Anonymous requests are
    refused before they cost anything, so they are not counted."""

    def allow_request(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return True
        token_id = getattr(request.auth, "pk", None)
        key = f"token-{token_id}" if token_id else f"user-{user.pk}"
        if request.method in SAFE_METHODS:
            scope, limit = "api-read", settings.API_READS_PER_MINUTE
        else:
            scope, limit = "api-write", settings.API_WRITES_PER_MINUTE
        return not limit_exceeded(scope=scope, key=key, limit=limit, window_seconds=WINDOW)

    def wait(self):
        return WINDOW
