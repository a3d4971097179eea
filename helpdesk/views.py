"""Error pages and the deployment's probes.

The 500 and 503 pages render without the request (no context processor, no session, no
tenant lookup), so they still answer while the database is down.
"""

import logging
import sys
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from helpdesk.celery import app as celery_app
from helpdesk.languages import request_language

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again while a service is down.
RETRY_AFTER_SECONDS = 30
FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Fields never shown back on the 503 page.
SECRET_FIELD_PARTS = ("password", "csrf", "token", "otp", "code", "secret")


# The JSON API answers its errors in JSON, even those raised before its views run (a
# middleware meeting a database outage, a path that matches nothing).
API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _api_error(request, status: int, detail) -> JsonResponse:
    with translation.override(_outage_language(request)):
        response = JsonResponse({"detail": str(detail)}, status=status)
    add_never_cache_headers(response)
    return response


def not_found(request, exception=None):
    if _is_api(request):
        return _api_error(request, 404, _("Not found."))
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """400, saying what was wrong with what was sent when we know it."""
    if isinstance(exception, RequestDataTooBig):
        problem = "too_large"
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        problem = "too_many"
    elif isinstance(exception, MultiPartParserError):
        problem = "unreadable"
    else:
        problem = ""
    return _form_problem(request, problem)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _api_error(request, 403, _("You do not have permission to do this."))
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form whose body could not be read also arrives without its CSRF token: that is a
    400 "the form could not be read", not a 403 "form expired"."""
    if reason == REASON_CSRF_TOKEN_MISSING and _form_body_unreadable(request):
        return _form_problem(request, "unreadable")
    response = render(request, "403_csrf.html", status=403)
    add_never_cache_headers(response)
    return response


def server_error(request):
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return service_unavailable(request)
    if _is_api(request):
        return _api_error(request, 500, _("Something went wrong on our side. Try again later."))
    with translation.override(_outage_language(request)):
        page = loader.render_to_string("500.html")
    return HttpResponse(page, status=500)


def service_unavailable(request):
    """The branded 503 of a database outage: no database, session or tenant lookup needed.
    A form that was being sent is shown back, so nothing typed is lost."""
    if _is_api(request):
        response = _api_error(
            request, 503, _("The help desk cannot reach its database. Try again in a moment.")
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    context = {
        "tenant": getattr(request, "tenant", None),
        "was_sent": request.method == "POST",
        "typed": _typed_fields(request),
        "retry_after": RETRY_AFTER_SECONDS,
        "again_url": _page_to_try_again(request),
    }
    with translation.override(_outage_language(request)):
        page = loader.render_to_string("503.html", context)
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def healthz(request):
    """Liveness: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request):
    """Readiness: 200 when the database, the cache and the broker all answer, else 503,
    with each one's state and, when failed, a short reason."""
    checks = {
        "database": _check("database", _database_answers),
        "cache": _check("cache", _cache_answers),
        "broker": _check("broker", _broker_answers),
    }
    ready = all(check["status"] == "ok" for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "failed", **checks}, status=200 if ready else 503
    )
    add_never_cache_headers(response)
    return response


def _outage_language(request) -> str:
    """The page's language from what the request already carries, never the database: the
    one chosen for this request if that ran (the person's own), else as for any page."""
    return getattr(request, "LANGUAGE_CODE", "") or request_language(request)


def _form_problem(request, problem: str):
    response = render(request, "400.html", {"problem": problem}, status=400)
    add_never_cache_headers(response)
    return response


def _form_body_unreadable(request) -> bool:
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    if length <= 0:
        return False
    try:
        return not request.POST and not request.FILES
    except Exception:  # noqa: BLE001 - any parse error means the body could not be read
        return True


def _page_to_try_again(request) -> str:
    """This page again; after a form post, the page the form was on (a path on this site)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    path = urlsplit(request.META.get("HTTP_REFERER", "")).path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _typed_fields(request) -> list[tuple[str, str]]:
    """The text fields of a form post, labelled from their names ("reply-body" is "Body"):
    not ids, choices or tick boxes, nothing secret."""
    if request.method != "POST":
        return []
    try:
        items = list(request.POST.lists())
    except Exception:  # noqa: BLE001 - an unreadable body has nothing to show back
        return []
    typed = []
    for name, values in items:
        if any(part in name.lower() for part in SECRET_FIELD_PARTS):
            continue
        label = name.rsplit("-", 1)[-1].replace("_", " ").capitalize()
        typed += [
            (label, value) for value in values if len(value.strip()) > 3 and not value.isdigit()
        ]
    return typed


def _check(name: str, probe) -> dict:
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", with its reason
        # The probe is public: the answer names the kind of failure, the log the details
        # (addresses, ports).
        logger.warning("Readiness: %s failed: %s: %s", name, type(error).__name__, error)
        return {"status": "failed", "reason": type(error).__name__}
    return {"status": "ok"}


def _database_answers() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        # A broken connection is not reused by the next probe.
        connection.close()
        raise


def _cache_answers() -> None:
    ping = getattr(cache, "ping", None)
    if ping is not None:  # the fail-open Redis cache: ask Redis, not the fallback
        ping()
        return
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")


def _broker_answers() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, timeout=2)
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()
