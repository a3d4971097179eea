"""``manage.py email_ingest --mailbox ADDRESS < message.eml``: a mail server's pipe.

The message is stored first, then processed in this process before the command exits.
The exit code is what the mail server acts on (sysexits): 0 once the message is stored,
even if processing failed (the inbox keeps it and retries); 75 (EX_TEMPFAIL) when it could
not be stored (database or storage unavailable), so the mail server keeps the message
and delivers it again later; 67 (EX_NOUSER) for an address that is no mailbox here, and
65 (EX_DATAERR) for something that is no message, both bounced by the mail server.
"""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EX_OK = 0
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75
# A worker may have taken the message first (the store queues it as usual); how long to
# wait for its outcome before saying it is being processed.
WORKER_WAIT_SECONDS = 10.0


class Command(BaseCommand):
    help = gettext_lazy(
        "Store one email read from standard input (or --file) for a mailbox, and process "
        "it. Exits 75 when it could not be stored, so the mail server retries."
    )
    # Checks may need the database; a pipe must answer with an exit code, not a traceback.
    requires_system_checks = []
    # call_command(..., stdin=...) hands the message over in-process.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", required=True, help=gettext_lazy("The mailbox's address."))
        parser.add_argument("--file", help=gettext_lazy("Read the message from this file."))

    def handle(self, *args, mailbox, file=None, **options):
        try:
            raw = self._read(file, options.get("stdin"))
        except OSError as error:
            self._fail(
                EX_TEMPFAIL, _("The message could not be read: %(error)s") % {"error": error}
            )
        if not raw.strip():
            self._fail(EX_DATAERR, _("No message was given on standard input."))
        try:
            code, line = self._ingest(mailbox, raw)
        except Exception as error:  # noqa: BLE001 - any failure to store keeps the message
            self._fail(
                EX_TEMPFAIL,
                _("Not stored, the mail server should try again later: %(error)s")
                % {"error": f"{type(error).__name__}: {error}".strip()},
            )
        if code != EX_OK:
            self._fail(code, line)
        self.stdout.write(line)

    def _read(self, file, stdin) -> bytes:
        if file:
            with open(file, "rb") as handle:
                return handle.read()
        stream = stdin or sys.stdin
        return getattr(stream, "buffer", stream).read()

    def _fail(self, code: int, line: str):
        self.stderr.write(line)
        raise SystemExit(code)

    def _ingest(self, address: str, raw: bytes) -> tuple[int, str]:
        from tickets.intake.store import MessageTooLarge, inbound_store
        from tickets.intake.webhooks import mailbox_for_address

        mailbox = mailbox_for_address(address)
        if mailbox is None:
            return EX_NOUSER, _("No active mailbox has the address %(address)s.") % {
                "address": address
            }
        try:
            stored = inbound_store(mailbox=mailbox, raw=raw, source="pipe")
        except MessageTooLarge as error:
            return EX_DATAERR, _("The message is too large: %(error)s") % {"error": error}
        inbound = stored.email
        if not stored.created:
            return EX_OK, _("Already received (%(message_id)s): %(outcome)s") % {
                "message_id": inbound.message_id,
                "outcome": inbound.outcome or inbound.get_state_display(),
            }
        return EX_OK, self._process(inbound)

    def _process(self, inbound) -> str:
        from tickets.intake.process import inbound_process
        from tickets.models import InboundEmail

        try:
            inbound_process(inbound_id=inbound.pk)
        except Exception as error:  # noqa: BLE001 - stored: the inbox retries it
            return _("Stored; processing failed and will be retried: %(error)s") % {"error": error}
        deadline = time.monotonic() + WORKER_WAIT_SECONDS
        while True:
            inbound.refresh_from_db(fields=["state", "outcome", "error"])
            if inbound.state != InboundEmail.State.PENDING or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if inbound.state == InboundEmail.State.PENDING:
            if inbound.error:
                return _("Stored; processing failed and will be retried: %(outcome)s") % {
                    "outcome": inbound.outcome
                }
            return _("Stored; it is being processed.")
        return _("Received: %(outcome)s") % {"outcome": inbound.outcome}
