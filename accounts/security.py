"""Account-security records and notices around signing in and passwords.

Called from the signal receivers in ``accounts/signals.py`` (allauth's and Django's sign-in
and password signals) and from the two-factor services. Every function writes its audit row
and queues its email in the caller's transaction.
"""

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import lazy

from helpdesk.emails import send_templated_email
from helpdesk.zones import readable_zone

from .audit import Origin, audit_record
from .models import AuditEvent, Tenant, User

# A long-lived random cookie naming the browser, so a sign-in from a browser this account
# never used before can be told apart from the usual one. Only its hash is stored.
DEVICE_COOKIE = "helpdesk_device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
# How far back sign-ins count as "seen before".
KNOWN_DEVICE_DAYS = 180


def new_device_key() -> str:
    return secrets.token_urlsafe(24)


def device_fingerprint(device_key: str) -> str:
    return hashlib.sha256(f"helpdesk-device:{device_key}".encode()).hexdigest()[:32]


def network_of(ip: str | None) -> str:
    """The network a client address belongs to: /24 for IPv4, /48 for IPv6, so a phone
    moving between addresses of one provider is not a new network every time."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def local_time(user: User, when=None):
    """``when`` in the zone the person reads their email in."""
    zone = user.time_zone or (user.tenant.time_zone if user.tenant_id else "") or "UTC"
    return timezone.localtime(when or timezone.now(), readable_zone(zone))


def _moment_text(moment) -> str:
    return formats.date_format(moment, "DATETIME_FORMAT")


# Formatted when the email is rendered, so in its recipient's language.
_moment_text_lazy = lazy(_moment_text, str)


def local_time_text(user: User, when=None):
    """``when`` as the person reads it in an email: in their zone (the template's date
    filter would use the zone of whoever caused the email, such as an admin), written in
    the language the email is rendered in."""
    return _moment_text_lazy(local_time(user, when))


def security_email_send(
    *,
    user: User,
    template: str,
    origin: Origin | None,
    base_url: str,
    context: dict | None = None,
) -> None:
    """A security notice to the account's own address (through the outbox)."""
    origin = origin or Origin()
    send_templated_email(
        tenant=user.tenant,
        to=[user.email],
        template=f"accounts/email/{template}",
        context={
            "user": user,
            "when": local_time_text(user),
            "ip": origin.ip or "",
            "user_agent": origin.user_agent or "",
            "security_url": base_url.rstrip("/") + reverse("profile"),
            **(context or {}),
        },
        recipient=user,
    )


def _seen_before(*, user: User, fingerprint: str, network: str, user_agent: str) -> bool:
    since = timezone.now() - timedelta(days=KNOWN_DEVICE_DAYS)
    same_browser = Q(details__device=fingerprint)
    if network:
        # A browser that lost its cookie is still known by its network and user agent.
        same_browser |= Q(details__network=network, user_agent=user_agent)
    return _sign_ins(user).filter(created_at__gte=since).filter(same_browser).exists()


def _sign_ins(user: User):
    if user.tenant_id is None:
        events = AuditEvent.objects.filter(tenant__isnull=True)
    else:
        events = AuditEvent.objects.for_tenant(user.tenant_id)
    return events.filter(user=user, kind=AuditEvent.Kind.SIGN_IN)


def sign_in_record(
    *,
    user: User,
    tenant: Tenant | None,
    origin: Origin,
    device_key: str,
    awaiting_code: bool,
    base_url: str,
) -> AuditEvent:
    """A password was accepted. Records it, and emails the person when the browser and
    network are new for their account (never on the very first sign-in)."""
    fingerprint = device_fingerprint(device_key)
    network = network_of(origin.ip)
    has_history = _sign_ins(user).exists()
    new_device = has_history and not _seen_before(
        user=user, fingerprint=fingerprint, network=network, user_agent=origin.user_agent
    )
    event = audit_record(
        kind=AuditEvent.Kind.SIGN_IN,
        tenant=tenant,
        origin=origin,
        actor=user,
        user=user,
        details={
            "device": fingerprint,
            "network": network,
            "new_device": new_device,
            "awaiting_code": awaiting_code,
        },
    )
    if new_device:
        security_email_send(
            user=user,
            template="new_sign_in",
            origin=origin,
            base_url=base_url,
            context={"awaiting_code": awaiting_code},
        )
    return event


def account_for_email(*, tenant: Tenant | None, email: str) -> User | None:
    """The account an address names on this host; never an account of another tenant."""
    if not email:
        return None
    if tenant is None:
        accounts = User.objects.filter(tenant__isnull=True)
    else:
        accounts = User.objects.for_tenant(tenant)
    return accounts.filter(email__iexact=email.strip()).first()


def sign_in_failed_record(
    *, tenant: Tenant | None, email: str, origin: Origin, locked: bool = False
) -> AuditEvent:
    account = account_for_email(tenant=tenant, email=email)
    return audit_record(
        kind=AuditEvent.Kind.SIGN_IN_LOCKED if locked else AuditEvent.Kind.SIGN_IN_FAILED,
        tenant=tenant,
        origin=origin,
        user=account,
        email=email.strip()[:254],
    )


def password_change_record(*, user: User, origin: Origin, kind: str) -> AuditEvent:
    """A password changed from the profile or reset by emailed link. (allauth sends the
    person its own notice for both.)"""
    return audit_record(kind=kind, tenant=user.tenant, origin=origin, actor=user, user=user)
