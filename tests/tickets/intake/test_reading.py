"""Reading received emails (pure): headers, bodies, files, automatic mail, what was new."""

from email.message import EmailMessage

import pytest

from tickets.intake.content import html_to_markdown, new_text
from tickets.intake.loops import noise_reason, own_sender_reason, wants_no_automatic_answer
from tickets.intake.parse import parse_email
from tickets.reply_address import REPLY_MARKER

from .conftest import email_bytes


def test_addresses_subject_and_thread_headers_are_read():
    parsed = parse_email(
        email_bytes(
            sender='"Pérez, Ana" <Ana@Example.COM>',
            to="support@acme.example, Bo <bo@acme.test>",
            cc="cc@acme.test",
            subject="=?utf-8?q?Caf=C3=A9_down?=",
            message_id="<m1@mail.test>",
            in_reply_to="<m0@mail.test>",
            references="<r1@mail.test> <m0@mail.test>",
            headers={"Delivered-To": "support+abc@acme.example"},
        )
    )

    assert parsed.sender.address == "ana@example.com"
    assert parsed.sender.name == "Pérez, Ana"
    assert parsed.subject == "Café down"
    assert parsed.message_id == "<m1@mail.test>"
    assert parsed.thread_ids == ("<m0@mail.test>", "<r1@mail.test>")
    assert parsed.recipients == (
        "support@acme.example",
        "bo@acme.test",
        "cc@acme.test",
        "support+abc@acme.example",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"no headers at all \xff\xfe",
        b"From: broken <<<@@\r\nSubject: =?bogus?q?x?=\r\n\r\nbody",
        b"From: a@b.test\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n\xe9t\xe9",
        b"From: a@b.test\r\nContent-Type: multipart/mixed\r\n\r\nno boundary here",
        b"From: a@b.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!not base64\r\n--zz",
        b"From: a@b.test\r\nDate: yesterday-ish\r\nMessage-ID: not-an-id\r\n\r\nhi",
    ],
)
def test_malformed_mail_is_read_without_raising(raw):
    parsed = parse_email(raw)

    assert isinstance(parsed.text, str)
    assert parsed.date is None or parsed.date.tzinfo is not None


@pytest.mark.parametrize(
    ("charset", "data", "text"),
    [
        ("x-unknown", "été".encode("cp1252"), "été"),
        ("x-unknown", "été".encode(), "été"),
        ("iso-8859-1", "año".encode("latin-1"), "año"),
        ("utf-8", b"caf\xc3\xa9 \xff", "café \ufffd"),
    ],
)
def test_text_in_wrong_or_unknown_charsets_is_read(charset, data, text):
    raw = (
        b"From: a@b.test\r\nContent-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + data
    )

    assert parse_email(raw).text == text


def test_attachments_and_inline_images_are_found():
    raw = email_bytes(
        body="See the screenshot.",
        html='<p>See <img src="cid:shot1" alt="screenshot"></p>',
        inline=[("shot1", "image/png", b"\x89PNG\r\n\x1a\nimage")],
        attachments=[("trace.log", "text/plain", b"ERROR\n")],
    )

    parsed = parse_email(raw)

    files = {(part.name, part.content_type, part.inline) for part in parsed.attachments}
    assert files == {("image-1.png", "image/png", True), ("trace.log", "text/plain", False)}
    assert parsed.text.strip() == "See the screenshot."


def test_html_mail_becomes_markdown_without_scripts_or_remote_images():
    markdown = html_to_markdown(
        "<h2>Outage</h2><p>The <b>VPN</b> is <a href='https://status.test'>down</a>."
        "<img src='https://tracker.test/pixel.gif'><img src='cid:shot' alt='screen'></p>"
        "<script>alert(1)</script><style>p{}</style><p onclick='x()'>Thanks</p>"
    )

    assert markdown == (
        "## Outage\n\nThe **VPN** is [down](https://status.test).[image: screen]\n\nThanks"
    )


def test_html_only_mail_gives_its_text():
    parsed = parse_email(email_bytes(body=None, html="<div>Printer <i>jammed</i><br>again</div>"))

    assert new_text(parsed) == "Printer *jammed*  \nagain"


def test_the_reply_is_cut_at_our_marker_whatever_the_language():
    body = (
        "Works now, thanks!\n\nEl mar, 1 dic 2026, Soporte escribió:\n"
        "> ##- Por favor escriba su respuesta encima de esta línea -##\n> old\n"
    )

    assert new_text(parse_email(email_bytes(body=body))) == "Works now, thanks!"


