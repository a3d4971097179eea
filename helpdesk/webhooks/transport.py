"""One POST to a webhook endpoint, guarded against server-side request forgery.

A tenant admin types the URL, and the worker that sends to it sits inside our network: a
URL naming an internal service (the cloud's metadata address, Redis, the database, an admin
port on loopback) would let anyone with a tenant make our workers talk to it. So the host is
resolved once, every address it resolves to must be a public one, and the connection goes
to the checked address (a second lookup could answer differently: DNS rebinding), with TLS
still verifying the certificate against the host name. Redirects are not followed, since
they could point anywhere. ``WEBHOOKS_ALLOW_PRIVATE`` (development, tests) lifts the address
check and allows plain http.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}
RESPONSE_KEPT = 1024


class UnsafeDestination(Exception):
    """The URL may not receive webhooks (its scheme, or an address it resolves to)."""


class DestinationUnresolved(Exception):
    """The host name does not resolve now (perhaps later)."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    target: str  # path and query
    address: str  # the checked address the connection goes to


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def destination_resolve(url: str, *, allow_private: bool | None = None) -> Destination:
    """Where a POST to ``url`` goes. Raises :class:`UnsafeDestination` for a URL that may
    not receive webhooks, :class:`DestinationUnresolved` when its host does not resolve."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeDestination(_("Only http and https URLs can receive webhooks."))
    if scheme != "https" and not allow_private:
        raise UnsafeDestination(_("Webhook URLs must use https."))
    host = parts.hostname
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UnsafeDestination(_("The URL's port is not a number.")) from None
    if not host:
        raise UnsafeDestination(_("The URL has no host name."))
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DestinationUnresolved(
            _("%(host)s does not resolve: %(error)s") % {"host": host, "error": error}
        ) from error
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise DestinationUnresolved(_("%(host)s does not resolve.") % {"host": host})
    if not allow_private:
        for address in addresses:
            if _forbidden(address):
                raise UnsafeDestination(
                    _(
                        "%(host)s resolves to %(address)s, a private, loopback, link-local "
                        "or reserved address: webhooks are only sent to public addresses."
                    )
                    % {"host": host, "address": address}
                )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Destination(scheme, host, port, target, addresses[0])


def destination_check(url: str) -> None:
    """Raise :class:`UnsafeDestination` when ``url`` may not receive webhooks (for forms).
    A host that does not resolve is refused as well: it cannot be checked."""
    try:
        destination_resolve(url)
    except DestinationUnresolved as error:
        raise UnsafeDestination(str(error)) from error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, destination: Destination, timeout: float):
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.address = destination.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address and verifies the certificate against the host."""

    def __init__(self, destination: Destination, timeout: float):
        super().__init__(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self.address = destination.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(destination: Destination, *, body: bytes, headers: dict, timeout: float):
    """POST ``body``; returns the status code and the first kilobyte of the answer. Network
    failures raise ``OSError`` or ``http.client.HTTPException``."""
    connection_class = (
        _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    )
    connection = connection_class(destination, timeout)
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        head = response.read(RESPONSE_KEPT)
        return response.status, head.decode("utf-8", errors="replace")
    finally:
        connection.close()
