"""A small OAuth 2.0 identity server for tests (stdlib ``http.server`` in threads), on
free ports of 127.0.0.1:

- ``POST /token`` (RFC 6749), over HTTPS with a self-signed certificate (``certificate``,
  which the ``identity_server`` fixture makes trusted through ``SSL_CERT_FILE``): the
  client-credentials grant (client id and secret) or the refresh-token grant; answers like
  Entra ID, a random access token with ``expires_in``, or 401 with ``error_description``
  for wrong credentials.
- ``POST /introspect`` (RFC 7662), over plain HTTP for Dovecot's ``oauth2`` passdb:
  whether a token is active, and for which user.

    def test_something(identity_server):
        identity_server.token_requests          # how many tokens were asked for
        identity_server.revoke_all()            # every token issued so far stops working
"""

from __future__ import annotations

import json
import secrets
import shutil
import ssl
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.imap_server import USER, _self_signed

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "right-client-secret"
REFRESH_TOKEN = "1//refresh-token-for-tests"


class IdentityServer:
    def __init__(self, *, user: str):
        self.user = user
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.refresh_token = REFRESH_TOKEN
        self.expires_in = 3599
        self.active: set[str] = set()
        self.token_requests = 0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self.directory = Path(tempfile.mkdtemp(prefix="helpdesk-identity-"))
        self.certificate = self.directory / "cert.pem"
        key = self.directory / "key.pem"
        _self_signed(self.certificate, key)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, key)
        self._https = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._https.socket = context.wrap_socket(self._https.socket, server_side=True)
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._servers = [self._https, self._http]

    @property
    def token_url(self) -> str:
        return f"https://127.0.0.1:{self._https.server_address[1]}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/introspect"

    def start(self) -> IdentityServer:
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def revoke_all(self) -> None:
        with self._lock:
            self.active.clear()

    # -- the endpoints ------------------------------------------------------------------

    def token(self, form: dict) -> tuple[int, dict]:
        with self._lock:
            self.token_requests += 1
            self.requests.append(form)
        if form.get("client_id") != self.client_id or form.get("client_secret") != (
            self.client_secret
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": (
                    "AADSTS7000215: Invalid client secret provided. Ensure the secret being "
                    "sent in the request is the client secret value, not the client secret "
                    f"ID.\r\nTrace ID: {secrets.token_hex(8)}\r\nCorrelation ID: x"
                ),
            }
        grant = form.get("grant_type")
        if grant == "refresh_token" and form.get("refresh_token") != self.refresh_token:
            return 400, {"error": "invalid_grant", "error_description": "Bad refresh token."}
        if grant not in ("client_credentials", "refresh_token"):
            return 400, {"error": "unsupported_grant_type"}
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.active.add(token)
        return 200, {"token_type": "Bearer", "expires_in": self.expires_in, "access_token": token}

    def introspect(self, form: dict) -> tuple[int, dict]:
        with self._lock:
            active = form.get("token") in self.active
        if not active:
            return 200, {"active": False}
        return 200, {"active": True, "username": self.user}


def _handler(server: IdentityServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            path = urllib.parse.urlsplit(self.path).path
            if path == "/token":
                status, answer = server.token(form)
            elif path == "/introspect":
                status, answer = server.introspect(form)
            else:
                status, answer = 404, {"error": "not_found"}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def identity_server(monkeypatch):
    """An identity server for the IMAP test user, its certificate trusted meanwhile."""
    server = IdentityServer(user=USER).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))
    yield server
    server.stop()
