"""The public status page: no sign-in, cached per tenant, language, audience and version.

A cached view reads the tenant (from its own cache) and one cache entry: no query. Nothing
here touches a visitor's session (no CSRF token on cached pages; the subscribe form is its
own page), so a surge of visitors never writes session rows.
"""

import json

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import Origin
from accounts.decorators import tenant_member_required
from helpdesk.ratelimit import limit_exceeded

from . import selectors
from .cache import PAGE_TIMEOUT, status_cache_key
from .feeds import StatusFeed
from .public_summary import summary_read
from .subscriptions import (
    subscriber_confirm,
    subscriber_resubscribe,
    subscriber_subscribe,
    subscriber_unsubscribe,
    subscription_for_user,
    subscription_for_user_cancel,
    subscription_for_user_save,
)

SUBSCRIBE_PER_ADDRESS = 5  # per email address and hour
SUBSCRIBE_PER_CLIENT = 20  # per client address and hour
HOUR = 3600


def _tenant(request):
    if request.tenant is None:
        raise Http404("The status page belongs to a help desk.")
    return request.tenant


def _cached(request, view: str, build, *, extra="") -> HttpResponse:
    """The response of ``build()`` from the cache, rendered and stored on a miss. Kept as
    (content, content type, status) so any view's answer fits."""
    tenant = _tenant(request)
    staff = selectors.viewer_is_staff(request.user, tenant)
    key = status_cache_key(
        tenant_id=tenant.pk,
        view=view,
        language=translation.get_language(),
        staff=staff,
        extra=extra,
    )
    stored = cache.get(key)
    if stored is None:
        response = build(tenant, staff)
        if response.status_code == 200:
            stored = (response.content, response["Content-Type"], response.status_code)
            cache.set(key, stored, timeout=PAGE_TIMEOUT)
    else:
        content, content_type, status = stored
        response = HttpResponse(content, content_type=content_type, status=status)
    if not staff:
        # The same for every visitor in this language: browsers and proxies may keep it briefly.
        patch_cache_control(response, public=True, max_age=30)
    return response


@require_GET
def status_page(request):
    def build(tenant, staff):
        page = selectors.status_page_read(tenant, staff=staff)
        return render(request, "status/public/page.html", {"page": page, "tenant": tenant})

    return _cached(request, "page", build)


@require_GET
def incident_history(request):
    try:
        number = max(1, min(int(request.GET.get("page", 1)), 1000))
    except ValueError:
        number = 1

    def build(tenant, staff):
        incidents, more = selectors.incident_history(tenant, staff=staff, page=number)
        context = {
            "tenant": tenant,
            "incidents": incidents,
            "page_number": number,
            "next_page": number + 1 if more else None,
            "previous_page": number - 1 if number > 1 else None,
        }
        return render(request, "status/public/history.html", context)

    return _cached(request, "history", build, extra=number)


@require_GET
def incident_detail(request, pk: int):
    def build(tenant, staff):
        incident = selectors.incident_for_viewer(tenant, pk, staff=staff)
        return render(
            request, "status/public/incident.html", {"incident": incident, "tenant": tenant}
        )

    return _cached(request, "incident", build, extra=pk)


@require_GET
def feed(request):
    return _cached(request, "feed", lambda tenant, staff: StatusFeed()(request))


@require_GET
def summary(request):
    def build(tenant, staff):
        data = summary_read(tenant, staff=staff, base_url=request.build_absolute_uri("/"))
        return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")

    response = _cached(request, "summary", build)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- subscribing ------------------------------------------------------------------------------


def _over_limit(request, email: str) -> bool:
    tenant = request.tenant
    client = Origin.from_request(request).ip or "unknown"
    over_client = limit_exceeded(
        scope="status-subscribe-client",
        key=f"{tenant.pk}:{client}",
        limit=SUBSCRIBE_PER_CLIENT,
        window_seconds=HOUR,
    )
    over_address = limit_exceeded(
        scope="status-subscribe-address",
        key=f"{tenant.pk}:{email.strip().lower()}",
        limit=SUBSCRIBE_PER_ADDRESS,
        window_seconds=HOUR,
    )
    return over_client or over_address


