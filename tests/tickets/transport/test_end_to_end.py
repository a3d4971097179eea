"""Email end to end: a customer's mail in a real IMAP server (a private Dovecot), fetched and
processed by real Celery workers, answered through the real SMTP sink."""

import threading
from email.utils import make_msgid

import pytest
import redis

from tests import workers
from tests.workers import WAIT, wait_until
from tickets.models import InboundEmail, Message, Ticket
from tickets.tasks import fetch_mailbox, inbound_redrive

from .conftest import make_mailbox, raw_email

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

celery_processes = workers.celery_processes
sink = workers.sink


@pytest.fixture
def email_world(acme, celery_processes, sink, imap_server, settings):
    """acme with an IMAP mailbox on Dovecot, the sink up, and the workers' settings: the
    test's media folder (workers and test read the same stored originals)."""
    sink.start()
    mailbox = make_mailbox(acme, server=imap_server)
    celery_processes.env.update(MEDIA_ROOT=str(settings.MEDIA_ROOT), IMAP_TIMEOUT="5")
    return acme, mailbox


def fetch(mailbox) -> None:
    fetch_mailbox.delay(mailbox.pk)


def mail_to(sink, address: str) -> list:
    return [message for message in sink.messages if address in message.to]


def customer_writes_in(world, mailbox, imap_server, subject: str) -> Ticket:
    """The customer emails the mailbox; returns the ticket the workers opened for it."""
    imap_server.append(raw_email(sender=world.customer.email, to=mailbox.address, subject=subject))
    fetch(mailbox)
    return wait_until(
        lambda: Ticket.objects.for_tenant(world.tenant).filter(title=subject).first(),
        "the emailed ticket",
    )


def test_an_email_opens_a_ticket_and_a_reply_to_our_notification_threads_into_it(
    email_world, celery_processes, sink, imap_server
):
    acme, mailbox = email_world
    celery_processes.start_worker()

    ticket = customer_writes_in(acme, mailbox, imap_server, "VPN tunnel down")

    assert ticket.requester == acme.customer
    confirmation = wait_until(
        lambda: mail_to(sink, acme.customer.email), "the confirmation at the sink"
    )[0]
    assert ticket.reference in confirmation.subject
    reply_to = str(confirmation.message["Reply-To"])
    assert "support+" in reply_to and "@acme.example" in reply_to

    # The customer answers the notification from their mail client.
    answer = raw_email(
        sender=acme.customer.email,
        to=reply_to,
        subject=f"Re: {confirmation.subject}",
        body="It dropped again at 10:15.\n\nOn Monday, support wrote:\n> earlier text",
        headers={"In-Reply-To": confirmation.message_id, "References": confirmation.message_id},
    )
    imap_server.append(answer)
    fetch(mailbox)

    reply = wait_until(
        lambda: Message.objects.filter(ticket=ticket, body__contains="10:15").first(),
        "the emailed reply on the ticket",
    )
    assert reply.author == acme.customer
    assert not reply.is_internal
    # The quoted history was cut.
    assert "earlier text" not in reply.body
    assert Ticket.objects.for_tenant(acme.tenant).count() == 1


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    email_world, celery_processes, sink, imap_server
):
    acme, mailbox = email_world
    celery_processes.env.update(MAILBOX_FETCH_BATCH="3", INBOUND_CLAIM_SECONDS="1")
    total = 30
    for n in range(total):
        imap_server.append(
            raw_email(
                sender=acme.customer.email,
                to=mailbox.address,
                subject=f"Outage report {n:02d}",
                message_id=f"<kill-{n}@customer.test>",
            )
        )
    worker = celery_processes.start_worker()
    fetch(mailbox)

    inbox = InboundEmail.objects.for_tenant(acme.tenant)
    worker.wait_until(lambda: inbox.count() >= 4, "some messages stored", interval=0.02)
    worker.kill()
    done_at_kill = inbox.filter(state=InboundEmail.State.DONE).count()
    assert done_at_kill < total, "the worker finished before it was killed"

    # The killed fetch's lock would hold the mailbox for a while; a new worker takes over.
    broker = redis.Redis.from_url(celery_processes.broker_url)
    for key in broker.scan_iter("*mailbox-fetch*"):
        broker.delete(key)
    celery_processes.start_worker("worker-after-restart")
    fetch(mailbox)

    def all_done():
        if inbox.filter(state=InboundEmail.State.DONE).count() == total:
            return True
        inbound_redrive.delay()
        return False

    wait_until(all_done, "every message processed", interval=1.0)
    assert inbox.count() == total
    titles = sorted(
        Ticket.objects.for_tenant(acme.tenant)
        .filter(title__startswith="Outage report")
        .values_list("title", flat=True)
    )
    assert titles == [f"Outage report {n:02d}" for n in range(total)]
    assert imap_server.uids(criteria="UNSEEN") == []
    # One confirmation per ticket, none twice.
    wait_until(lambda: len(mail_to(sink, acme.customer.email)) >= total, "the confirmations")
    subjects = [message.subject for message in mail_to(sink, acme.customer.email)]
    assert len(subjects) == len(set(subjects)) == total


