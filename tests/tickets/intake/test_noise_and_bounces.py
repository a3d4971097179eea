"""Automatic mail, our own emails and bounces are never answered nor made tickets."""

from email.message import EmailMessage

import pytest

from helpdesk.models import BouncedAddress, OutboxEmail
from helpdesk.services import email_queue
from tickets.models import InboundEmail, Message, Ticket

from .conftest import SUPPORT, email_bytes, emails_to, reply_to_ticket

pytestmark = pytest.mark.django_db


def test_an_out_of_office_answer_to_our_confirmation_is_ignored(acme, mailbox, receive):
    opened = receive(email_bytes())
    confirmation = emails_to(acme.customer.email)[0]

    answer = receive(
        email_bytes(
            subject=f"Automatic reply: {confirmation.subject}",
            body="I am away until Monday.",
            in_reply_to=confirmation.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
    )

    assert answer.state == InboundEmail.State.IGNORED
    assert answer.outcome == "Ignored: automatic reply (Auto-Submitted: auto-replied)"
    assert not Message.objects.filter(ticket=opened.ticket).exists()
    assert len(emails_to(acme.customer.email)) == 1


def test_an_auto_reply_loop_with_an_unknown_responder_sends_one_answer(acme, mailbox, receive):
    """A responder without any header, answering each of our answers."""
    for round_number in range(4):
        receive(
            email_bytes(
                sender="robot@vendor.test",
                subject=f"Ticket received #{round_number}",
                body="We got your message.",
            )
        )

    answers = emails_to("robot@vendor.test")
    assert len(answers) == 1
    assert InboundEmail.objects.filter(state=InboundEmail.State.REFUSED).count() == 4


def test_mail_from_our_own_address_is_ignored(acme, mailbox, receive):
    inbound = receive(email_bytes(sender=f"Acme Support <{SUPPORT}>", subject="Loop?"))

    assert inbound.state == InboundEmail.State.IGNORED
    assert inbound.outcome == f"Ignored: sent from our own address {SUPPORT}"


def test_one_of_our_own_emails_coming_back_is_ignored(acme, make_ticket, mailbox, receive):
    ticket = make_ticket()
    ours = email_queue(
        tenant=acme.tenant,
        to=[SUPPORT],
        subject=f"{ticket.reference} received",
        text="x",
        thread=f"ticket:{ticket.pk}",
    )

    inbound = receive(email_bytes(sender=acme.customer.email, message_id=ours.message_id))

    assert inbound.state == InboundEmail.State.IGNORED
    assert inbound.outcome == "Ignored: one of our own emails"
    assert Ticket.objects.count() == 1


def test_a_mailing_list_message_is_ignored(acme, mailbox, receive):
    inbound = receive(email_bytes(headers={"List-Id": "<news.vendor.test>"}))

    assert inbound.outcome == "Ignored: mailing list (List-Id)"
    assert not Ticket.objects.exists()


def _delivery_report(
    *, original_message_id: str, recipient: str, action="failed", kind="delivery-status"
) -> bytes:
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.acme.test>"
    report["To"] = SUPPORT
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@mx.acme.test>"
    report.set_content("This is the mail system. I'm sorry to have to inform you...")
    report.make_mixed()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    status = EmailMessage()
    status.set_type(f"message/{kind}")
    status.set_payload(
        [
            _fields({"Reporting-MTA": "dns; mx.acme.test"}),
            _fields(
                {
                    "Final-Recipient": f"rfc822; {recipient}",
                    "Action": action,
                    "Status": "5.1.1",
                    "Diagnostic-Code": "smtp; 550 5.1.1 <x>: Recipient address rejected",
                }
            ),
        ]
    )
    report.attach(status)
    headers = EmailMessage()
    headers.set_type("text/rfc822-headers")
    headers.set_payload(
        f"From: {SUPPORT}\r\nTo: {recipient}\r\nMessage-ID: {original_message_id}\r\n"
    )
    report.attach(headers)
    return report.as_bytes()


def _fields(values: dict):
    block = EmailMessage()
    for name, value in values.items():
        block[name] = value
    return block


def test_a_bounce_of_our_email_marks_it_and_the_address(acme, make_ticket, mailbox, receive):
    ticket = make_ticket()
    sent = email_queue(
        tenant=acme.tenant,
        to=["gone@acme.test"],
        subject=f"Re: {ticket.reference}",
        text="x",
        thread=f"ticket:{ticket.pk}",
    )

    inbound = receive(
        _delivery_report(original_message_id=sent.message_id, recipient="gone@acme.test")
    )
    again = receive(
        _delivery_report(original_message_id=sent.message_id, recipient="gone@acme.test").replace(
            b"bounce-1@", b"bounce-2@"
        )
    )

    sent.refresh_from_db()
    assert inbound.state == again.state == InboundEmail.State.IGNORED
    assert inbound.outcome == (
        f"Bounce of “Re: {ticket.reference}” to gone@acme.test: "
        "5.1.1 550 5.1.1 <x>: Recipient address rejected"
    )
    assert sent.bounced_at is not None
    assert sent.bounce_reason == "5.1.1 550 5.1.1 <x>: Recipient address rejected"
    bounced = BouncedAddress.objects.get(tenant=acme.tenant)
    assert (bounced.address, bounced.bounces) == ("gone@acme.test", 2)
    assert not Message.objects.exists()
    assert emails_to("MAILER-DAEMON@mx.acme.test".lower()) == []


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("delayed", "delivery-status"),
        ("delivered", "delivery-status"),
        ("", "disposition-notification"),
    ],
)
def test_delay_warnings_and_read_receipts_are_not_bounces(
    acme, make_ticket, mailbox, receive, action, kind
):
    sent = email_queue(tenant=acme.tenant, to=["slow@acme.test"], subject="Hi", text="x")

    inbound = receive(
        _delivery_report(
            original_message_id=sent.message_id,
            recipient="slow@acme.test",
            action=action,
            kind=kind,
        )
    )

    sent.refresh_from_db()
    assert inbound.outcome == "Ignored: delivery report"
    assert sent.bounced_at is None
    assert not BouncedAddress.objects.exists()