def _chosen_components(request):
    """None for all components, else the ids ticked (bad values are a clear error)."""
    if request.POST.get("scope", "all") == "all":
        return None
    try:
        return [int(value) for value in request.POST.getlist("components")]
    except ValueError:
        raise ValidationError({"components": _("Choose components of this status page.")}) from None


@require_http_methods(["GET", "POST"])
def subscribe(request):
    tenant = _tenant(request)
    components = selectors.components_for_subscription(tenant, staff=False)
    context = {"tenant": tenant, "components": components, "errors": {}, "values": {}}
    if request.method == "POST":
        email = request.POST.get("email", "")
        context["values"] = {
            "email": email,
            "scope": request.POST.get("scope", "all"),
            "components": request.POST.getlist("components"),
        }
        if _over_limit(request, email):
            context["errors"] = {
                "__all__": [_("Too many subscription requests. Please try again in an hour.")]
            }
            return render(request, "status/public/subscribe.html", context, status=429)
        try:
            subscriber_subscribe(
                tenant=tenant,
                email=email,
                component_ids=_chosen_components(request),
                language=translation.get_language(),
            )
        except ValidationError as error:
            context["errors"] = error.message_dict
            return render(request, "status/public/subscribe.html", context, status=400)
        return redirect("status:subscribe_sent")
    return render(request, "status/public/subscribe.html", context)


@require_GET
def subscribe_sent(request):
    return render(request, "status/public/subscribe_sent.html", {"tenant": _tenant(request)})


@require_GET
def confirm(request, token: str):
    tenant = _tenant(request)
    subscriber = subscriber_confirm(tenant=tenant, token=token)
    return render(
        request,
        "status/public/confirmed.html",
        {"tenant": tenant, "subscriber": subscriber},
        status=200 if subscriber else 404,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: the link in every email unsubscribes at once and offers to resubscribe. POST:
    the mail client's one-click unsubscribe (RFC 8058), which carries no CSRF token; the
    secret in the address is what authenticates it."""
    tenant = _tenant(request)
    subscriber = subscriber_unsubscribe(tenant=tenant, token=token)
    if request.method == "POST":
        return HttpResponse(status=200 if subscriber else 404)
    return render(
        request,
        "status/public/unsubscribed.html",
        {"tenant": tenant, "subscriber": subscriber, "token": token},
        status=200 if subscriber else 404,
    )


@require_http_methods(["POST"])
def resubscribe(request, token: str):
    tenant = _tenant(request)
    subscriber = subscriber_resubscribe(tenant=tenant, token=token)
    return render(
        request,
        "status/public/confirmed.html",
        {"tenant": tenant, "subscriber": subscriber, "resubscribed": True},
        status=200 if subscriber else 404,
    )


@tenant_member_required
@require_http_methods(["GET", "POST"])
def my_subscription(request):
    """A signed-in person's subscription: their account's address, active at once."""
    tenant = request.tenant
    user = request.user
    staff = selectors.viewer_is_staff(user, tenant)
    components = selectors.components_for_subscription(tenant, staff=staff)
    subscription = subscription_for_user(tenant, user)
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unsubscribe":
                subscription_for_user_cancel(tenant=tenant, user=user)
            else:
                subscription_for_user_save(
                    tenant=tenant, user=user, component_ids=_chosen_components(request)
                )
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect(reverse("status:subscription") + "?saved=1")
    active = subscription is not None and subscription.is_active
    chosen = (
        {c.pk for c in subscription.components.all()}
        if active and not subscription.all_components
        else set()
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("components"))
    context = {
        "tenant": tenant,
        "components": components,
        "subscription": subscription if active else None,
        "chosen": {str(pk) for pk in chosen},
        "all_components": (subscription.all_components if active else True)
        if request.method != "POST"
        else request.POST.get("scope", "all") == "all",
        "errors": errors,
        "saved": request.GET.get("saved") == "1",
        "now": timezone.now(),
    }
    return render(
        request, "status/public/subscription.html", context, status=400 if errors else 200
    )
