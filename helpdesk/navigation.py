"""The main navigation of every signed-in page (and of visitors' pages), written in Python.

Through the template engine the navigation cost about a millisecond of every page: some
25 URL reverses, many look-ups of the current page and a translation per link. Here it is
one string in the same markup, byte for byte, every value escaped as the templates escaped
it and with the same translations (the same messages, so the catalogues are shared). The
addresses that take nothing from the request are reversed once per process, for each
script prefix and URL configuration. ``includes/language_switch.html`` remains for the
pages that include it (the admin, the sign-in pages); the switch here writes its markup.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext, pgettext

from knowledge_base.selectors import public_articles_exist

# (script prefix, URL configuration) → {name: the escaped address, or None when the
# configuration has no such page}.
_URLS: dict[tuple[str, str], dict[str, str | None]] = {}
# Language code → its name in that language, as the switch shows it.
_LANGUAGE_NAMES: dict[str, str] = {}
# Addresses the navigation leaves out when the URL configuration lacks them.
_OPTIONAL = frozenset({"incidents:list", "status:page"})
_ARGS = {"tickets:queue": ("open",)}


def _url(name: str) -> str | None:
    """The escaped address of a page; raises NoReverseMatch as ``{% url %}`` does, except
    for the optional pages (None)."""
    key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    urls = _URLS.get(key)
    if urls is None:
        urls = _URLS[key] = {}
    try:
        return urls[name]
    except KeyError:
        pass
    try:
        url = conditional_escape(reverse(name, args=_ARGS.get(name)))
    except NoReverseMatch:
        if name not in _OPTIONAL:
            raise
        url = None
    urls[name] = url
    return url


def _language_name(code: str) -> str:
    name = _LANGUAGE_NAMES.get(code)
    if name is None:
        name = _LANGUAGE_NAMES[code] = conditional_escape(
            capfirst(get_language_info(code)["name_local"])
        )
    return name


def _current(yes: bool) -> str:
    return 'aria-current="page"' if yes else ""


def _link(url: str, current: bool, text: str) -> str:
    return f'<li><a href="{url}" {_current(current)}>{conditional_escape(text)}</a></li>'


def csrf_input(token: str) -> str:
    """What ``{% csrf_token %}`` writes."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'


def language_switch_html(*, request, languages, csrf: str) -> str:
    """What ``includes/language_switch.html`` writes without ``switch_class``."""
    current = get_language()
    label = conditional_escape(gettext("Language"))
    buttons = "".join(
        f'\n    <button type="submit" name="language" value="{conditional_escape(code)}" '
        f'lang="{conditional_escape(code)}" class="language-option" '
        f'aria-pressed="{"true" if code == current else "false"}">'
        f"{_language_name(code)}</button>\n    "
        for code, _name in languages
    )
    return (
        f'<form method="post" action="{_url("language_switch")}" class="language-switch">\n'
        f"  {csrf}\n"
        f'  <input type="hidden" name="next" value="{conditional_escape(request.path)}">\n'
        f'  <div class="language-options" role="group" '
        f'aria-label="{label}">\n'
        '    <svg class="language-icon" aria-hidden="true" focusable="false" '
        'viewBox="0 0 24 24" width="16" height="16"><circle cx="12" cy="12" r="9.25" '
        'fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M2.75 12h18.5M12 '
        "2.75c2.6 2.5 3.9 5.6 3.9 9.25S14.6 18.75 12 21.25M12 2.75C9.4 5.25 8.1 8.35 8.1 "
        '12s1.3 6.75 3.9 9.25" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>\n'
        f"    {buttons}\n"
        "  </div>\n"
        "</form>\n"
    )


def _item(url: str, current: bool, text: str) -> str:
    """A link that an ``{% if %}`` block of its own writes, on a line of its own."""
    return f"\n    {_link(url, current, text)}\n    "


