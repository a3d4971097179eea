"""The JSON API: Django REST framework, its limits and the OpenAPI schema."""

from .base import env

# The JSON API (helpdesk/api): personal access tokens or the browser's session, the same
# permissions as the pages, limits per token. The schema is OpenAPI 3 (drf-spectacular).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",
        "helpdesk.api.auth.SameOriginSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["helpdesk.api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["helpdesk.api.throttles.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "helpdesk.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
}
# Requests per token (or signed-in person) and minute; writes have their own, lower limit.
API_READS_PER_MINUTE = env.int("API_READS_PER_MINUTE", default=600)
API_WRITES_PER_MINUTE = env.int("API_WRITES_PER_MINUTE", default=120)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=25)
API_PAGE_SIZE_MAX = 100
SPECTACULAR_SETTINGS = {
    "TITLE": "Help desk API",
    "DESCRIPTION": (
        "Tickets, their messages, SLA state and escalations; customers, request types, "
        "knowledge base articles and incidents. Authenticate with a personal access token "
        "(`Authorization: Bearer <token>`) created on your profile page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tickets, articles and incidents each have a status: each its own named enum.
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "helpdesk.priorities.Priority",
        "TicketStatusEnum": "tickets.models.Status",
        "ArticleStatusEnum": "knowledge_base.models.ArticleStatus",
        "IncidentStatusEnum": "tickets.models.IncidentStatus",
    },
}
