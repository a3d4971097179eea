from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import BouncedAddress, OutboxEmail
from .services import outbox_resend


def _is_platform(user) -> bool:
    return user.is_superuser


def _is_tenant_admin(user) -> bool:
    return user.is_active and user.is_tenant_admin and user.tenant_id is not None


class TenantScopedAdminForm(forms.ModelForm):
    """The admin form of a tenant-owned model: it knows the tenant being edited.

    ``admin_tenant_id`` is the tenant admin's own tenant, set by :class:`TenantScopedAdmin`
    (None for platform superusers, who pick the tenant in the form). The tenant field is
    hidden from tenant admins, so names unique per tenant (``unique_per_tenant``) are
    checked here, as form errors rather than database errors.
    """

    admin_tenant_id: int | None = None
    unique_per_tenant: tuple[str, ...] = ()

    def edited_tenant_id(self) -> int | None:
        if self.admin_tenant_id is not None:
            return self.admin_tenant_id
        tenant = self.cleaned_data.get("tenant")
        return tenant.pk if tenant else self.instance.tenant_id

    def check_unique_per_tenant(self) -> None:
        tenant_id = self.edited_tenant_id()
        if tenant_id is None:
            return
        model = self._meta.model
        for name in self.unique_per_tenant:
            value = self.cleaned_data.get(name)
            if not value:
                continue
            clash = (
                model.objects.for_tenant(tenant_id)
                .filter(**{name: value})
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if clash:
                label = model._meta.get_field(name).verbose_name
                message = _("Another %(model)s has this %(field)s.") % {
                    "model": model._meta.verbose_name,
                    "field": label,
                }
                self.add_error(name, message)


class TenantScopedInlineFormSet(forms.BaseInlineFormSet):
    """Rows that belong to their parent's tenant: :meth:`TenantScopedAdmin.save_formset`
    copies the parent's tenant onto them, and choices are narrowed to that tenant."""

    def narrow_choices(self, form, name: str, queryset) -> None:
        """Limit a choice field to ``queryset``, whose options are read once per formset
        rather than once per row (validation still checks against the queryset)."""
        field = form.fields[name]
        field.queryset = queryset
        cache = self.__dict__.setdefault("_choices", {})
        if name not in cache:
            cache[name] = list(field.choices)
        field.choices = cache[name]

    def before_rows_saved(self) -> None:
        """Called once the deleted rows are gone and before the kept rows are written."""


class TenantScopedInline(admin.TabularInline):
    """Rows that belong to their parent's tenant; the parent admin decides who may see the
    parent, and the rows follow it (their tenant is copied from it on save)."""

    formset = TenantScopedInlineFormSet
    extra = 0
    exclude = ["tenant"]

    def _may(self, request) -> bool:
        return _is_platform(request.user) or _is_tenant_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)


