"""A private Dovecot IMAP server for tests, on a free port, with one user and a Maildir in
a temporary directory (Debian's ``dovecot-imapd``; ``.ci/run`` installs it).

    def test_something(imap_server):
        imap_server.append(raw_bytes)                # into INBOX
        imap_server.uids()                            # UIDs in a folder
        imap_server.stop(); imap_server.start()       # an outage, same port and mail

Plain-text login on 127.0.0.1 only (``ssl = no``); the system's own Dovecot, if any, is
never touched.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.smtp_sink import free_port
from tests.workers import terminate

DOVECOT = "/usr/sbin/dovecot"
USER = "support@imap.test"
PASSWORD = "imap-test-password"

CONFIG = """\
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanism}
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {gid}
mail_privileged_group =
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {directory}/passwd
}}
{oauth2_passdb}userdb {{
  driver = static
  args = home={directory}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""

OAUTH2_PASSDB = """\
auth_failure_delay = 0
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {config}
}}
"""

OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


class DovecotServer:
    """One ``dovecot -F`` process; ``stop()`` and ``start()`` keep the port and the mail."""

    def __init__(self, *, tls: bool = False, oauth2_introspection_url: str = ""):
        # Not under pytest's tmp_path: Dovecot's unprivileged processes must enter it.
        self.directory = Path(tempfile.mkdtemp(prefix="helpdesk-imap-"))
        self.directory.chmod(0o755)
        self.port = free_port()
        # With ``tls``: implicit TLS on ``tls_port`` and STARTTLS on ``port``, with a
        # self-signed certificate for 127.0.0.1 (``certificate`` is its file, to trust).
        self.tls_port = free_port() if tls else 0
        self.certificate = self.directory / "cert.pem" if tls else None
        # With ``oauth2_introspection_url``: XOAUTH2 too, each bearer token POSTed there
        # (RFC 7662 introspection) and accepted while it is active for the user it names.
        self.oauth2_introspection_url = oauth2_introspection_url
        self.process: subprocess.Popen | None = None
        self.user = USER
        self.password = PASSWORD

    def _config(self) -> Path:
        if os.geteuid() == 0:
            account = pwd.getpwnam("dovecot") if _exists("dovecot") else pwd.getpwnam("nobody")
            login = "dovenull" if _exists("dovenull") else account.pw_name
            uid, gid, internal = account.pw_uid, account.pw_gid, account.pw_name
        else:
            me = pwd.getpwuid(os.geteuid())
            uid, gid, internal, login = me.pw_uid, me.pw_gid, me.pw_name, me.pw_name
        for sub in ("run", "state", f"home/{self.user}"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        (self.directory / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        if os.geteuid() == 0:
            home = self.directory / "home"
            for path in [home, *home.rglob("*")]:
                os.chown(path, uid, gid)
        ssl = "ssl = no"
        if self.certificate is not None:
            key = self.directory / "key.pem"
            if not self.certificate.exists():
                _self_signed(self.certificate, key)
            ssl = f"ssl = yes\nssl_cert = <{self.certificate}\nssl_key = <{key}"
        oauth2_mechanism = oauth2_passdb = ""
        if self.oauth2_introspection_url:
            oauth2 = self.directory / "dovecot-oauth2.conf.ext"
            oauth2.write_text(OAUTH2_CONFIG.format(url=self.oauth2_introspection_url))
            oauth2_mechanism = " xoauth2"
            oauth2_passdb = OAUTH2_PASSDB.format(config=oauth2)
        config = self.directory / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                oauth2_mechanism=oauth2_mechanism,
                oauth2_passdb=oauth2_passdb,
                directory=self.directory,
                ssl=ssl,
                tls_port=self.tls_port,
                port=self.port,
                uid=uid,
                gid=gid,
                internal_user=internal,
                login_user=login,
            )
        )
        return config

    def start(self) -> DovecotServer:
        config = self._config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "stderr.log").open("ab"),
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                client = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
                client.logout()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(f"dovecot exited: {self.log()}") from None
                if time.monotonic() > deadline:
                    raise AssertionError(f"dovecot did not answer: {self.log()}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        terminate(self.process)
        # Its children (imap, auth) leave with it; wait for the port to be free again.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                imaplib.IMAP4("127.0.0.1", self.port, timeout=1).logout()
            except OSError:
                return
            time.sleep(0.1)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        parts = []
        for name in ("dovecot.log", "stderr.log"):
            path = self.directory / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    # -- the mailbox's side -------------------------------------------------------------

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        client = self.client()
        try:
            status, data = client.append(f'"{folder}"', f"({flags})" if flags else None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def uids(self, folder: str = "INBOX", criteria: str = "ALL") -> list[int]:
        """UIDs of the messages in ``folder`` matching ``criteria`` (e.g. "UNSEEN"); a
        missing folder has none."""
        client = self.client()
        try:
            status, _ = client.select(f'"{folder}"')
            if status != "OK":
                return []
            status, data = client.uid("SEARCH", *criteria.split())
            return [int(uid) for uid in data[0].split()]
        finally:
            client.logout()

    def mark_unseen(self, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.select(f'"{folder}"')
            client.uid("STORE", "1:*", "-FLAGS.SILENT", r"(\Seen)")
        finally:
            client.logout()


def _self_signed(certificate: Path, key_path: Path) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _running(tls: bool, **options):
    if not os.path.exists(DOVECOT):
        from tests.conftest import service_missing

        service_missing("needs Dovecot (/usr/sbin/dovecot, Debian's dovecot-imapd)")
    server = DovecotServer(tls=tls, **options).start()
    yield server
    # Shown by pytest only when the test failed.
    print("----- dovecot log -----")
    print(server.log())
    server.remove()


@pytest.fixture
def imap_server():
    """A private Dovecot, up; stopped and removed after the test."""
    yield from _running(tls=False)


@pytest.fixture
def imap_oauth_server(identity_server):
    """A private Dovecot that also signs in with XOAUTH2, asking ``identity_server``
    whether each bearer token is active for the user."""
    yield from _running(tls=False, oauth2_introspection_url=identity_server.introspection_url)


@pytest.fixture
def imap_tls_server():
    """A private Dovecot offering TLS (port ``tls_port``) and STARTTLS (``port``)."""
    yield from _running(tls=True)
