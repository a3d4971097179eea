"""Email as a channel: the tenant's support mailboxes and the inbox of messages received.

Every message is stored first (its raw bytes through Django's storage, one row per tenant
and Message-ID), then processed by an idempotent task that calls the ticket services. A
message that failed stays in the inbox with its error until an admin retries it.
"""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.priorities import Priority
from helpdesk.secrets import secret_decrypt, secret_encrypt
from helpdesk.tenancy import TenantOwnedModel


class Mailbox(TenantOwnedModel):
    """An address customers write to. Mail reaches it by IMAP (fetched every minute) or is
    handed over by a mail server (``manage.py email_ingest``) or a provider's inbound
    webhook."""

    class Transport(models.TextChoices):
        IMAP = "imap", _("Fetched from an IMAP server")
        PUSH = "push", _("Handed over by a mail server or a provider webhook")

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        NONE = "none", _("None (only on a private network)")

    class AfterFetch(models.TextChoices):
        SEEN = "seen", _("Mark as read")
        MOVE = "move", _("Move to another folder")

    class Authentication(models.TextChoices):
        PASSWORD = "password", _("Password")
        OAUTH = "oauth", _("OAuth 2.0 (Microsoft 365 / Google)")

    address = models.EmailField(
        _("address"),
        unique=True,
        help_text=_("Customers write here, e.g. support@example.com."),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    transport = models.CharField(
        _("how mail arrives"), max_length=10, choices=Transport.choices, default=Transport.IMAP
    )
    imap_host = models.CharField(_("IMAP server"), max_length=253, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("connection security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=254, blank=True)
    imap_password_encrypted = models.TextField(blank=True, editable=False)
    imap_authentication = models.CharField(
        _("sign-in"),
        max_length=10,
        choices=Authentication.choices,
        default=Authentication.PASSWORD,
    )
    # OAuth 2.0: an access token from the token URL signs in with XOAUTH2 (Exchange Online
    # accepts nothing else over IMAP). Client credentials, or a refresh token (Google).
    oauth_token_url = models.CharField(
        _("token URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "For Microsoft 365: https://login.microsoftonline.com/<directory id>/oauth2/v2.0/"
            "token (the directory (tenant) ID of the app registration). For Google: "
            "https://oauth2.googleapis.com/token."
        ),
    )
    oauth_client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    oauth_client_secret_encrypted = models.TextField(blank=True, editable=False)
    oauth_scope = models.CharField(
        _("scope"),
        max_length=500,
        blank=True,
        default="https://outlook.office365.com/.default",
        help_text=_(
            "For Microsoft 365: https://outlook.office365.com/.default. For Google with a "
            "refresh token: https://mail.google.com/."
        ),
    )
    oauth_refresh_token_encrypted = models.TextField(blank=True, editable=False)
    imap_folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    imap_after_fetch = models.CharField(
        _("after fetching"), max_length=10, choices=AfterFetch.choices, default=AfterFetch.SEEN
    )
    imap_move_to = models.CharField(
        _("move to folder"), max_length=200, blank=True, default="Processed"
    )
    # Where the last fetch stopped: UIDs are only meaningful within one UIDVALIDITY.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    last_fetch_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_fetch_error = models.TextField(_("last fetch error"), blank=True, editable=False)

    default_ticket_type = models.ForeignKey(
        "tickets.TicketType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type of new tickets"),
        help_text=_("Engineers can change it on the ticket."),
    )
    default_priority = models.CharField(
        _("priority of new tickets"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    note_marker = models.CharField(
        _("internal note marker"),
        max_length=20,
        default="#note",
        help_text=_(
            "An engineer's emailed reply whose first line is this becomes an internal note."
        ),
    )

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self):
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)

    def set_imap_password(self, password: str) -> None:
        self.imap_password_encrypted = secret_encrypt(password)

    def imap_password(self) -> str:
        return secret_decrypt(self.imap_password_encrypted)

    def set_oauth_client_secret(self, secret: str) -> None:
        self.oauth_client_secret_encrypted = secret_encrypt(secret)

    def oauth_client_secret(self) -> str:
        return secret_decrypt(self.oauth_client_secret_encrypted)

    def set_oauth_refresh_token(self, token: str) -> None:
        self.oauth_refresh_token_encrypted = secret_encrypt(token)

    def oauth_refresh_token(self) -> str:
        return secret_decrypt(self.oauth_refresh_token_encrypted)

    @property
    def uses_oauth(self) -> bool:
        return self.imap_authentication == self.Authentication.OAUTH

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0]

    @property
    def domain(self) -> str:
        return self.address.partition("@")[2]


def inbound_key(instance, filename) -> str:
    """The raw message's object key: its tenant and a digest of its bytes, so storing the
    same message again writes the same object."""
    return f"inbound/{instance.tenant_id}/{filename}"


def message_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class InboundEmail(TenantOwnedModel):
    """One message received by a mailbox, stored before anything is done with it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Processed")
        IGNORED = "ignored", _("Ignored")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP")
        PIPE = "pipe", _("Mail server")
        WEBHOOK = "webhook", _("Provider webhook")
        ADMIN = "admin", _("Uploaded")

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="messages", verbose_name=_("mailbox")
    )
    message_id = models.CharField(_("Message-ID"), max_length=255)
    raw = models.FileField(_("raw"), upload_to=inbound_key, max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # What processing did, for people: "New ticket IVC-1042", "Ignored: auto-reply".
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A processing task is queued (or running) until then; the re-drive leaves the row.
    claimed_until = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # An automatic answer went to the sender (portal pointer, refused files): auto-replies
    # to one address are limited per day.
    auto_replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "message_id"], name="inbound_email_once_per_tenant"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="inbound_pending_due",
            ),
            models.Index(fields=["tenant", "-received_at"], name="inbound_tenant_received"),
            models.Index(
                fields=["tenant", "from_address", "auto_replied_at"],
                condition=Q(auto_replied_at__isnull=False),
                name="inbound_auto_replied",
            ),
        ]

    def __str__(self):
        return f"{self.subject or self.message_id} ({self.get_state_display()})"