def test_a_bounce_naming_another_tenants_email_marks_nothing(
    acme, globex, make_ticket, mailbox, receive
):
    theirs = email_queue(tenant=globex.tenant, to=["gone@globex.test"], subject="x", text="x")

    inbound = receive(
        _delivery_report(original_message_id=theirs.message_id, recipient="gone@globex.test")
    )

    theirs.refresh_from_db()
    assert inbound.outcome == "Ignored: delivery report"
    assert theirs.bounced_at is None
    assert not BouncedAddress.objects.exists()


def test_a_plain_text_bounce_answering_our_email_marks_it(acme, make_ticket, mailbox, receive):
    ticket = make_ticket()
    sent = email_queue(tenant=acme.tenant, to=[acme.customer.email], subject="Hi", text="x")

    inbound = receive(
        email_bytes(
            sender="postmaster@mx.acme.test",
            subject="failure notice",
            body="Sorry, we were unable to deliver your message.\n550 mailbox unavailable\n",
            in_reply_to=sent.message_id,
        )
    )

    sent.refresh_from_db()
    assert inbound.outcome.startswith("Bounce of “Hi”")
    assert sent.bounce_reason == "550 mailbox unavailable"
    assert BouncedAddress.objects.get().address == acme.customer.email
    assert ticket.messages.count() == 0


def test_a_refused_file_is_listed_in_one_answer_and_the_rest_is_added(
    acme, make_ticket, mailbox, receive, settings
):
    settings.ATTACHMENT_MAX_FILES = 2
    ticket = make_ticket()

    inbound = receive(
        email_bytes(
            to=reply_to_ticket(ticket, acme.customer.email),
            body="Files attached.",
            attachments=[
                ("setup.exe", "application/octet-stream", b"MZ..."),
                ("a.log", "text/plain", b"one"),
                ("b.log", "text/plain", b"two"),
                ("c.log", "text/plain", b"three"),
            ],
        )
    )

    assert inbound.outcome == f"Reply on {ticket.reference}"
    files = list(ticket.attachments.order_by("pk").values_list("original_name", flat=True))
    assert files == ["a.log", "b.log"]
    answers = [e for e in emails_to(acme.customer.email) if "not added" in e.subject]
    assert len(answers) == 1
    answer = answers[0]
    assert answer.headers["Auto-Submitted"] == "auto-replied"
    assert "“setup.exe” is not a file type we accept" in answer.body_text
    assert "“c.log” was not added: a message carries at most 2 files." in answer.body_text
    assert answer.thread == f"ticket:{ticket.pk}"


def test_html_only_mail_with_an_inline_image_a_remote_image_and_a_script(acme, mailbox, receive):
    inbound = receive(
        email_bytes(
            body=None,
            html=(
                "<p>Error on screen:</p><img src='cid:shot@x' alt='error dialog'>"
                "<img src='https://tracker.test/open.gif'><script>steal()</script>"
            ),
            inline=[("shot@x", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)],
        )
    )

    ticket = inbound.ticket
    assert ticket.text == "Error on screen:\n\n[image: error dialog]"
    assert "tracker.test" not in ticket.text_html and "steal" not in ticket.text_html
    assert list(ticket.attachments.values_list("content_type", flat=True)) == ["image/png"]
    assert not OutboxEmail.objects.filter(subject__contains="not added").exists()
