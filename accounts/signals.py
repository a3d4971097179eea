from allauth.account import signals as allauth_signals
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from helpdesk.languages import SESSION_CHOSEN
from helpdesk.links import tenant_base_url

from . import security
from .audit import Origin
from .models import AuditEvent, Domain, Tenant
from .selectors import tenant_cache_invalidate
from .services import person_language_set
from .two_factor.policy import password_entered


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _forget_cached_hosts(**kwargs):
    # Admin saves and deletes (the tenant, its domain inline), services and the demo seed.
    tenant_cache_invalidate()


@receiver(allauth_signals.user_logged_in)
def _signed_in(sender, request, user, response=None, **kwargs):
    """A password was accepted through the sign-in page (not a test's force_login, nor an
    invitation being accepted)."""
    password_entered(request)
    chosen = request.session.pop(SESSION_CHOSEN, "")
    if chosen:
        person_language_set(user=user, language=chosen)
    device_key = request.COOKIES.get(security.DEVICE_COOKIE, "")
    new_key = not (16 <= len(device_key) <= 64)
    if new_key:
        device_key = security.new_device_key()
    security.sign_in_record(
        user=user,
        tenant=getattr(request, "tenant", None),
        origin=Origin.from_request(request),
        device_key=device_key,
        awaiting_code=user.two_factor_enabled,
        base_url=tenant_base_url(tenant=getattr(request, "tenant", None)),
    )
    if new_key and response is not None:
        response.set_cookie(
            security.DEVICE_COOKIE,
            device_key,
            max_age=security.DEVICE_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is None or not hasattr(request, "tenant"):
        return
    security.sign_in_failed_record(
        tenant=request.tenant,
        email=str(credentials.get("email") or credentials.get("username") or ""),
        origin=Origin.from_request(request),
    )


@receiver(allauth_signals.password_changed)
def _password_changed(sender, request, user, **kwargs):
    password_entered(request)
    security.password_change_record(
        user=user, origin=Origin.from_request(request), kind=AuditEvent.Kind.PASSWORD_CHANGED
    )


@receiver(allauth_signals.password_reset)
def _password_reset(sender, request, user, **kwargs):
    security.password_change_record(
        user=user, origin=Origin.from_request(request), kind=AuditEvent.Kind.PASSWORD_RESET
    )