@pytest.mark.parametrize(
    "body",
    [
        "Works now.\n\nOn Tue, 1 Dec 2026 at 10:02, Support <s@acme.example> wrote:\n> Old text\n",
        "Works now.\n\nEl mar, 1 dic 2026 a las 10:02, Soporte escribió:\n> Texto viejo\n",
        "Works now.\n\nFrom: Support <s@acme.example>\nSent: Tuesday\nTo: Ana\nSubject: Re\n\nOld",
        "Works now.\n\nBest regards,\nAna Pérez\nAcme Corp",
        "Works now.\n\n> quoted without any header\n> more",
        "Works now.\n\nSent from my iPhone",
    ],
)
def test_quoted_history_and_signatures_are_removed(body):
    assert new_text(parse_email(email_bytes(body=body))) == "Works now."


def test_indented_lines_and_lists_of_the_reply_are_kept():
    body = f"Log:\n\n    ERROR 1\n    ERROR 2\n\n- one\n- two\n\n{REPLY_MARKER}\nold"

    assert new_text(parse_email(email_bytes(body=body))) == (
        "Log:\n\n    ERROR 1\n    ERROR 2\n\n- one\n- two"
    )


def test_image_syntax_in_a_text_email_is_shown_as_text():
    text = new_text(parse_email(email_bytes(body="Look ![x](https://tracker.test/p.gif)")))

    assert text == "Look !\\[x](https://tracker.test/p.gif)"


@pytest.mark.parametrize(
    ("headers", "subject", "reason"),
    [
        (
            {"Auto-Submitted": "auto-replied"},
            "Re: x",
            "automatic reply (Auto-Submitted: auto-replied)",
        ),
        (
            {"Auto-Submitted": "auto-generated"},
            "x",
            "automatic reply (Auto-Submitted: auto-generated)",
        ),
        ({"Precedence": "bulk"}, "x", "bulk mail (Precedence: bulk)"),
        ({"Precedence": "auto_reply"}, "x", "bulk mail (Precedence: auto_reply)"),
        ({"List-Id": "<news.acme.test>"}, "x", "mailing list (List-Id)"),
        ({"List-Unsubscribe": "<mailto:u@x.test>"}, "x", "mailing list (List-Unsubscribe)"),
        ({"X-Autoreply": "yes"}, "x", "automatic reply (X-Autoreply)"),
        ({"X-Autorespond": "yes"}, "x", "automatic reply (X-Autorespond)"),
        ({}, "Automatic reply: VPN down", "automatic reply (subject “Automatic reply: VPN down”)"),
        (
            {},
            "Out of Office: back Monday",
            "automatic reply (subject “Out of Office: back Monday”)",
        ),
        ({}, "Respuesta automática: VPN", "automatic reply (subject “Respuesta automática: VPN”)"),
        ({}, "Fuera de la oficina", "automatic reply (subject “Fuera de la oficina”)"),
        ({"Return-Path": "<>"}, "Undelivered", "delivery report"),
    ],
)
def test_automatic_mail_is_recognised(headers, subject, reason):
    parsed = parse_email(email_bytes(subject=subject, headers=headers))

    assert noise_reason(parsed) == reason


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"Auto-Submitted": "no"}, "VPN down"),
        # Exchange asks responders not to answer this, but a person wrote it.
        ({"X-Auto-Response-Suppress": "All"}, "VPN down"),
        ({}, "Re: question about out of office hours"),
        ({"Precedence": "normal"}, "Urgent"),
    ],
)
def test_mail_people_write_is_not_automatic(headers, subject):
    assert noise_reason(parse_email(email_bytes(subject=subject, headers=headers))) is None


def test_mailer_daemon_and_report_messages_are_delivery_reports():
    daemon = parse_email(email_bytes(sender="MAILER-DAEMON@mx.acme.test", subject="Failure"))
    report = EmailMessage()
    report["From"] = "reports@mx.test"
    report["Subject"] = "Delivery Status Notification"
    report.set_type("multipart/report")

    assert noise_reason(daemon) == "delivery report"
    assert noise_reason(parse_email(report.as_bytes())) == "delivery report"


def test_a_sender_asking_for_quiet_gets_no_automatic_answer():
    quiet = parse_email(email_bytes(headers={"X-Auto-Response-Suppress": "OOF, AutoReply"}))

    assert wants_no_automatic_answer(quiet)
    assert not wants_no_automatic_answer(parse_email(email_bytes()))


def test_our_own_addresses_and_reply_addresses_are_ours():
    own = frozenset({"support@acme.example"})

    assert own_sender_reason(
        parse_email(email_bytes(sender="support@acme.example")), own_addresses=own
    )
    assert own_sender_reason(
        parse_email(email_bytes(sender="support+12-abc@acme.example")), own_addresses=own
    )
    assert own_sender_reason(parse_email(email_bytes()), own_addresses=own) is None


def test_a_text_longer_than_a_reply_may_be_is_shortened_with_a_note(settings):
    settings.MARKDOWN_TEXT_MAX_LENGTH = 200

    text = new_text(parse_email(email_bytes(body="word " * 100)))

    assert len(text) <= 200
    assert text.endswith("(Shortened: the full email is kept with the message.)")
