"""A real SMTP server for tests: it accepts every message and keeps it for assertions.

    with SmtpSink() as sink:                      # listens on 127.0.0.1:<free port>
        ...point EMAIL_HOST/EMAIL_PORT (or EMAIL_URL) at sink.port...
        [message] = sink.wait_for(1, timeout=10)
        assert message.subject == "..."

The port is chosen when the sink is created, so a test can hand it to the code under test
while the sink is still down (an SMTP outage), then ``start()`` it on that same port.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now (so connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ReceivedEmail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage = field(repr=False)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def to(self) -> list[str]:
        return [address for _, address in getaddresses(self.message.get_all("To", []))]

    @property
    def from_(self) -> str:
        return str(self.message["From"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink._received(
            ReceivedEmail(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
            )
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, host: str = HOST, port: int | None = None):
        self.host = host
        self.port = port or free_port(host)
        self._messages: list[ReceivedEmail] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """For settings read by django-environ (EMAIL_URL)."""
        return f"smtp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def messages(self) -> list[ReceivedEmail]:
        with self._arrived:
            return list(self._messages)

    def start(self) -> SmtpSink:
        if self._controller is None:
            # A fixed server_hostname: otherwise aiosmtpd resolves this machine's FQDN,
            # which can stall for seconds where DNS is missing.
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self.port,
                server_hostname="smtp-sink.localhost",
                ready_timeout=10,
            )
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        # A controller's event loop is closed on stop, so start() builds a new one.
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()

    def wait_for(self, count: int, timeout: float = 10) -> list[ReceivedEmail]:
        """Block until at least ``count`` messages arrived; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"SMTP sink on port {self.port} received {len(self._messages)} of "
                        f"{count} expected message(s) within {timeout} s: "
                        f"{[m.subject for m in self._messages]}"
                    )
                self._arrived.wait(remaining)
            return list(self._messages)

    def _received(self, message: ReceivedEmail) -> None:
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
