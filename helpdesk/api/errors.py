"""Errors as JSON: ``{"detail": ...}`` or a field → messages map, never an HTML page."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.middleware import DATABASE_DOWN
from helpdesk.views import service_unavailable

logger = logging.getLogger(__name__)


def validation_errors(error: DjangoValidationError) -> dict:
    """A service's ValidationError as the API's 400 body: field errors by field, the rest
    under ``detail``."""
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"detail": " ".join(error.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # One answer for missing and forbidden, whatever the selector said.
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DATABASE_DOWN):
        request = context["request"]
        logger.warning("Database unavailable on API %s: %s", request.path, exc)
        return service_unavailable(request._request)
    return drf_exception_handler(exc, context)
