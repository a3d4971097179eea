from django import forms
from django.contrib import admin, messages
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.admin import (
    ReadOnlyTenantAdmin,
    TenantScopedAdmin,
    TenantScopedAdminForm,
    TenantScopedInline,
    TenantScopedInlineFormSet,
)
from helpdesk.forms import form_errors_from
from helpdesk.links import tenant_base_url

from . import services, tokens
from .audit import Origin
from .models import (
    ApiToken,
    AuditEvent,
    Domain,
    Invitation,
    Organization,
    OrganizationEmailDomain,
    Role,
    Tenant,
    User,
)
from .two_factor import services as two_factor_services

# Authenticators and backup codes are managed by their owners from the portal, and reset by
# admins with the "Reset two-factor authentication" action; django-otp's own admin pages
# would show every tenant's devices (and backup codes) to anyone allowed in.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Tenant)
class TenantAdmin(TenantScopedAdmin):
    tenant_field = "pk"
    list_display = ["name", "slug", "ticket_prefix", "time_zone", "default_language", "is_active"]
    search_fields = ["name", "slug"]
    inlines = [DomainInline]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk=request.user.tenant_id)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["slug", "ticket_prefix", "is_active", "created_at"]

    def get_list_filter(self, request):
        return []

    def get_exclude(self, request, obj=None):
        return []

    def save_model(self, request, obj, form, change):
        services.tenant_admin_save(
            tenant=obj, actor=request.user, origin=Origin.from_request(request)
        )

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


_MAIL_DOMAIN = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$",
    _("Enter a mail domain such as example.com (without a name or @)."),
)


def mail_domain(value: str) -> str:
    """A domain as stored: lower-case, without a leading @."""
    return value.strip().lower().lstrip("@")


class EmailDomainFormSet(TenantScopedInlineFormSet):
    """A domain belongs to one organization of a tenant: taken by another organization,
    or twice on this one, is an error on the row."""

    def clean(self):
        super().clean()
        organization = self.instance
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            domain = form.cleaned_data.get("domain")
            if not domain:
                continue
            if domain in seen:
                form.add_error("domain", _("This domain is listed twice."))
                continue
            seen.add(domain)
            tenant_id = organization.tenant_id
            if tenant_id is None:
                continue
            other = (
                OrganizationEmailDomain.objects.for_tenant(tenant_id)
                .filter(domain=domain)
                .exclude(organization_id=organization.pk)
                .select_related("organization")
                .first()
            )
            if other is not None:
                form.add_error(
                    "domain",
                    _("%(domain)s already belongs to the organization %(organization)s.")
                    % {"domain": domain, "organization": other.organization.name},
                )


class EmailDomainForm(forms.ModelForm):
    class Meta:
        model = OrganizationEmailDomain
        fields = ["domain"]

    def clean_domain(self):
        domain = mail_domain(self.cleaned_data["domain"])
        _MAIL_DOMAIN(domain)
        return domain


class EmailDomainInline(TenantScopedInline):
    """With the tenant's policy for unknown senders, an email from an address at one of
    these domains opens a ticket for the organization."""

    model = OrganizationEmailDomain
    form = EmailDomainForm
    formset = EmailDomainFormSet
    verbose_name = _("email domain")
    verbose_name_plural = _("email domains (emails from unknown senders at them open tickets)")


@admin.register(Organization)
class OrganizationAdmin(TenantScopedAdmin):
    list_display = ["name", "plan", "is_active", "created_at"]
    list_select_related = ["plan"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EmailDomainInline]