def _signed_in(*, user, tenant, url_name, app_name, csrf, switch) -> str:
    # The page's full name: the knowledge base's own home is "kb:home", not "home".
    here = f"{app_name}:{url_name}" if app_name else url_name
    parts = [
        '\n  <ul class="nav-links">\n    ',
        _link(_url("home"), here == "home", gettext("Home")),
        "\n    ",
    ]
    if user.is_agent:
        text = gettext("Queues")
        current = here in ("tickets:queue", "tickets:queue_type")
        parts.append(_item(_url("tickets:queue"), current, text))
    elif user.is_customer:
        text = gettext("My tickets")
        parts.append(_item(_url("tickets:list"), here == "tickets:list", text))
    parts.append("\n    ")
    if user.is_agent and tenant and (incidents := _url("incidents:list")):
        parts.append(_item(incidents, app_name == "incidents", gettext("Incidents")))
    parts.append("\n    ")
    if user.is_manager and tenant:
        text = gettext("SLA reports")
        parts.append(_item(_url("reports:sla"), app_name == "reports", text))
    elif user.is_org_admin:
        text = gettext("SLA statement")
        parts.append(_item(_url("reports:statement"), app_name == "reports", text))
    parts.append("\n    ")
    parts.append(_link(_url("kb:home"), app_name == "kb", gettext("Knowledge base")))
    parts.append("\n    ")
    if tenant and (status := _url("status:page")):
        parts.append(_link(status, app_name == "status", gettext("System status")))
    parts.append("\n    ")
    if user.is_org_admin:
        parts.append(_item(_url("members"), here == "members", gettext("Members")))
    parts.append("\n    ")
    if user.is_tenant_admin and tenant:
        current = here in ("security_people", "security_audit_log")
        parts.append(_item(_url("security_people"), current, gettext("Security")))
    parts.append("\n    ")
    if user.is_staff:
        text = conditional_escape(gettext("Administration"))
        parts.append(f'\n    <li><a href="{_url("admin:index")}">{text}</a></li>\n    ')
    parts.append('\n  </ul>\n  <div class="nav-bottom">\n    ')
    new_ticket = None
    if user.is_customer and user.organization_id:
        new_ticket = (_url("tickets:new"), here == "tickets:new", gettext("New ticket"))
    elif user.is_agent and tenant:
        text = gettext("New ticket for a customer")
        current = here == "tickets:new_for_customer"
        new_ticket = (_url("tickets:new_for_customer"), current, text)
    if new_ticket is not None:
        url, current, text = new_ticket
        parts.append(
            f'\n    <a class="button button-primary button-block nav-new" href="{url}" '
            f'{_current(current)}><span aria-hidden="true">+</span> '
            f"{conditional_escape(text)}</a>\n    "
        )
    name = user.full_name or user.email
    sign_out = conditional_escape(gettext("Sign out"))
    parts.append(
        f'\n    <a class="nav-user" href="{_url("profile")}" '
        f"{_current(here == 'profile')}>\n"
        f'      <span class="avatar" aria-hidden="true">{conditional_escape(name[:1].upper())}'
        "</span>\n"
        f'      <span class="nav-user-text"><span class="nav-user-name">{conditional_escape(name)}'
        f'</span><span class="nav-user-role">{conditional_escape(user.role_label)}</span></span>\n'
        f"    </a>\n"
        f"    {switch}\n"
        f'    <form method="post" action="{_url("account_logout")}" class="nav-signout">\n'
        f"      {csrf}\n"
        f'      <button type="submit" class="button button-ghost">{sign_out}</button>\n'
        "    </form>\n"
        "  </div>\n  "
    )
    return "".join(parts)


def _visitor(*, tenant, request, app_name, switch) -> str:
    request_tenant = getattr(request, "tenant", None)
    kb_open = request_tenant is not None and public_articles_exist(tenant=request_tenant)
    status = _url("status:page") if tenant else None
    parts = []
    if kb_open or status:
        parts.append('\n  <ul class="nav-links">\n    ')
        if kb_open:
            parts.append(_link(_url("kb:home"), app_name == "kb", gettext("Knowledge base")))
        parts.append("\n    ")
        if status:
            parts.append(_link(status, app_name == "status", gettext("System status")))
        parts.append("\n  </ul>\n  ")
    parts.append(f'\n  <div class="nav-bottom">{switch}</div>\n  ')
    return "".join(parts)


def main_nav_html(*, request, user, tenant, languages) -> SafeString:
    """The ``<nav>`` of ``base.html`` for ``request`` (with the line break that follows)."""
    match = getattr(request, "resolver_match", None)
    url_name = getattr(match, "url_name", None)
    app_name = getattr(match, "app_name", None)
    csrf = csrf_input(get_token(request))
    switch = language_switch_html(request=request, languages=languages, csrf=csrf)
    if tenant:
        badge, brand = conditional_escape(tenant.logo_text), conditional_escape(tenant.portal_title)
    else:
        badge, brand = "HD", conditional_escape(gettext("Help desk"))
    if getattr(user, "is_authenticated", False):
        body = _signed_in(
            user=user,
            tenant=tenant,
            url_name=url_name,
            app_name=app_name,
            csrf=csrf,
            switch=switch,
        )
    else:
        body = _visitor(tenant=tenant, request=request, app_name=app_name, switch=switch)
    label = conditional_escape(pgettext("navigation", "Main"))
    html = (
        f'<nav class="nav" aria-label="{label}">\n'
        f'  <a class="nav-brand" href="{_url("home")}">\n'
        f'    <span class="logo-badge" aria-hidden="true">{badge}</span>\n'
        f'    <span class="nav-brand-name">{brand}</span>\n'
        f"  </a>\n  {body}\n</nav>\n"
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above
