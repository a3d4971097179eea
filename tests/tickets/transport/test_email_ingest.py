"""``manage.py email_ingest``, run as a mail server runs it: a separate process reading
the message on standard input, whose exit code decides whether the mail server keeps
the message and tries again."""

import subprocess
import sys
from io import BytesIO

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.smtp_sink import free_port
from tests.workers import clean_environment, worker_database_url
from tickets.models import InboundEmail, Ticket

from .conftest import make_mailbox, raw_email

EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 65, 67, 75


def ingest(tmp_path, raw: bytes, *args: str, database_url: str | None = None, **env):
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="1",
        DATABASE_URL=database_url or worker_database_url(),
        HELPDESK_VAR_DIR=str(tmp_path / "var"),
        **{"MEDIA_ROOT": str(settings.MEDIA_ROOT), **env},
    )
    return subprocess.run(
        [sys.executable, "manage.py", "email_ingest", *args],
        input=raw,
        capture_output=True,
        cwd=settings.BASE_DIR,
        env=environment,
        timeout=120,
    )


@pytest.fixture
def pipe_world(acme, require_postgres, transactional_db):
    return acme, make_mailbox(acme)


def test_a_piped_email_is_stored_and_processed_before_the_command_exits(tmp_path, pipe_world):
    acme, mailbox = pipe_world
    raw = raw_email(sender=acme.customer.email, subject="Piped VPN", message_id="<p1@c.test>")

    result = ingest(tmp_path, raw, "--mailbox", mailbox.address)

    assert result.returncode == 0, result.stderr.decode()
    inbound = InboundEmail.objects.for_tenant(acme.tenant).get()
    assert inbound.source == InboundEmail.Source.PIPE
    assert inbound.state == InboundEmail.State.DONE
    ticket = Ticket.objects.for_tenant(acme.tenant).get()
    assert ticket.title == "Piped VPN"
    [line] = result.stdout.decode().splitlines()
    assert line == f"Received: {inbound.outcome}"

    again = ingest(tmp_path, raw, "--mailbox", mailbox.address)

    assert again.returncode == 0
    assert again.stdout.decode().strip() == f"Already received (<p1@c.test>): {inbound.outcome}"
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_a_file_can_be_given_instead_of_standard_input(tmp_path, pipe_world):
    acme, mailbox = pipe_world
    path = tmp_path / "message.eml"
    path.write_bytes(raw_email(sender=acme.customer.email, message_id="<file@c.test>"))

    result = ingest(tmp_path, b"", "--mailbox", mailbox.address, "--file", str(path))

    assert result.returncode == 0, result.stderr.decode()
    assert InboundEmail.objects.get().message_id == "<file@c.test>"


def test_an_unknown_mailbox_is_no_such_user(tmp_path, pipe_world):
    result = ingest(tmp_path, raw_email(), "--mailbox", "nobody@acme.example")

    assert result.returncode == EX_NOUSER
    assert "No active mailbox has the address nobody@acme.example." in result.stderr.decode()
    assert not InboundEmail.objects.exists()


def test_an_unreachable_database_is_a_temporary_failure(tmp_path):
    closed = f"postgres://postgres@127.0.0.1:{free_port()}/helpdesk"

    result = ingest(tmp_path, raw_email(), "--mailbox", "support@acme.example", database_url=closed)

    # The mail server keeps the message and delivers it again later.
    assert result.returncode == EX_TEMPFAIL
    assert "Not stored, the mail server should try again later" in result.stderr.decode()


def test_unwritable_storage_is_a_temporary_failure_and_stores_nothing(tmp_path, pipe_world):
    acme, mailbox = pipe_world
    not_a_directory = tmp_path / "media-is-a-file"
    not_a_directory.write_text("")

    result = ingest(
        tmp_path,
        raw_email(sender=acme.customer.email),
        "--mailbox",
        mailbox.address,
        MEDIA_ROOT=str(not_a_directory),
    )

    assert result.returncode == EX_TEMPFAIL
    assert not InboundEmail.objects.exists()


def run(*args, stdin: bytes = b""):
    return call_command("email_ingest", *args, stdin=BytesIO(stdin))


def test_empty_input_is_no_message(acme, capsys):
    make_mailbox(acme)

    with pytest.raises(SystemExit) as exit_:
        run("--mailbox", "support@acme.example", stdin=b"\n")

    assert exit_.value.code == EX_DATAERR
    assert not InboundEmail.objects.exists()


def test_a_reply_address_is_taken_by_its_mailbox(acme, no_processing, capsys):
    mailbox = make_mailbox(acme)

    run("--mailbox", "Support+1a-abcdefghijklmnop@acme.example", stdin=raw_email())

    assert InboundEmail.objects.for_tenant(acme.tenant).get().mailbox == mailbox


def test_a_message_over_the_limit_is_refused_for_good(acme, settings):
    settings.INBOUND_MAX_BYTES = 100
    make_mailbox(acme)

    with pytest.raises(SystemExit) as exit_:
        run("--mailbox", "support@acme.example", stdin=raw_email())

    assert exit_.value.code == EX_DATAERR


@pytest.fixture
def private_postgres(require_postgres):
    """A private PostgreSQL with the schema and one mailbox, which the test may stop."""
    from tests.workers import PostgresCluster

    cluster = PostgresCluster().init()
    cluster.start()
    url = cluster.create_database("helpdesk_pipe")
    env = clean_environment(DJANGO_SETTINGS_MODULE="helpdesk.settings", DEBUG="1", DATABASE_URL=url)
    script = (
        "from tests.factories import TenantFactory;"
        "from tickets.models import Mailbox, TicketType;"
        "t = TenantFactory(slug='pipe');"
        "k = TicketType.objects.create(tenant=t, name='Email', slug='email');"
        "Mailbox.objects.create(tenant=t, address='support@pipe.example', "
        "transport='push', default_ticket_type=k)"
    )
    for command in (["manage.py", "migrate", "--no-input"], ["manage.py", "shell", "-c", script]):
        subprocess.run(
            [sys.executable, *command], cwd=settings.BASE_DIR, env=env, check=True,
            capture_output=True, timeout=300,
        )  # fmt: skip
    yield cluster, url
    cluster.remove()


def test_a_stopped_database_keeps_the_message_with_the_mail_server(tmp_path, private_postgres):
    cluster, url = private_postgres
    raw = raw_email(message_id="<outage@c.test>")
    args = ("--mailbox", "support@pipe.example")

    cluster.stop()
    down = ingest(tmp_path, raw, *args, database_url=url)
    assert down.returncode == EX_TEMPFAIL, down.stderr.decode()

    # The mail server delivers it again once the database is back: stored once.
    cluster.start()
    back = ingest(tmp_path, raw, *args, database_url=url)
    assert back.returncode == 0, back.stderr.decode()
    again = ingest(tmp_path, raw, *args, database_url=url)
    assert again.stdout.decode().startswith("Already received (<outage@c.test>)")
