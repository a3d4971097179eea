from django import forms
from django.utils.translation import gettext_lazy as _


def _code_field(*, label: str, help_text: str, numeric: bool) -> forms.CharField:
    attrs = {
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "spellcheck": "false",
        "autofocus": True,
    }
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": _("Enter the code.")},
    )


def _password_field(label: str = _("Your password")) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )


class SignInCodeForm(forms.Form):
    code = _code_field(
        label=_("Code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        numeric=False,
    )


class EnrolForm(forms.Form):
    code = _code_field(
        label=_("Code from the app"),
        help_text=_("After adding the account, the app shows a 6-digit code. Type it here."),
        numeric=True,
    )

    def __init__(self, *args, password_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if password_required:
            self.fields["password"] = _password_field()
            # The password is asked before the code.
            self.order_fields(["password", "code"])


class PasswordConfirmForm(forms.Form):
    password = _password_field()


class DisableForm(forms.Form):
    password = _password_field()
    code = _code_field(
        label=_("Code"),
        help_text=_("A current code from your authenticator app, or one of your backup codes."),
        numeric=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)