def test_an_out_of_office_responder_gets_at_most_one_email(
    email_world, celery_processes, sink, imap_server
):
    acme, mailbox = email_world
    celery_processes.start_worker()
    answered: set[str] = set()
    stop = threading.Event()

    def responder():
        """The customer's mail server: every email reaching the customer is answered with
        an automatic reply into the support mailbox."""
        while not stop.is_set():
            for message in mail_to(sink, acme.customer.email):
                if message.message_id in answered:
                    continue
                answered.add(message.message_id)
                imap_server.append(
                    raw_email(
                        sender=acme.customer.email,
                        to=str(message.message["Reply-To"] or mailbox.address),
                        subject=f"Out of office: {message.subject}",
                        body="I am away until Monday.",
                        headers={
                            "Auto-Submitted": "auto-replied",
                            "In-Reply-To": message.message_id,
                        },
                    )
                )
            stop.wait(0.2)

    thread = threading.Thread(target=responder, daemon=True)
    thread.start()
    try:
        imap_server.append(
            raw_email(sender=acme.customer.email, to=mailbox.address, subject="Billing export")
        )
        fetch(mailbox)
        wait_until(lambda: answered, "the out-of-office answer to our confirmation")
        inbox = InboundEmail.objects.for_tenant(acme.tenant)

        def settled():
            fetch(mailbox)
            return inbox.count() >= 2 and not inbox.filter(state=InboundEmail.State.PENDING)

        wait_until(settled, "the automatic reply processed", interval=1.0)
        # A few more rounds: nothing else goes out.
        for _ in range(3):
            fetch(mailbox)
            stop.wait(1.0)
    finally:
        stop.set()
        thread.join(timeout=10)

    assert len(mail_to(sink, acme.customer.email)) == 1
    automatic = inbox.get(subject__startswith="Out of office")
    assert automatic.state == InboundEmail.State.IGNORED
    ticket = Ticket.objects.for_tenant(acme.tenant).get(title="Billing export")
    assert not Message.objects.filter(ticket=ticket, body__contains="away until Monday").exists()


def test_a_spoofed_reply_from_a_non_participant_lands_nowhere_and_shows_as_refused(
    email_world, celery_processes, sink, imap_server
):
    acme, mailbox = email_world
    celery_processes.start_worker()
    ticket = customer_writes_in(acme, mailbox, imap_server, "Payroll access")
    messages_before = Message.objects.filter(ticket=ticket).count()

    # A customer of another organization forges a reply: the ticket's number in the subject.
    spoof_id = make_msgid(domain="other.test")
    imap_server.append(
        raw_email(
            sender=acme.other_org_customer.email,
            to=mailbox.address,
            subject=f"Re: [{ticket.reference}] Payroll access",
            body="Please also send me the payroll export.",
            message_id=spoof_id,
        )
    )
    fetch(mailbox)

    spoof = wait_until(
        lambda: (
            InboundEmail.objects.for_tenant(acme.tenant)
            .filter(message_id=spoof_id)
            .exclude(state=InboundEmail.State.PENDING)
            .first()
        ),
        "the forged reply processed",
        timeout=WAIT,
    )
    assert spoof.state == InboundEmail.State.REFUSED
    assert ticket.reference in spoof.outcome
    assert Message.objects.filter(ticket=ticket).count() == messages_before
    assert not Ticket.objects.for_tenant(acme.tenant).filter(requester=acme.other_org_customer)

    # The tenant's admin sees it in the inbox, refused.
    from django.test import Client

    admin = Client(HTTP_HOST=acme.host)
    admin.force_login(acme.tenant_admin)
    listing = admin.get("/admin/tickets/inboundemail/", {"state__exact": "refused"})
    assert f"Re: [{ticket.reference}] Payroll access" in listing.content.decode()
