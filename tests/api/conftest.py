"""API clients that authenticate as a person with a personal access token, on a tenant's
host, the way an integration calls the API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import api_token_create


class TokenClient(APIClient):
    """An API client for one person and one host; ``token`` is the plain token."""

    def __init__(self, *, host: str, token: str):
        super().__init__(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")
        self.token = token


def token_for(user, *, write: bool = True, days: int = 30) -> str:
    _, raw = api_token_create(
        user=user,
        name="integration",
        can_write=write,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return raw


@pytest.fixture
def api_as():
    """``api_as(user, host=..., write=True)``: a client with a fresh token of ``user``."""

    def make(user, *, host: str, write: bool = True) -> TokenClient:
        return TokenClient(host=host, token=token_for(user, write=write))

    return make
