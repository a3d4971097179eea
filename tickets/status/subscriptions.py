"""Subscribing to the status page by email.

A visitor's address is confirmed by a link before anything is sent to it (double opt-in).
Subscribing again resends the confirmation and answers exactly as the first time, so the
form never tells anyone whether an address is already subscribed; an active subscriber's
choice of components is not changed by someone who only typed their address. A signed-in
person's address is verified already: their subscription is active at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpdesk.emails import render_email
from helpdesk.languages import language_supported, person_language
from helpdesk.links import tenant_url
from helpdesk.services import email_queue

from ..models import Component, StatusSubscriber
from .notifications import status_subject_prefix, unsubscribe_url
from .selectors import viewer_is_staff


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _check_components(tenant, component_ids, *, staff: bool) -> list[int] | None:
    """None means all components; otherwise the chosen ones, all the tenant's (and public
    unless the subscriber is the tenant's staff)."""
    if component_ids is None:
        return None
    wanted = sorted({int(pk) for pk in component_ids})
    if not wanted:
        raise ValidationError({"components": _("Choose at least one component, or all.")})
    found = Component.objects.for_tenant(tenant).filter(pk__in=wanted, is_active=True)
    if not staff:
        found = found.filter(is_public=True)
    if sorted(found.values_list("pk", flat=True)) != wanted:
        raise ValidationError({"components": _("Choose components of this status page.")})
    return wanted


def _set_components(subscriber: StatusSubscriber, wanted: list[int] | None) -> None:
    subscriber.all_components = wanted is None
    subscriber.save(update_fields=["all_components"])
    subscriber.components.set(wanted or [])


def subscriber_subscribe(
    *,
    tenant,
    email: str,
    component_ids: Iterable[int] | None = None,
    language: str = "",
    now=None,
) -> StatusSubscriber:
    """Subscribe ``email`` (a visitor) and send the confirmation link. Whatever the address's
    state, the caller answers the same ("check your inbox")."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    wanted = _check_components(tenant, component_ids, staff=False)
    language = language_supported(language) or person_language(None, tenant)
    with transaction.atomic():
        subscriber = (
            StatusSubscriber.objects.for_tenant(tenant)
            .select_for_update()
            .filter(email=email)
            .first()
        )
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = StatusSubscriber.objects.create(
                        tenant=tenant,
                        email=email,
                        language=language,
                        token=new_token(),
                        all_components=wanted is None,
                        created_at=now,
                    )
            except IntegrityError:  # subscribed at the same moment by another request
                subscriber = (
                    StatusSubscriber.objects.for_tenant(tenant).select_for_update().get(email=email)
                )
            else:
                subscriber.components.set(wanted or [])
        if subscriber.unsubscribed_at is not None:
            # Coming back: confirmed anew, with a new secret (old links stop working).
            subscriber.token = new_token()
            subscriber.confirmed_at = None
            subscriber.unsubscribed_at = None
        if subscriber.confirmed_at is None:
            subscriber.language = language
            _set_components(subscriber, wanted)
        subscriber.confirmation_sent_at = now
        subscriber.save(
            update_fields=[
                "token",
                "confirmed_at",
                "unsubscribed_at",
                "language",
                "confirmation_sent_at",
            ]
        )
        _confirmation_queue(subscriber)
    return subscriber


def _confirmation_queue(subscriber: StatusSubscriber) -> None:
    tenant = subscriber.tenant
    confirm_path = reverse("status:confirm", args=[subscriber.token])
    with translation.override(subscriber.language or person_language(None, tenant)):
        context = {
            "tenant": tenant,
            "subscriber": subscriber,
            "confirm_url": tenant_url(tenant=tenant, path=confirm_path),
            "page_url": tenant_url(tenant=tenant, path=reverse("status:page")),
        }
        subject, text, html = render_email("status/email/confirm", context)
        subject = f"{status_subject_prefix(tenant)} {subject}"
    email_queue(
        tenant=tenant,
        to=[subscriber.email],
        subject=subject,
        text=text,
        html=html,
        from_email=tenant.from_email,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )


def _by_token(tenant, token: str):
    if not token:
        return None
    return (
        StatusSubscriber.objects.for_tenant(tenant).select_for_update().filter(token=token).first()
    )


@transaction.atomic
def subscriber_confirm(*, tenant, token: str, now=None) -> StatusSubscriber | None:
    """The confirmation link: the subscription is active from now. None for an unknown (or
    replaced) link; confirming twice changes nothing."""
    subscriber = _by_token(tenant, token)
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now or timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, tenant, token: str, now=None) -> StatusSubscriber | None:
    """The unsubscribe link (and one-click POST): nothing more is sent to the address."""
    subscriber = _by_token(tenant, token)
    if subscriber is None:
        return None
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = now or timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_resubscribe(*, tenant, token: str, now=None) -> StatusSubscriber | None:
    """Undo an unsubscribe from the page its link opened: the link came to the address,
    so it stands confirmed."""
    subscriber = _by_token(tenant, token)
    if subscriber is None:
        return None
    subscriber.unsubscribed_at = None
    subscriber.confirmed_at = subscriber.confirmed_at or now or timezone.now()
    subscriber.save(update_fields=["unsubscribed_at", "confirmed_at"])
    return subscriber


def subscription_for_user(tenant, user) -> StatusSubscriber | None:
    return (
        StatusSubscriber.objects.for_tenant(tenant)
        .filter(email=user.email.strip().lower())
        .prefetch_related("components")
        .first()
    )


@transaction.atomic
def subscription_for_user_save(
    *, tenant, user, component_ids: Iterable[int] | None = None, now=None
) -> StatusSubscriber:
    """A signed-in person subscribes their account's (verified) address: active at once."""
    if user.tenant_id != tenant.pk:
        raise ValidationError(_("Sign in to this help desk to subscribe."))
    now = now or timezone.now()
    wanted = _check_components(tenant, component_ids, staff=viewer_is_staff(user, tenant))
    email = user.email.strip().lower()
    subscriber, created = StatusSubscriber.objects.select_for_update().get_or_create(
        tenant=tenant,
        email=email,
        defaults={"token": new_token(), "created_at": now},
    )
    if subscriber.unsubscribed_at is not None:
        subscriber.token = new_token()
    subscriber.user = user
    subscriber.language = person_language(user, tenant)
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["token", "user", "language", "confirmed_at", "unsubscribed_at"])
    _set_components(subscriber, wanted)
    return subscriber


@transaction.atomic
def subscription_for_user_cancel(*, tenant, user, now=None) -> bool:
    subscriber = subscription_for_user(tenant, user)
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return False
    return subscriber_unsubscribe(tenant=tenant, token=subscriber.token, now=now) is not None


__all__ = [
    "subscriber_confirm",
    "subscriber_resubscribe",
    "subscriber_subscribe",
    "subscriber_unsubscribe",
    "subscription_for_user",
    "subscription_for_user_cancel",
    "subscription_for_user_save",
    "unsubscribe_url",
]
