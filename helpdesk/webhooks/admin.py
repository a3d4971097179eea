"""Admin of webhooks: tenant admins manage their tenant's endpoints and read the delivery
log; platform superusers see every tenant's."""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin import (
    MissingObjectIs404,
    ReadOnlyTenantAdmin,
    TenantScopedAdmin,
    TenantScopedAdminForm,
)
from ..models import Webhook, WebhookDelivery, WebhookEvent
from ..secrets import SecretUnreadable
from .delivery import webhook_redeliver, webhook_secret_rotate
from .transport import UnsafeDestination, destination_check


class WebhookAdminForm(TenantScopedAdminForm):
    unique_per_tenant = ("name",)

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=Webhook._meta.get_field("url").help_text,
    )

    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What the help desk tells this URL about."),
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            destination_check(url)
        except UnsafeDestination as error:
            raise forms.ValidationError(str(error)) from error
        return url

    def clean(self):
        cleaned = super().clean()
        self.check_unique_per_tenant()
        return cleaned


@admin.register(Webhook)
class WebhookAdmin(MissingObjectIs404, TenantScopedAdmin):
    """A tenant's webhooks: where events are POSTed, which ones, and the signing secret the
    receiver checks them with (shown so the admin can copy it into the receiver)."""

    form = WebhookAdminForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["signing_secret", "created_at"]
    actions = ["rotate_secret"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "is_active", "signing_secret", "created_at"]
        if self._is_platform(request):
            fields.insert(0, "tenant")
        return fields

    @admin.display(description=_("Events"))
    def event_list(self, obj):
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(event, event)) for event in obj.events or ())

    @admin.display(description=_("Signing secret"))
    def signing_secret(self, obj):
        if obj is None or not obj.pk:
            return _("Made when the webhook is saved.")
        try:
            return format_html("<code>{}</code>", obj.secret)
        except SecretUnreadable:
            return _("Unreadable with the configured keys: rotate the secret.")

    @admin.action(description=_("Rotate the signing secret of the selected webhooks"))
    def rotate_secret(self, request, queryset):
        webhooks = list(queryset.order_by("pk"))
        for webhook in webhooks:
            webhook_secret_rotate(webhook=webhook)
        message = ngettext(
            "%(count)d webhook has a new signing secret: copy it into its receiver.",
            "%(count)d webhooks have new signing secrets: copy them into their receivers.",
            len(webhooks),
        )
        self.message_user(request, message % {"count": len(webhooks)}, messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyTenantAdmin):
    """The delivery log: every event sent to a webhook, its attempts and the last answer,
    with a redeliver action."""

    list_display = [
        "event",
        "webhook",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
        "error_short",
    ]
    list_filter = ["status", "event"]
    list_select_related = ["webhook", "tenant"]
    search_fields = ["event_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["redeliver"]
    detail_fields = [
        "webhook",
        "event",
        "event_id",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "retry_until",
        "delivered_at",
        "last_status_code",
        "last_error",
        "last_response",
        "payload_shown",
    ]

    @admin.display(description=_("Last error"))
    def error_short(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.display(description=_("Payload"))
    def payload_shown(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    @admin.action(description=_("Redeliver the selected deliveries"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = webhook_redeliver(deliveries=queryset)
        if count:
            message = ngettext(
                "%(count)d delivery will be sent again now, with the same event id.",
                "%(count)d deliveries will be sent again now, with the same event ids.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Pending deliveries are already being tried; nothing else to send."),
                messages.INFO,
            )

    def has_redeliver_permission(self, request):
        return self._allowed(request, None)
