"""Fetching a mailbox from a real IMAP server (a private Dovecot started by the test)."""

import threading
from datetime import UTC, datetime

import pytest

from tickets.intake import imap
from tickets.intake.imap import imap_mailboxes_due, mailbox_fetch
from tickets.intake.imap_protocol import folder_name
from tickets.models import InboundEmail, Mailbox

from .conftest import make_mailbox, raw_email

pytestmark = pytest.mark.usefixtures("no_processing")


def stored(mailbox):
    return list(
        InboundEmail.objects.for_tenant(mailbox.tenant)
        .filter(mailbox=mailbox)
        .order_by("pk")
        .values_list("message_id", flat=True)
    )


def test_new_mail_is_stored_once_and_marked_read(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<one@customer.test>", subject="VPN down"))
    imap_server.append(raw_email(message_id="<two@customer.test>", subject="Printer jam"))

    outcome = mailbox_fetch(mailbox_id=mailbox.pk)

    assert outcome == "2 new of 2 fetched"
    assert stored(mailbox) == ["<one@customer.test>", "<two@customer.test>"]
    first = InboundEmail.objects.get(message_id="<one@customer.test>")
    assert first.source == InboundEmail.Source.IMAP
    assert first.subject == "VPN down"
    assert first.from_address == "customer@acme.test"
    assert first.raw.read().startswith(b"From: customer@acme.test")
    assert imap_server.uids(criteria="UNSEEN") == []
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error == ""
    assert mailbox.last_fetch_at is not None
    assert mailbox.imap_last_uid == 2

    # Nothing new: nothing fetched.
    assert mailbox_fetch(mailbox_id=mailbox.pk) == "0 new of 0 fetched"


def test_received_time_is_the_servers_arrival_time(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    client = imap_server.client()
    arrived = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    client.append("INBOX", None, arrived, raw_email(message_id="<old@customer.test>"))
    client.logout()

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert InboundEmail.objects.get(message_id="<old@customer.test>").received_at == arrived


def test_the_same_message_fetched_again_is_one_row(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<again@customer.test>"))
    mailbox_fetch(mailbox_id=mailbox.pk)

    # Someone marks it unread again and the cursor is lost: it is fetched a second time.
    imap_server.mark_unseen()
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_last_uid=0)
    outcome = mailbox_fetch(mailbox_id=mailbox.pk)

    assert outcome == "0 new of 1 fetched"
    assert stored(mailbox) == ["<again@customer.test>"]
    assert imap_server.uids(criteria="UNSEEN") == []


def test_a_message_stored_but_not_marked_is_taken_once(acme, imap_server, monkeypatch):
    """A fetch dies after storing, before telling the server: the next one stores nothing
    new and marks it."""
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<crash@customer.test>"))

    def die(*args, **kwargs):
        raise ConnectionResetError("worker lost")

    with monkeypatch.context() as patch:
        patch.setattr(imap, "_after_fetch", die)
        outcome = mailbox_fetch(mailbox_id=mailbox.pk)
    assert "connection to the IMAP server was lost" in outcome
    assert imap_server.uids(criteria="UNSEEN") == [1]

    assert mailbox_fetch(mailbox_id=mailbox.pk) == "0 new of 1 fetched"
    assert stored(mailbox) == ["<crash@customer.test>"]
    assert imap_server.uids(criteria="UNSEEN") == []


def test_mail_already_read_in_the_mailbox_is_left(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<read@customer.test>"), flags=r"\Seen")
    imap_server.append(raw_email(message_id="<unread@customer.test>"))

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert stored(mailbox) == ["<unread@customer.test>"]


@pytest.mark.parametrize("locked", [True, False], ids=["with-lock", "lock-bypassed"])
def test_two_fetches_at_once_store_each_message_once(
    acme, imap_server, require_postgres, transactional_db, monkeypatch, locked
):
    mailbox = make_mailbox(acme, server=imap_server)
    for n in range(30):
        imap_server.append(raw_email(message_id=f"<race-{n}@customer.test>"))
    if not locked:
        monkeypatch.setattr(imap.cache, "add", lambda *args, **kwargs: True)
    start = threading.Barrier(2)
    outcomes = []

    def fetch():
        from django.db import connection

        start.wait()
        try:
            outcomes.append(mailbox_fetch(mailbox_id=mailbox.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2
    assert sorted(stored(mailbox)) == sorted(f"<race-{n}@customer.test>" for n in range(30))
    assert imap_server.uids(criteria="UNSEEN") == []
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 30


def test_move_mode_moves_what_was_taken_to_a_new_folder(acme, imap_server):
    mailbox = make_mailbox(
        acme, server=imap_server, imap_after_fetch=Mailbox.AfterFetch.MOVE, imap_move_to="Done"
    )
    imap_server.append(raw_email(message_id="<m1@customer.test>"))
    imap_server.append(raw_email(message_id="<m2@customer.test>"), flags=r"\Seen")

    mailbox_fetch(mailbox_id=mailbox.pk)

    # The folder is the queue: read or not, everything in it is taken.
    assert stored(mailbox) == ["<m1@customer.test>", "<m2@customer.test>"]
    assert imap_server.uids("INBOX") == []
    assert len(imap_server.uids("Done")) == 2


def test_folders_named_in_any_language_are_fetched_and_moved_to(acme, imap_server):
    # On the server the folders carry IMAP's names (RFC 3501's modified UTF-7).
    client = imap_server.client()
    try:
        assert client.create('"Atenci&APM-n al cliente"')[0] == "OK"
    finally:
        client.logout()
    mailbox = make_mailbox(
        acme,
        server=imap_server,
        imap_folder="Atención al cliente",
        imap_after_fetch=Mailbox.AfterFetch.MOVE,
        imap_move_to="Tratados por María",
    )
    imap_server.append(raw_email(message_id="<m1@customer.test>"), folder="Atenci&APM-n al cliente")

    mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error == ""
    assert stored(mailbox) == ["<m1@customer.test>"]
    assert imap_server.uids("Atenci&APM-n al cliente") == []
    assert len(imap_server.uids("Tratados por Mar&AO0-a")) == 1


def test_folder_names_are_written_as_imap_names_them():
    assert folder_name("INBOX") == "INBOX"
    assert folder_name("R&D") == "R&-D"
    # RFC 3501's own example.
    assert folder_name("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"


def test_move_without_the_move_command_copies_and_expunges(acme, imap_server, monkeypatch):
    mailbox = make_mailbox(acme, server=imap_server, imap_after_fetch=Mailbox.AfterFetch.MOVE)
    imap_server.append(raw_email(message_id="<c1@customer.test>"))
    imap_server.append(raw_email(message_id="<c2@customer.test>"))
    real = imap.capabilities_of
    monkeypatch.setattr(imap, "capabilities_of", lambda client: real(client) - {"MOVE"})

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert len(stored(mailbox)) == 2
    assert imap_server.uids("INBOX") == []
    assert len(imap_server.uids("Processed")) == 2


def test_server_down_is_recorded_and_nothing_is_lost(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<d1@customer.test>"))
    imap_server.append(raw_email(message_id="<d2@customer.test>"))
    imap_server.stop()

    outcome = mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    expected = f"The IMAP server 127.0.0.1:{imap_server.port} refused the connection."
    assert mailbox.last_fetch_error == expected
    assert expected in outcome
    assert stored(mailbox) == []

    imap_server.start()
    assert mailbox_fetch(mailbox_id=mailbox.pk) == "2 new of 2 fetched"
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error == ""
    assert len(stored(mailbox)) == 2


def test_wrong_password_is_a_readable_error(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server, password="not-the-password")
    imap_server.append(raw_email())

    mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error.startswith("The IMAP server refused the user name or password")
    assert stored(mailbox) == []
    assert imap_server.uids(criteria="UNSEEN") == [1]


def test_missing_folder_is_a_readable_error(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server, imap_folder="Support")

    mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error.startswith(
        "The folder “Support” cannot be opened on the IMAP server"
    )


def test_a_message_over_the_limit_is_left_and_named(acme, imap_server, settings):
    settings.INBOUND_MAX_BYTES = 2000
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<small@customer.test>"))
    imap_server.append(raw_email(message_id="<big@customer.test>", body="x" * 5000))
    imap_server.append(raw_email(message_id="<after@customer.test>"))

    mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert "UID 2" in mailbox.last_fetch_error
    assert "over the 2000-byte limit" in mailbox.last_fetch_error
    assert sorted(stored(mailbox)) == ["<after@customer.test>", "<small@customer.test>"]
    assert imap_server.uids(criteria="UNSEEN") == [2]

    # Once the limit allows it, the next fetch takes it.
    settings.INBOUND_MAX_BYTES = 40 * 1024 * 1024
    mailbox_fetch(mailbox_id=mailbox.pk)
    assert "<big@customer.test>" in stored(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error == ""


def test_a_recreated_folder_is_fetched_from_its_start(acme, imap_server):
    mailbox = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<v1@customer.test>"))
    # The cursor says 50 messages were taken, but under another UIDVALIDITY.
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=1, imap_last_uid=50)

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert stored(mailbox) == ["<v1@customer.test>"]


def test_mailboxes_due_are_the_active_imap_ones_of_every_tenant(two_tenants, imap_server):
    acme, globex = two_tenants
    fetched = make_mailbox(acme, server=imap_server)
    other_tenant = make_mailbox(globex, server=imap_server)
    make_mailbox(acme, address="pushed@acme.example")
    make_mailbox(acme, address="off@acme.example", server=imap_server, is_active=False)

    assert imap_mailboxes_due() == [fetched.pk, other_tenant.pk]


def test_each_tenants_mailbox_stores_for_its_own_tenant(two_tenants, imap_server):
    """The same message in two tenants' mailboxes is two rows, one for each tenant."""
    acme, globex = two_tenants
    first = make_mailbox(acme, server=imap_server)
    imap_server.append(raw_email(message_id="<shared@customer.test>"))
    mailbox_fetch(mailbox_id=first.pk)
    imap_server.mark_unseen()
    second = make_mailbox(globex, server=imap_server)

    mailbox_fetch(mailbox_id=second.pk)

    assert stored(first) == ["<shared@customer.test>"]
    assert stored(second) == ["<shared@customer.test>"]
    assert InboundEmail.objects.for_tenant(globex.tenant).get().mailbox == second


def test_an_untrusted_certificate_is_refused_with_a_readable_error(acme, imap_tls_server):
    mailbox = make_mailbox(
        acme,
        server=imap_tls_server,
        imap_port=imap_tls_server.tls_port,
        imap_security=Mailbox.Security.SSL,
    )
    imap_tls_server.append(raw_email())

    mailbox_fetch(mailbox_id=mailbox.pk)

    mailbox.refresh_from_db()
    assert mailbox.last_fetch_error.startswith(
        f"The secure connection to 127.0.0.1:{imap_tls_server.tls_port} failed:"
    )
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_fetch_error
    assert stored(mailbox) == []


@pytest.mark.parametrize("security", [Mailbox.Security.SSL, Mailbox.Security.STARTTLS])
def test_mail_is_fetched_over_tls_and_starttls(acme, imap_tls_server, monkeypatch, security):
    import ssl

    trusted, default = str(imap_tls_server.certificate), ssl.create_default_context
    # Trusting the test server's self-signed certificate.
    monkeypatch.setattr(ssl, "create_default_context", lambda: default(cafile=trusted))
    port = imap_tls_server.tls_port if security == Mailbox.Security.SSL else imap_tls_server.port
    mailbox = make_mailbox(acme, server=imap_tls_server, imap_port=port, imap_security=security)
    imap_tls_server.append(raw_email(message_id="<tls@customer.test>"))

    assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"
    assert stored(mailbox) == ["<tls@customer.test>"]
