import zoneinfo

from allauth.account.forms import ResetPasswordForm
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

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


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[("", "The help desk's time zone")] + TIME_ZONE_CHOICES,
        required=False,
        widget=LongSelect,
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        labels = {"full_name": "Full name"}

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError("Choose a time zone from the list.") from None
        return zone


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(
        choices=Invitation._meta.get_field("role").choices,
        initial=Role.CUSTOMER,
        help_text="Organization admins see every ticket of the organization and invite others.",
    )


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)",
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
            self.add_error("password2", "The two passwords differ.")
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
