"""Secrets stored in the database (a mailbox's password), encrypted with keys from the
environment.

``FIELD_ENCRYPTION_KEYS`` lists Fernet keys, newest first: values are written with the
first and read with any of them, so a key is rotated by putting a new one in front and
re-saving. Without the setting (development), a key is derived from ``SECRET_KEY``.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """The value was encrypted with a key that is no longer configured."""


def _keys() -> MultiFernet:
    keys = [key for key in settings.FIELD_ENCRYPTION_KEYS if key]
    if not keys:
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def secret_encrypt(value: str) -> str:
    if not value:
        return ""
    return _keys().encrypt(value.encode()).decode()


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "The stored secret cannot be read with the configured keys."
        ) from error
