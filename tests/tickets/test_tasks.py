import os
from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.models import Attachment, EventKind, Status, Ticket
from tickets.services import attachment_check, attachment_stage, ticket_transition
from tickets.tasks import close_expired_resolved_tickets, purge_pending_uploads

from .factories import png

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


def test_resolved_tickets_close_when_the_reopen_window_ends(acme, make_ticket, settings):
    settings.TICKET_REOPEN_DAYS = 7
    old = make_ticket(title="Old")
    recent = make_ticket(title="Recent")
    still_open = make_ticket(title="Open")
    for ticket in (old, recent):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE
        )
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=8))

    close_expired_resolved_tickets.delay()
    close_expired_resolved_tickets.delay()  # a second run changes nothing more

    statuses = dict(Ticket.objects.values_list("title", "status"))
    assert statuses == {"Old": Status.CLOSED, "Recent": Status.RESOLVED, "Open": Status.NEW}
    closing = old.events.filter(kind=EventKind.STATUS, data__to=Status.CLOSED)
    assert closing.count() == 1
    assert closing.get().actor is None
    assert still_open.events.filter(kind=EventKind.STATUS).count() == 0


def test_the_automatic_closing_is_written_in_the_help_desks_language(acme, make_ticket, settings):
    settings.TICKET_REOPEN_DAYS = 7
    acme.tenant.default_language = "es"
    acme.tenant.save(update_fields=["default_language"])
    ticket = make_ticket(title="Old")
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=8))

    close_expired_resolved_tickets.delay()

    closing = ticket.events.get(kind=EventKind.STATUS, data__to=Status.CLOSED)
    assert closing.data["reason"] == "Cerrado automáticamente 7 días después de la resolución."


def test_unsubmitted_uploads_are_purged_after_a_day(acme, make_ticket, settings):
    ticket = make_ticket(files=[png("kept.png")])
    stale = attachment_stage(
        actor=acme.customer, tenant=acme.tenant, checked=attachment_check(png("stale.png"))
    )
    fresh = attachment_stage(
        actor=acme.customer, tenant=acme.tenant, checked=attachment_check(png("fresh.png"))
    )
    Attachment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=2))
    stale_path = stale.file.path

    purge_pending_uploads.delay()

    names = set(Attachment.objects.values_list("original_name", flat=True))
    assert names == {"kept.png", "fresh.png"}
    assert ticket.attachments.count() == 1
    assert not os.path.exists(stale_path)
    assert os.path.exists(fresh.file.path)
