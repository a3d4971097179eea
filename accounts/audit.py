"""The security audit log: one writer, and the reads tenant admins page through.

Views turn the request into an :class:`Origin` (IP address and browser) once and hand it to
services; services call :func:`audit_record` in the same transaction as the change they log.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import AuditEvent, Tenant, User

USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as far as the audit log and rate limits care."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request) -> "Origin":
        if request is None:
            return cls()
        try:
            # allauth's reading of the client address honours ALLAUTH_TRUSTED_PROXY_COUNT,
            # so the audit log and every rate limit agree on who the client is.
            ip = get_adapter(request).get_client_ip(request)
        except PermissionDenied:
            ip = None
        agent = request.META.get("HTTP_USER_AGENT", "")
        return cls(ip=ip or None, user_agent=agent[:USER_AGENT_MAX])


def audit_record(
    *,
    kind: str,
    tenant: Tenant | None,
    origin: Origin | None = None,
    actor: User | None = None,
    user: User | None = None,
    email: str = "",
    details: dict | None = None,
) -> AuditEvent:
    origin = origin or Origin()
    if not email and user is not None:
        email = user.email
    return AuditEvent.objects.create(
        tenant=tenant,
        kind=kind,
        actor=actor,
        user=user,
        email=email[:254],
        ip_address=origin.ip,
        user_agent=origin.user_agent[:USER_AGENT_MAX],
        details=details or {},
    )


def audit_events_for_tenant(
    *, tenant: Tenant, kind: str = "", email: str = ""
) -> QuerySet[AuditEvent]:
    """The tenant's log, newest first, optionally narrowed to one kind or one address.

    A whole address is matched exactly (an index serves it); anything else, such as a
    domain, as a fragment of the address.
    """
    events = AuditEvent.objects.for_tenant(tenant).select_related("actor", "user")
    if kind:
        events = events.filter(kind=kind)
    email = email.strip()
    if email:
        local, _at, domain = email.partition("@")
        if local and "." in domain and " " not in email:
            events = events.filter(email__iexact=email)
        else:
            events = events.filter(email__icontains=email)
    return events


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor_of(event: AuditEvent) -> str:
    micros = (event.created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{event.pk}"


# Cursors name a row that exists: a time before year 10,000 and a bigint id.
_MAX_MICROS = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_PK = 2**63 - 1


class BadCursor(ValueError):
    """A page cursor that names no possible row (typed or edited by hand)."""


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    micros, _dash, pk = cursor.partition("-")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
        raise BadCursor(cursor)
    if len(micros) > 20 or len(pk) > 20 or int(micros) > _MAX_MICROS or int(pk) > _MAX_PK:
        raise BadCursor(cursor)
    return _EPOCH + timedelta(microseconds=int(micros)), int(pk)


def audit_events_page(
    events: QuerySet[AuditEvent], *, before: str = "", size: int = 50
) -> tuple[list[AuditEvent], str | None]:
    """One page of a log, and the cursor of the next (older) page, if any.

    Pages follow a cursor (time and id of the last row shown) instead of an offset and a
    total count, so the thousandth page costs what the first does on a log of millions.
    Raises BadCursor for a cursor no page of ours could have made.
    """
    anchor = _parse_cursor(before)
    if anchor is not None:
        created_at, pk = anchor
        events = events.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(events[: size + 1])
    older = _cursor_of(rows[size - 1]) if len(rows) > size else None
    return rows[:size], older


def audit_events_for_user(*, user: User, limit: int = 10) -> list[AuditEvent]:
    """A person's own recent security activity, for their profile."""
    if user.tenant_id is None:
        events = AuditEvent.objects.filter(tenant__isnull=True)
    else:
        events = AuditEvent.objects.for_tenant(user.tenant_id)
    return list(events.filter(user=user).select_related("actor")[:limit])
