import os

import pytest

from ..conftest import chromium_path, service_missing

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (fixtures, assertions on the database) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session", autouse=True)
def _need_chromium():
    if chromium_path() is None:
        service_missing("browser tests need Debian's chromium (apt-get install chromium)")


@pytest.fixture
def portal(live_server, settings):
    """The URL of a tenant's portal on the live server: ``portal("acme") + "/accounts/login/"``.

    Links in emails are built from the configured scheme and port, as in a deployment where
    they are those the portal is served on; here that is the live server's."""
    port = live_server.url.rsplit(":", 1)[1]
    settings.SITE_SCHEME = "http"
    settings.SITE_PORT = port

    def url(slug: str | None = None) -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{port}"

    return url
