"""One email per incident and level, instead of one per linked ticket.

When an incident brings in fifty tickets, their rules fire together; the level's people
get one digest naming the incident and listing the tickets with their SLA state, and
tickets of the same incident reaching the same level later send nothing more (the
incident page lists them). Each ticket keeps its own escalation event and timeline entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from helpdesk.emails import render_email, tenant_email
from helpdesk.languages import language_of
from helpdesk.services import email_queue_many
from helpdesk.zones import readable_zone
from tickets.models import Incident, IncidentKind, TicketIncident
from tickets.services.notifications import ticket_link

from ..models import EscalationLevel, IncidentEscalationNotice
from .notify import Audience


def open_incidents_of(*, tenant, tickets) -> dict[int, Incident]:
    """The open, published incident each ticket is linked to (the earliest linked one when
    there are several); maintenance windows are not incidents and do not count."""
    links = (
        TicketIncident.objects.for_tenant(tenant)
        .filter(
            ticket_id__in=[ticket.pk for ticket in tickets],
            incident__kind=IncidentKind.INCIDENT,
            incident__ended_at__isnull=True,
            incident__published_at__isnull=False,
        )
        .select_related("incident")
        .order_by("linked_at", "pk")
    )
    found: dict[int, Incident] = {}
    for link in links:
        found.setdefault(link.ticket_id, link.incident)
    return found


@dataclass
class _Group:
    incident: Incident
    level: EscalationLevel
    audience: Audience
    rows: list = field(default_factory=list)


class DigestBatch:
    """The linked tickets of a batch, gathered by incident and level as rules fire."""

    def __init__(self, *, tenant, base_url: str, now):
        self.tenant = tenant
        self.base_url = base_url
        self.now = now
        self._groups: dict[tuple[int, int], _Group] = {}

    def add(self, *, incident, level, audience: Audience, ticket, sla) -> None:
        group = self._groups.get((incident.pk, level.pk))
        if group is None:
            group = self._groups[(incident.pk, level.pk)] = _Group(incident, level, audience)
        group.rows.append((ticket, sla))

    def queue(self) -> None:
        """Send the digests not sent before, in the caller's transaction."""
        emails = []
        for key in sorted(self._groups):
            group = self._groups[key]
            notice = _notice_claim(group, now=self.now)
            if notice is not None:
                emails += self._emails(group, notice)
        self._groups = {}
        if emails:
            email_queue_many(emails=emails)

    def _emails(self, group: _Group, notice: IncidentEscalationNotice) -> list[dict]:
        tenant = self.tenant
        base = self.base_url.rstrip("/")
        tickets = sorted(group.rows, key=lambda row: (row[0].priority, row[0].number))
        context = {
            "tenant": tenant,
            "incident": group.incident,
            "incident_url": f"{base}/incidents/{group.incident.pk}/",
            "level_name": group.level.name,
            "level_rank": group.level.rank,
            "count": len(tickets),
            "rows": [
                {"ticket": ticket, "sla": sla, "url": ticket_link(base_url=base, ticket=ticket)}
                for ticket, sla in tickets
            ],
        }
        rendered = {}
        emails = []
        for address, user in group.audience.people.items():
            zone = (user.time_zone if user else "") or tenant.time_zone
            with timezone.override(readable_zone(zone)), language_of(user, tenant):
                key = (timezone.get_current_timezone_name(), translation.get_language())
                if key not in rendered:
                    rendered[key] = render_email("escalation/email/incident_digest", context)
            email = tenant_email(
                tenant=tenant, to=[user.email if user else address], rendered=rendered[key]
            )
            email["dedupe_key"] = f"escalation-digest:{notice.pk}:{address}"[:200]
            emails.append(email)
        return emails


def _notice_claim(group: _Group, *, now) -> IncidentEscalationNotice | None:
    """The new notice of this incident and level, or None when a digest was already sent
    (its count then takes in these tickets). The unique constraint decides between
    concurrent checks: the second waits for the first to commit and finds its row."""
    count = len(group.rows)
    try:
        with transaction.atomic():
            return IncidentEscalationNotice.objects.create(
                tenant_id=group.incident.tenant_id,
                incident=group.incident,
                level=group.level,
                sent_at=now,
                ticket_count=count,
                recipients=group.audience.addresses,
            )
    except IntegrityError:
        IncidentEscalationNotice.objects.for_tenant(group.incident.tenant_id).filter(
            incident=group.incident, level=group.level
        ).update(ticket_count=F("ticket_count") + count)
        return None


def digest_counts(*, incident) -> dict[str, int]:
    """Level name → how many linked tickets reached it, for the incident page."""
    counts: dict[str, int] = defaultdict(int)
    notices = (
        IncidentEscalationNotice.objects.for_tenant(incident.tenant_id)
        .filter(incident=incident)
        .select_related("level")
        .order_by("level__rank")
    )
    for notice in notices:
        counts[notice.level.name] += notice.ticket_count
    return dict(counts)
