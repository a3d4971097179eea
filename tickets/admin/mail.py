"""Support mailboxes and the inbox of received emails in admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from kombu.exceptions import KombuError

from helpdesk.admin import (
    MissingObjectIs404,
    ReadOnlyTenantAdmin,
    TenantScopedAdmin,
    TenantScopedAdminForm,
)

from ..intake.oauth import oauth_token_forget
from ..intake.store import inbound_retry
from ..models import (
    InboundEmail,
    Mailbox,
)


def _secret_field(label, help_text, *, strip=True) -> forms.CharField:
    # Never rendered back: the page shows an empty field whatever is stored.
    return forms.CharField(
        label=label,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
        required=False,
        strip=strip,
        help_text=help_text,
    )


class MailboxForm(TenantScopedAdminForm):
    password = _secret_field(
        _("IMAP password"),
        _(
            "Leave empty to keep the current password. Stored encrypted; for Google "
            "Workspace or Gmail, an app password."
        ),
        strip=False,
    )
    client_secret = _secret_field(
        _("client secret"),
        _("The secret's value (not its ID). Leave empty to keep the current one."),
    )
    refresh_token = _secret_field(
        _("refresh token"),
        _(
            "Only for providers that sign in a user (Google); Microsoft 365 needs none. "
            "Leave empty to keep the current one."
        ),
    )

    class Meta:
        model = Mailbox
        fields = [
            "tenant",
            "address",
            "name",
            "is_active",
            "transport",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_user",
            "imap_authentication",
            "imap_folder",
            "imap_after_fetch",
            "imap_move_to",
            "oauth_token_url",
            "oauth_client_id",
            "oauth_scope",
            "default_ticket_type",
            "default_priority",
            "note_marker",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Forms that do not name it (older scripts) keep signing in with the password.
        self.fields["imap_authentication"].required = False

    def clean_imap_authentication(self):
        return self.cleaned_data.get("imap_authentication") or Mailbox.Authentication.PASSWORD

    def clean(self):
        cleaned = super().clean()
        ticket_type = cleaned.get("default_ticket_type")
        tenant_id = self.edited_tenant_id()
        if ticket_type is not None and tenant_id and ticket_type.tenant_id != tenant_id:
            self.add_error("default_ticket_type", _("Choose a type of the same help desk."))
        if cleaned.get("transport") == Mailbox.Transport.IMAP:
            for name in ("imap_host", "imap_user"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed to fetch mail over IMAP."))
            if cleaned.get("imap_authentication") == Mailbox.Authentication.OAUTH:
                self._clean_oauth(cleaned)
            elif not cleaned.get("password") and not self.instance.imap_password_encrypted:
                self.add_error("password", _("Needed to fetch mail over IMAP."))
        if cleaned.get("imap_after_fetch") == Mailbox.AfterFetch.MOVE and not cleaned.get(
            "imap_move_to"
        ):
            self.add_error("imap_move_to", _("Name the folder to move fetched mail to."))
        return cleaned

    def _clean_oauth(self, cleaned) -> None:
        needed = _("Needed to sign in with OAuth 2.0.")
        url = cleaned.get("oauth_token_url")
        if not url:
            if "oauth_token_url" not in self.errors:
                self.add_error("oauth_token_url", needed)
        elif not _is_https_url(url):
            self.add_error(
                "oauth_token_url",
                _("The token URL must start with https:// (the client secret is sent to it)."),
            )
        if not cleaned.get("oauth_client_id"):
            self.add_error("oauth_client_id", needed)
        if not cleaned.get("client_secret") and not self.instance.oauth_client_secret_encrypted:
            self.add_error("client_secret", needed)


def _is_https_url(url: str) -> bool:
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        return False
    return True


@admin.register(Mailbox)
class MailboxAdmin(MissingObjectIs404, TenantScopedAdmin):
    """A tenant's support addresses and how their mail arrives."""

    form = MailboxForm
    list_display = ["address", "transport", "is_active", "last_fetch_at", "fetch_problem"]
    actions = ["fetch_now"]
    list_filter = ["transport", "is_active"]
    search_fields = ["address", "name"]
    readonly_fields = ["last_fetch_at", "last_fetch_error"]
    fieldsets = [
        (None, {"fields": ["tenant", "address", "name", "is_active", "transport"]}),
        (
            _("IMAP"),
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_user",
                    "imap_authentication",
                    "password",
                    "imap_folder",
                    "imap_after_fetch",
                    "imap_move_to",
                    "last_fetch_at",
                    "last_fetch_error",
                ],
                "description": _(
                    "Only for mail fetched from an IMAP server. Mail handed over by a mail "
                    "server or a provider webhook needs none of this."
                ),
            },
        ),
        (
            _("OAuth 2.0"),
            {
                "fields": [
                    "oauth_token_url",
                    "oauth_client_id",
                    "client_secret",
                    "oauth_scope",
                    "refresh_token",
                ],
                "description": _(
                    "Only when the IMAP sign-in is OAuth 2.0 (Microsoft 365 accepts nothing "
                    "else). The app's access token signs in as the IMAP user; see the README "
                    "for the app registration."
                ),
            },
        ),
        (
            _("New tickets and replies"),
            {"fields": ["default_ticket_type", "default_priority", "note_marker"]},
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._is_platform(request):
            return fieldsets
        first = dict(fieldsets[0][1])
        first["fields"] = [name for name in first["fields"] if name != "tenant"]
        return [(fieldsets[0][0], first), *fieldsets[1:]]

    @admin.action(description=_("Fetch new mail now"), permissions=["change"])
    def fetch_now(self, request, queryset):
        # The task module reaches the intake at call time; so does this edge.
        from ..tasks import fetch_mailbox

        ids = list(
            queryset.filter(transport=Mailbox.Transport.IMAP, is_active=True).values_list(
                "pk", flat=True
            )
        )
        try:
            for mailbox_id in ids:
                fetch_mailbox.delay(mailbox_id)
        except (OSError, KombuError):
            self.message_user(
                request,
                _("The fetch could not be queued now; the every-minute fetch will take the mail."),
                messages.WARNING,
            )
            return
        if ids:
            message = ngettext(
                "A fetch of %(count)d mailbox is queued; its result shows as last fetched.",
                "A fetch of %(count)d mailboxes is queued; their results show as last fetched.",
                len(ids),
            )
            self.message_user(request, message % {"count": len(ids)}, messages.SUCCESS)
        else:
            self.message_user(request, _("Only active IMAP mailboxes are fetched."), messages.INFO)

    @admin.display(description=_("Last fetch error"))
    def fetch_problem(self, obj):
        return Truncator(obj.last_fetch_error).chars(80)

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("password")
        if password:
            obj.set_imap_password(password)
        for name, store in (
            ("client_secret", obj.set_oauth_client_secret),
            ("refresh_token", obj.set_oauth_refresh_token),
        ):
            if form.cleaned_data.get(name):
                store(form.cleaned_data[name])
        super().save_model(request, obj, form, change)
        # New credentials (or none any more): the next fetch asks for a new token.
        oauth_token_forget(obj)


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyTenantAdmin):
    """Every email received, read-only: what was done with it, its error, its headers and
    its original; failed ones can be processed again."""

    list_display = ["received_at", "from_address", "subject", "mailbox", "state", "outcome"]
    list_filter = ["state", ("mailbox", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["mailbox"]
    search_fields = ["subject", "from_address", "message_id"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    actions = ["process_again"]
    detail_fields = [
        "received_at",
        "mailbox",
        "source",
        "from_address",
        "subject",
        "message_id",
        "size",
        "state",
        "outcome",
        "ticket",
        "error",
        "attempts",
        "processed_at",
        "original",
        "headers",
    ]

    def get_urls(self):
        download = path(
            "<path:object_id>/original/",
            self.admin_site.admin_view(self.original_view),
            name="tickets_inboundemail_original",
        )
        return [download, *super().get_urls()]

    def original_view(self, request, object_id):
        inbound = self.get_object(request, object_id)
        if inbound is None or not self.has_view_permission(request, inbound):
            raise Http404(_("There is no such received email."))
        response = FileResponse(
            inbound.raw.open("rb"),
            as_attachment=True,
            filename=f"received-email-{inbound.pk}.eml",
            content_type="message/rfc822",
        )
        return response

    @admin.display(description=_("Original"))
    def original(self, obj):
        url = reverse("admin:tickets_inboundemail_original", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download original"))

    @admin.display(description=_("Headers"))
    def headers(self, obj):
        try:
            with obj.raw.open("rb") as raw:
                head = raw.read(64 * 1024).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        except OSError:
            return _("The original cannot be read from storage.")
        return format_html("<pre>{}</pre>", head.decode("utf-8", errors="replace"))

    @admin.action(description=_("Process again"), permissions=["view"])
    def process_again(self, request, queryset):
        retried = inbound_retry(emails=queryset)
        if retried:
            message = ngettext(
                "%(count)d email is queued to be processed again.",
                "%(count)d emails are queued to be processed again.",
                retried,
            )
            self.message_user(request, message % {"count": retried}, messages.SUCCESS)
        else:
            self.message_user(
                request, _("Only emails that failed can be processed again."), messages.INFO
            )
