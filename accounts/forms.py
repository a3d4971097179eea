import zoneinfo

from allauth.account.forms import ResetPasswordForm
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from helpdesk.languages import language_supported
from helpdesk.widgets import LongSelect

from .models import TIME_ZONE_CHOICES, Invitation, Role, User


class TenantResetPasswordForm(ResetPasswordForm):
    """Only accounts of this host's tenant get a reset link; the page answers the same
    whether or not the address is known here."""

    def clean_email(self):
        email = super().clean_email()
        request = allauth_context.request
        tenant = getattr(request, "tenant", None)
        tenant_id = tenant.pk if tenant else None
        self.users = [user for user in self.users if user.tenant_id == tenant_id]
        return email


def _help_desk_default_label(tenant) -> str:
    code = language_supported(getattr(tenant, "default_language", ""))
    if not code:
        return str(_("The help desk's default (your browser's language)"))
    return str(_("The help desk's default (%(language)s)") % {"language": _language_name(code)})


def _language_name(code: str) -> str:
    """A language's name in that language ("Español"), as people look for their own."""
    with override(code):
        return str(dict(settings.LANGUAGES)[code])


def language_choices(tenant=None) -> list[tuple[str, str]]:
    return [("", _help_desk_default_label(tenant))] + [
        (code, _language_name(code)) for code, _name in settings.LANGUAGES
    ]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", _("The help desk's time zone"))] + TIME_ZONE_CHOICES,
        required=False,
        widget=LongSelect,
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language"]
        labels = {"full_name": _("Full name")}

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(tenant)

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError(_("Choose a time zone from the list.")) from None
        return zone


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Invitation._meta.get_field("role").choices,
        initial=Role.CUSTOMER,
        help_text=_("Organization admins see every ticket of the organization and invite others."),
    )


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        help_text=_("We email a link to this address; your address changes when you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
