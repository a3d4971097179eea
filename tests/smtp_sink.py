"""A real SMTP server for tests: it accepts every message and keeps it for assertions.

    with SmtpSink() as sink:                      # listens on 127.0.0.1:<free port>
        ...point EMAIL_HOST/EMAIL_PORT (or EMAIL_URL) at sink.port...
        [message] = sink.wait_for(1, timeout=10)
        assert message.subject == "..."

The port is chosen when the sink is created, so a test can hand it to the code under test
while the sink is still down (an SMTP outage), then ``start()`` it on that same port.

A running sink can also misbehave like a real relay:

    sink.answer_recipients("550 5.1.1 No such user")   # every RCPT TO refused so
    sink.answer_data("451 4.3.0 Try again later")      # the message refused after DATA
    sink.answer_recipients(None); sink.answer_data(None)   # accept again
    sink.hold_acceptance()      # keep each message but delay its "250 accepted"...
    sink.release_acceptance()   # ...until released (the client may die meanwhile)
    sink.hang()                 # accept connections and never answer (until start())
    sink.stop()                 # nothing listens: connections are refused
"""

from __future__ import annotations

import asyncio
import contextlib
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

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass(frozen=True)
class Refusal:
    """A recipient the sink refused (``answer_recipients``), and when."""

    address: str
    answer: str
    at: float = field(default_factory=time.monotonic)


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.sink._recipient_answer
        if answer:
            self.sink._refused(Refusal(address=address, answer=answer))
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self.sink._data_answer
        if answer:
            return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink._received(
            ReceivedEmail(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
            )
        )
        # The message is kept (as a relay that has queued it); its "250" waits if held.
        while not self.sink._accepting.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"


class _Hang:
    """A listener that accepts connections and never says a word."""

    def __init__(self, host: str, port: int):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(64)
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections.append(connection)

    def close(self) -> None:
        # shutdown() wakes the accept() blocked in the thread; close() alone may not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)
        for connection in self.connections:
            connection.close()


class SmtpSink:
    def __init__(self, host: str = HOST, port: int | None = None):
        self.host = host
        self.port = port or free_port(host)
        self._messages: list[ReceivedEmail] = []
        self._refusals: list[Refusal] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None
        self._hang: _Hang | None = None
        self._recipient_answer: str | None = None
        self._data_answer: str | None = None
        self._accepting = threading.Event()
        self._accepting.set()

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

    def answer_recipients(self, answer: str | None) -> None:
        """Answer every RCPT TO with ``answer`` (e.g. ``"550 5.1.1 No such user"``);
        None accepts recipients again."""
        self._recipient_answer = answer

    def answer_data(self, answer: str | None) -> None:
        """Answer every message's data with ``answer`` instead of accepting it."""
        self._data_answer = answer

    def hold_acceptance(self) -> None:
        self._accepting.clear()

    def release_acceptance(self) -> None:
        self._accepting.set()

    def hang(self) -> None:
        """Stop answering: connections are accepted and then left in silence."""
        self.stop()
        self._hang = _Hang(self.host, self.port)

    @property
    def refusals(self) -> list[Refusal]:
        with self._arrived:
            return list(self._refusals)

    def start(self) -> SmtpSink:
        if self._hang is not None:
            self._hang.close()
            self._hang = None
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
        if self._hang is not None:
            self._hang.close()
            self._hang = None
        # Held messages get their answer, so the controller's loop can stop.
        self._accepting.set()
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

    def _refused(self, refusal: Refusal) -> None:
        with self._arrived:
            self._refusals.append(refusal)

    def _received(self, message: ReceivedEmail) -> None:
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