class UserAdminForm(TenantScopedAdminForm):
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text=_(
            "Leave empty to keep the current password (new people can use “Forgot your password?”)."
        ),
    )

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "tenant",
            "role",
            "tier",
            "organization",
            "time_zone",
            "language",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields and self.admin_tenant_id is not None:
            self.fields["role"].choices = [
                choice for choice in Role.choices if choice[0] != Role.PLATFORM
            ]

    def clean(self):
        cleaned = super().clean()
        tenant = cleaned.get("tenant")
        if tenant is None and self.admin_tenant_id is not None:
            tenant = Tenant.objects.get(pk=self.admin_tenant_id)
        errors = services.user_membership_errors(
            tenant=tenant,
            role=cleaned.get("role", ""),
            organization=cleaned.get("organization"),
            tier=cleaned.get("tier", ""),
        )
        if errors:
            form_errors_from(self, ValidationError(errors))
        password = cleaned.get("password1")
        if password:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@admin.register(User)
class UserAdmin(TenantScopedAdmin):
    form = UserAdminForm
    list_display = [
        "email",
        "full_name",
        "role",
        "tier",
        "organization",
        "is_active",
        "two_factor_enabled",
        "last_login",
    ]
    list_filter = ["role", "tier", "language", "is_active", "two_factor_enabled"]
    list_select_related = ["organization"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "two_factor_enabled"]
    actions = ["reset_two_factor"]

    def get_fields(self, request, obj=None):
        fields = list(UserAdminForm.Meta.fields) + [
            "password1",
            "two_factor_enabled",
            "last_login",
            "date_joined",
        ]
        if request.user.is_superuser:
            fields.append("is_superuser")
        else:
            fields.remove("tenant")
        return fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.is_superuser:
            qs = qs.exclude(role=Role.PLATFORM)
        return qs

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.tenant_id = request.user.tenant_id
            obj.is_superuser = False
        services.user_admin_save(
            user=obj,
            password=form.cleaned_data.get("password1"),
            actor=request.user,
            origin=Origin.from_request(request),
        )

    @admin.action(description=_("Reset two-factor authentication (lost phone)"))
    def reset_two_factor(self, request, queryset):
        origin = Origin.from_request(request)
        done = []
        for person in queryset.filter(two_factor_enabled=True):
            try:
                two_factor_services.two_factor_reset(
                    actor=request.user,
                    tenant=person.tenant,
                    user=person,
                    origin=origin,
                    base_url=tenant_base_url(tenant=person.tenant),
                )
            except PermissionDenied as error:
                self.message_user(
                    request,
                    gettext("%(person)s: %(error)s") % {"person": person, "error": error},
                    messages.ERROR,
                )
            else:
                done.append(person.email)
        if done:
            self.message_user(
                request,
                gettext("Two-factor authentication was reset for %(people)s; they were emailed.")
                % {"people": ", ".join(done)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("Nobody selected had two-factor authentication on."))


@admin.register(Invitation)
class InvitationAdmin(TenantScopedAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organization"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "invited_by"]

    def has_add_permission(self, request):
        # Invitations are sent by organization admins from the portal, which emails the link.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(TenantScopedAdmin):
    """The security audit log, read-only: rows are written by the services that act."""

    list_display = ["created_at", "kind", "email", "actor", "ip_address", "user_agent_short"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    search_fields = ["email", "ip_address"]
    date_hierarchy = "created_at"

    @admin.display(description=_("Browser"))
    def user_agent_short(self, obj):
        return obj.user_agent[:60]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_TOKEN_FIELDS = ["name", "prefix", "user", "can_write", "created_at", "last_used_at", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyTenantAdmin):
    """People's API tokens, to see who holds which and revoke one. Tokens are made by their
    owners on the profile page; the hash is never shown."""

    list_display = [*_TOKEN_FIELDS, "status_display"]
    list_select_related = ["user"]
    list_filter = ["can_write"]
    search_fields = ["name", "prefix", "user__email"]
    detail_fields = [*_TOKEN_FIELDS, "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("Status"))
    def status_display(self, obj):
        return obj.get_status_display()

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        count = tokens.api_tokens_revoke_by_admin(
            actor=request.user, tokens=queryset, origin=Origin.from_request(request)
        )
        self.message_user(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
