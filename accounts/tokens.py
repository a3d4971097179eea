"""Personal access tokens: made and revoked by their owner on the profile, revoked by tenant
admins in Django admin, checked on every API request.

A token is ``hd_`` and 40 URL-safe random characters. It is shown once, when it is made;
only its SHA-256 is kept (see :class:`~accounts.models.ApiToken`).
"""

import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import Origin, audit_record
from .models import ApiToken, AuditEvent, Tenant, User

TOKEN_PREFIX = "hd_"
# 30 random bytes are 40 URL-safe characters.
TOKEN_BYTES = 30
TOKEN_LENGTH = len(TOKEN_PREFIX) + 40
# Characters kept in clear, so lists can say which token is which; six random characters
# narrow nothing down for someone guessing the other 34.
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
EXPIRY_DAYS = (7, 30, 90, 365)
# A chosen date may be a year away and the token works until the end of that day, in the
# person's zone: a day more, and another for a clock change on the way.
LIFETIME_MAX = timedelta(days=367)
LIVE_TOKENS_MAX = 20
# Tokens made per person and hour (the profile page's limit).
CREATIONS_PER_HOUR = 10
# last_used_at is written at most this often per token, so API reads do not all write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

AUDIT_TOKEN_CREATED = AuditEvent.Kind.API_TOKEN_CREATED
AUDIT_TOKEN_REVOKED = AuditEvent.Kind.API_TOKEN_REVOKED


def api_token_create(
    *,
    user: User,
    name: str,
    can_write: bool,
    expires_at,
    origin: Origin | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``, and the token itself: the only time it is known.

    Raises ValidationError for an empty name, an expiry in the past or more than a year
    away, or when the person already holds :data:`LIVE_TOKENS_MAX` live tokens.
    """
    if user.tenant_id is None:
        raise ValidationError(_("API tokens belong to a help desk's people."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Say what the token is for.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Choose an expiry date in the future.")})
    if expires_at > now + LIFETIME_MAX:
        raise ValidationError({"expires_at": _("A token lasts a year at most.")})
    with transaction.atomic():
        # The person's row is the lock: two requests at once cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        live = ApiToken.objects.for_tenant(user.tenant_id).live(now).filter(user=user).count()
        if live >= LIVE_TOKENS_MAX:
            raise ValidationError(
                ngettext(
                    "You already have %(count)d active token. Revoke one first.",
                    "You already have %(count)d active tokens. Revoke one first.",
                    live,
                )
                % {"count": live}
            )
        raw = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        token = ApiToken.objects.create(
            tenant_id=user.tenant_id,
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            token_hash=ApiToken.hash_token(raw),
            can_write=can_write,
            created_at=now,
            expires_at=expires_at,
        )
        audit_record(
            kind=AUDIT_TOKEN_CREATED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
            details=_audit_details(token),
        )
    return token, raw


def _audit_details(token: ApiToken) -> dict:
    return {
        "token": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "can_write": token.can_write,
        "expires_at": token.expires_at.isoformat(),
    }


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked and expired ones included."""
    if user.tenant_id is None:
        return ApiToken.objects.none()
    return ApiToken.objects.for_tenant(user.tenant_id).filter(user=user)


def api_token_of_owner(*, user: User, token_id: int) -> ApiToken:
    """One of the person's own tokens; 404 alike for another person's and a missing one."""
    token = api_tokens_of(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def api_token_revoke(*, user: User, token_id: int, origin: Origin | None = None) -> bool:
    """Revoke one of ``user``'s own tokens. False if it was not a live token of theirs
    (another person's, missing, already revoked or expired)."""
    with transaction.atomic():
        token = api_tokens_of(user=user).live().select_for_update().filter(pk=token_id).first()
        if token is None:
            return False
        _revoke(token, actor=user, origin=origin)
    return True


def api_tokens_revoke_by_admin(
    *, actor: User, tokens: QuerySet[ApiToken], origin: Origin | None = None
) -> int:
    """Revoke live tokens a (tenant) admin picked in Django admin; how many were revoked.

    ``tokens`` must already be narrowed to what the admin may see; a tenant admin's are
    narrowed again to their tenant here, whatever the caller passed."""
    if not actor.is_superuser:
        if actor.tenant_id is None or not actor.is_tenant_admin:
            return 0
        tokens = tokens.filter(tenant_id=actor.tenant_id)
    count = 0
    with transaction.atomic():
        for token in tokens.live().select_related("user", "tenant").select_for_update(of=("self",)):
            _revoke(token, actor=actor, origin=origin)
            count += 1
    return count


def _revoke(token: ApiToken, *, actor: User, origin: Origin | None) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        kind=AUDIT_TOKEN_REVOKED,
        tenant=token.tenant,
        origin=origin,
        actor=actor,
        user=token.user,
        details=_audit_details(token),
    )


def api_token_authenticate(*, tenant: Tenant | None, raw: str) -> ApiToken | None:
    """The live token ``raw`` names on ``tenant``'s host, with its person; else None.

    None alike for an unknown, revoked or expired token, another tenant's token and a
    token of a deactivated person, so a caller learns nothing about which it was. The
    lookup is by hash: the database compares digests of the token, never the token, so
    the time it takes says nothing about how much of a guess was right.
    """
    if tenant is None or not tenant.is_active:
        return None
    if not isinstance(raw, str) or len(raw) != TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    digest = ApiToken.hash_token(raw)
    token = (
        ApiToken.objects.for_tenant(tenant).select_related("user").filter(token_hash=digest).first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = timezone.now()
    user = token.user
    if (
        token.revoked_at is not None
        or token.expires_at <= now
        or not user.is_active
        or user.tenant_id != tenant.pk
    ):
        return None
    _mark_used(token, now)
    return token


def _mark_used(token: ApiToken, now) -> None:
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # Conditional, so of many requests in the same minute only one writes.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
