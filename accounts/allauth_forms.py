"""allauth's forms as the product's pages show them: labels in sentence case, like every
other label of the product ("Remember me", not allauth's "Remember Me")."""

from allauth.account.forms import ChangePasswordForm, LoginForm, ResetPasswordKeyForm
from django.utils.translation import gettext_lazy as _

NEW_PASSWORD_LABELS = {"password1": _("New password"), "password2": _("New password (again)")}


def _relabel(form, labels: dict) -> None:
    for name, label in labels.items():
        if name in form.fields:
            field = form.fields[name]
            field.label = label
            if "placeholder" in field.widget.attrs:
                field.widget.attrs["placeholder"] = label


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"remember": _("Remember me")})


class PasswordChangeForm(ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, {"oldpassword": _("Current password"), **NEW_PASSWORD_LABELS})


class PasswordResetKeyForm(ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _relabel(self, NEW_PASSWORD_LABELS)