class TenantScopedAdmin(admin.ModelAdmin):
    """The one base for admin of tenant-owned models.

    Superusers see every tenant. A tenant admin sees and edits only their tenant's rows; the
    tenant field is set for them and every foreign-key choice is narrowed to their tenant.
    Forms get the admin's tenant as ``admin_tenant_id`` (see :class:`TenantScopedAdminForm`)
    and rows of a :class:`TenantScopedInline` get their parent's tenant.
    """

    tenant_field = "tenant"

    def _is_platform(self, request) -> bool:
        return _is_platform(request.user)

    def _tenant_admin(self, request) -> bool:
        return _is_tenant_admin(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._is_platform(request):
            return qs
        if not self._tenant_admin(request):
            return qs.none()
        return qs.filter(**{f"{self.tenant_field}_id": request.user.tenant_id})

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not self._is_platform(request) and self.tenant_field == "tenant":
            exclude.append("tenant")
        return exclude

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if self._is_platform(request) and self.tenant_field == "tenant":
            filters.insert(0, "tenant")
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self._is_platform(request):
            related = db_field.related_model
            tenant_id = request.user.tenant_id
            if related._meta.label == "accounts.Tenant":
                kwargs["queryset"] = related.objects.filter(pk=tenant_id)
            elif any(f.name == "tenant" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(tenant_id=tenant_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not self._is_platform(request):
            related = db_field.related_model
            if any(f.name == "tenant" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(
                    tenant_id=request.user.tenant_id
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.admin_tenant_id = None if self._is_platform(request) else request.user.tenant_id
        if self._is_platform(request) or self.tenant_field != "tenant":
            return form
        tenant_id = request.user.tenant_id

        class TenantForm(form):
            """The tenant is not on the form, but it is part of every per-tenant unique
            constraint: set it first, so a duplicate is a form error and not a crash."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.tenant_id = tenant_id

            def _get_validation_exclusions(self):
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("tenant")
                return exclusions

        TenantForm.__name__ = form.__name__
        return TenantForm

    def save_model(self, request, obj, form, change):
        if not self._is_platform(request) and self.tenant_field == "tenant":
            obj.tenant_id = request.user.tenant_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, TenantScopedInlineFormSet):
            return super().save_formset(request, form, formset, change)
        # Deleted rows go first, so a kept row may take a name a deleted one held.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.before_rows_saved()
        for obj in instances:
            obj.tenant_id = form.instance.tenant_id
            obj.save()
        formset.save_m2m()

    def has_module_permission(self, request):
        return self._is_platform(request) or self._tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._is_platform(request) or self._tenant_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def _allowed(self, request, obj) -> bool:
        if self._is_platform(request):
            return True
        if not self._tenant_admin(request):
            return False
        if obj is None:
            return True
        tenant_id = obj.pk if self.tenant_field == "pk" else getattr(obj, f"{self.tenant_field}_id")
        return tenant_id == request.user.tenant_id


class MissingObjectIs404:
    """An object URL of a row this admin may not see (another tenant's, or none) answers
    404, as the portal does, instead of Django's redirect to the admin index."""

    def _object_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("There is no such object."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


class ReadOnlyTenantAdmin(MissingObjectIs404, TenantScopedAdmin):
    """Rows the help desk writes and admins only read (the outbox, the inbox, bounced
    addresses): ``detail_fields`` are shown read-only, platform superusers also see the
    tenant, and only they may delete."""

    detail_fields: list[str] = []

    def get_list_display(self, request):
        fields = list(super().get_list_display(request))
        if self._is_platform(request):
            fields.append("tenant")
        return fields

    def get_fields(self, request, obj=None):
        fields = list(self.detail_fields)
        if self._is_platform(request):
            fields.insert(0, "tenant")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self._is_platform(request)


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyTenantAdmin):
    """Emails of the outbox, read-only, with a resend action for failed ones.

    Tenant admins see their tenant's undelivered and failed emails; platform superusers see
    every email. The body of a sensitive email (a link or code that opens an account) is
    never shown, sent or not.
    """

    list_display = [
        "subject",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "error_short",
    ]
    list_filter = ["status"]
    list_select_related = ["tenant"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    detail_fields = [
        "subject",
        "recipients",
        "from_email",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "retry_until",
        "sent_at",
        "last_error",
        "message_id",
        "body",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self._is_platform(request):
            queryset = queryset.exclude(status=OutboxEmail.Status.SENT)
        return queryset

    @admin.display(description=_("To"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("Last error"))
    def error_short(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.display(description=_("Text"))
    def body(self, obj):
        if obj.sensitive:
            return _(
                "Not shown: this email carries a link or code that opens an account. It is "
                "removed once the email is delivered."
            )
        return obj.body_text

    @admin.action(description=_("Resend the selected failed emails"), permissions=["resend"])
    def resend(self, request, queryset):
        failed = queryset.filter(status=OutboxEmail.Status.FAILED)
        sensitive = failed.filter(sensitive=True).count()
        resent = outbox_resend(emails=failed)
        if resent:
            message = ngettext(
                "%(count)d email is queued again and will be sent now.",
                "%(count)d emails are queued again and will be sent now.",
                resent,
            )
            self.message_user(request, message % {"count": resent}, messages.SUCCESS)
        if sensitive:
            message = ngettext(
                "%(count)d email was not resent: it carried a sign-in link or code, which "
                "is not kept. Ask the person to request a new one.",
                "%(count)d emails were not resent: they carried sign-in links or codes, "
                "which are not kept. Ask the people to request new ones.",
                sensitive,
            )
            self.message_user(request, message % {"count": sensitive}, messages.WARNING)
        if not resent and not sensitive:
            self.message_user(request, _("Only failed emails can be resent."), messages.INFO)

    def has_resend_permission(self, request):
        return self._allowed(request, None)


@admin.register(BouncedAddress)
class BouncedAddressAdmin(ReadOnlyTenantAdmin):
    """Addresses our emails bounced from, how often and why."""

    list_display = ["address", "bounces", "last_reason", "last_bounced_at"]
    search_fields = ["address"]
    date_hierarchy = "last_bounced_at"
    detail_fields = ["address", "bounces", "last_reason", "last_bounced_at"]


# The webhooks' admin (their log and their form) lives with the webhooks.
from .webhooks import admin as webhooks_admin  # noqa: E402, F401
