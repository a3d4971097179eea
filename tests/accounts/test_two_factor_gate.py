"""Between password and code, and before a required authenticator is set up, nothing of the
site answers except that step, sign-out, the health check and static files.

Every URL pattern of the project is tried, read from the URL resolver, so pages added later
are covered without touching this file.
"""

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.factories import PASSWORD, SuperuserFactory, totp_device_for

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/2fa/verify/"
SETUP = "/accounts/2fa/setup/"
ALWAYS_OPEN = {"healthz", "readyz", "brand_css", "favicon"}
OPEN_WHILE_CODE_IS_DUE = {"two_factor_verify", "account_logout", *ALWAYS_OPEN}
OPEN_WHILE_SETUP_IS_DUE = {"two_factor_setup", "account_logout", *ALWAYS_OPEN}

SAMPLE_VALUES = ["1", "x"]
GROUP = re.compile(r"\(\?P<(\w+)>")
# An optional group without a name, e.g. "inbound(_mime)?": the sample leaves it out.
OPTIONAL_GROUP = re.compile(r"\((?!\?)[^()]*\)\?")


def _route_samples(pattern: RoutePattern) -> list[str]:
    route = str(pattern)
    samples = []
    for value_for_strings in SAMPLE_VALUES:

        def sample(match, value=value_for_strings):
            converter = pattern.converters[match.group(2)]
            if isinstance(converter, IntConverter):
                return "1"
            if isinstance(converter, UUIDConverter):
                return str(uuid.UUID(int=1))
            return value

        samples.append(re.sub(r"<(?:(\w+):)?(\w+)>", sample, route))
    return samples


def _group_body_end(regex: str, start: int) -> int:
    depth = 0
    for index in range(start, len(regex)):
        char = regex[index]
        if char == "\\":
            continue
        if char == "(" and regex[index - 1] != "\\":
            depth += 1
        elif char == ")" and regex[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(regex)


def _regex_samples(pattern: RegexPattern) -> list[str]:
    regex = str(pattern.regex.pattern).lstrip("^").rstrip("$").replace(r"\Z", "")
    regex = OPTIONAL_GROUP.sub("", regex)
    samples = []
    for value in SAMPLE_VALUES:
        text = regex
        while (match := GROUP.search(text)) is not None:
            end = _group_body_end(text, match.start())
            body = text[match.end() : end]
            replacement = body.split("|")[0] if "|" in body and "[" not in body else value
            text = text[: match.start()] + replacement + text[end + 1 :]
        samples.append(re.sub(r"\\(.)", r"\1", text).replace("?", ""))
    return samples


def _samples(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return _route_samples(pattern)
    return _regex_samples(pattern)


def every_url() -> list[tuple[str, str]]:
    """(path, name) for one concrete path per URL pattern of the project."""
    found, unbuildable = [], []

    def walk(patterns, prefixes):
        for entry in patterns:
            options = [p + s for p in prefixes for s in _samples(entry.pattern)]
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, options)
                continue
            assert isinstance(entry, URLPattern)
            for option in options:
                path = "/" + option
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if match.func == entry.callback or (
                    getattr(match.func, "__wrapped__", None) is not None
                    and match.url_name == entry.name
                    and match.route.endswith(str(entry.pattern))
                ):
                    found.append((path, entry.name or ""))
                    break
            else:
                unbuildable.append(str(entry.pattern))

    walk(get_resolver().url_patterns, [""])
    assert not unbuildable, f"no sample path for these URL patterns: {unbuildable}"
    return found


def test_the_url_walk_finds_the_whole_site():
    paths = dict(every_url())
    names = set(paths.values())
    for expected in ("home", "profile", "account_login", "two_factor_verify", "admin:index"):
        assert expected.split(":")[-1] in names
    assert any(path.startswith("/admin/accounts/user/") for path in paths)
    assert len(paths) > 60


def _assert_gated(client, step_url: str, open_names: set[str]):
    reached = []
    for path, name in every_url():
        for method in ("get", "post"):
            if name == "account_logout" and method == "post":
                continue  # it would end the session under test
            response = getattr(client, method)(path)
            redirected = response.status_code == 302 and response["Location"].startswith(step_url)
            if name in open_names:
                assert not redirected, f"{method.upper()} {path} should stay open"
            elif not redirected:
                reached.append(f"{method.upper()} {path} → {response.status_code}")
    assert not reached, "reachable before the two-factor step:\n" + "\n".join(reached)


def test_nothing_but_the_code_step_opens_between_password_and_code(acme):
    totp_device_for(acme.tenant_admin)
    client = Client(HTTP_HOST=acme.host)
    signed_in = client.post(
        "/accounts/login/", {"login": acme.tenant_admin.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    _assert_gated(client, VERIFY, OPEN_WHILE_CODE_IS_DUE)
    # The step itself answers, and so does signing out.
    assert client.get(VERIFY).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/app.css").status_code != 302
    client.post("/accounts/logout/")
    assert client.get("/").url == "/accounts/login/"


def test_nothing_but_the_setup_opens_before_a_required_authenticator(acme):
    acme.tenant.require_2fa_for_staff = True
    acme.tenant.save()
    client = Client(HTTP_HOST=acme.host)
    client.post("/accounts/login/", {"login": acme.engineer.email, "password": PASSWORD})
    _assert_gated(client, SETUP, OPEN_WHILE_SETUP_IS_DUE)
    assert client.get(SETUP).status_code == 200


def test_platform_host_is_gated_too(db, settings):
    settings.PLATFORM_2FA_REQUIRED = True
    root = SuperuserFactory(email="root@platform.test")
    totp_device_for(root)
    client = Client(HTTP_HOST="localhost")
    client.post("/accounts/login/", {"login": root.email, "password": PASSWORD})
    for path in ("/admin/", "/admin/accounts/user/", "/", "/accounts/password/change/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(VERIFY), path


def test_htmx_requests_are_sent_to_the_step_as_a_whole_page(acme):
    totp_device_for(acme.customer)
    client = Client(HTTP_HOST=acme.host)
    client.post("/accounts/login/", {"login": acme.customer.email, "password": PASSWORD})
    response = client.get("/profile/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{VERIFY}?next=%2Fprofile%2F"
