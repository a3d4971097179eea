"""Middleware for running the site through outages of the services it depends on."""

import logging

from django.db import InterfaceError, OperationalError

from . import views

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)


class ProbeMiddleware:
    """Answers the deployment's probes before anything that needs the database or a tenant.

    ``/healthz`` is liveness: the process answers (nothing else is checked, so a database
    outage does not get healthy web processes restarted). ``/readyz`` is readiness: the
    database, the cache and the broker, each reported on its own.
    """

    PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is unreachable answers the branded 503 page
    ("try again in a moment") with Retry-After, instead of the generic 500.

    Failures in other middleware (the tenant lookup, the session) reach the 500 handler,
    which answers the same page (see ``helpdesk.views.server_error``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return views.service_unavailable(request)
