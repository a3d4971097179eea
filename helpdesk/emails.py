"""Templated emails, queued through the outbox."""

from django.template import engines
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string

from .languages import language_of
from .services import email_queue


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template (an email's subject or text part): nothing is HTML-escaped,
    since nothing reads it as HTML."""
    return engines["text"].get_template(template_name).render(context)


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    subject = render_text(f"{template_prefix}_subject.txt", context)
    subject = " ".join(subject.splitlines()).strip()
    text = render_text(f"{template_prefix}_message.txt", context).strip()
    try:
        html = render_to_string(f"{template_prefix}_message.html", context).strip()
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


def send_templated_email(
    *,
    tenant,
    to: list[str],
    template: str,
    context: dict,
    dedupe_key: str | None = None,
    sensitive: bool = False,
    recipient=None,
):
    """``sensitive``: the email carries a link or code that opens an account (see
    :func:`helpdesk.services.email_queue`). The email is written in ``recipient``'s
    language (the person's account; None: the tenant's default)."""
    context = {"tenant": tenant, **context}
    with language_of(recipient, tenant):
        rendered = render_email(template, context)
    email = tenant_email(tenant=tenant, to=to, rendered=rendered)
    return email_queue(**email, dedupe_key=dedupe_key, sensitive=sensitive)


def tenant_email(*, tenant, to: list[str], rendered: tuple[str, str, str]) -> dict:
    """:func:`email_queue`'s arguments for a rendered email: the tenant's portal title
    before the subject and its sender address (the platform's without a tenant)."""
    subject, text, html = rendered
    if tenant is not None:
        subject = f"[{tenant.portal_title}] {subject}"
    return {
        "tenant": tenant,
        "to": to,
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": tenant.from_email if tenant else None,
    }
