import zoneinfo
from datetime import datetime, time, timedelta

from allauth.account.forms import ResetPasswordForm
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import timezone
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


class ApiTokenForm(forms.Form):
    """A new personal access token: what it is for, its scope and when it expires. The
    expiry is a number of days from now, or a date (the token works to the end of it, in
    the person's time zone)."""

    SCOPE_READ = "read"
    SCOPE_WRITE = "write"
    EXPIRY_DATE = "date"

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Nightly export” or “Monitoring script”."),
        error_messages={"required": _("Say what the token is for.")},
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=[
            (SCOPE_READ, _("Read: see tickets and what else your account sees")),
            (SCOPE_WRITE, _("Read and write: also open, reply to and change tickets")),
        ],
        initial=SCOPE_READ,
        widget=forms.RadioSelect,
    )
    expiry = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("7", _("In 7 days")),
            ("30", _("In 30 days")),
            ("90", _("In 90 days")),
            ("365", _("In a year")),
            (EXPIRY_DATE, _("On a date I choose")),
        ],
        initial="30",
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        help_text=_(
            "With “On a date I choose”: up to a year from today. The token works until "
            "the end of that day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        expiry = cleaned.get("expiry")
        if not expiry:
            return cleaned
        now = timezone.now()
        if expiry != self.EXPIRY_DATE:
            cleaned["expires_at"] = now + timedelta(days=int(expiry))
            return cleaned
        day = cleaned.get("expires_on")
        if day is None:
            if "expires_on" not in self.errors:
                self.add_error("expires_on", _("Choose the date the token expires."))
            return cleaned
        today = timezone.localdate(now)
        if day <= today:
            self.add_error("expires_on", _("Choose a date after today."))
        elif day > today + timedelta(days=365):
            self.add_error("expires_on", _("Choose a date at most a year from today."))
        else:
            # The start of the next day where the person is.
            next_day = datetime.combine(day + timedelta(days=1), time.min)
            cleaned["expires_at"] = timezone.make_aware(next_day)
        return cleaned

    @property
    def can_write(self) -> bool:
        return self.cleaned_data.get("scope") == self.SCOPE_WRITE
